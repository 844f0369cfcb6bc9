// Client command dispatch: parse the command line against the command's table entry, print help
// or a usage error, run the handler, and turn its Result into an exit code and a message.
#include "tools/cli/cli.hpp"

#include <array>

#include "tools/cli/job_request.hpp"
#include "tools/cli/views.hpp"

namespace suanwang::cli {
namespace {

constexpr std::array kCommonOptions = {
    OptionSpec{"--server", 0, true},  OptionSpec{"--key-file", 0, true}, OptionSpec{"--json"},
    OptionSpec{"--timeout", 0, true}, OptionSpec{"--help", 'h'},
};

constexpr const char* kCommonHelp = R"(
common options:
  --server URL      the gateway (default: $SUANWANG_SERVER, else "server" in the config file,
                    else http://127.0.0.1:8080)
  --key-file FILE   read the API key from FILE (default: $SUANWANG_API_KEY, else "api_key" or
                    "key_file" in the config file); the key is never a command-line value
  --json            print the API's JSON answer instead of tables
  --timeout DUR     give up on a request after DUR (default 30s)
  -h, --help        show this help

config file: $XDG_CONFIG_HOME/suanwang/config.json (default ~/.config/suanwang/config.json),
  e.g. {"server": "http://gw.example:8080", "key_file": "~/.config/suanwang/key"}

)";

const Command* find_command(std::string_view name) {
  for (const auto& c : client_commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string help_text(const Command& c) {
  const bool job_options = c.name == "quote" || c.name == "submit";
  return std::string(c.usage) + (job_options ? std::string("\n") + kJobOptionsHelp : "") +
         kCommonHelp + kExitCodeHelp;
}

int usage_error(const Command& c, const Error& e, std::ostream& err) {
  std::string usage(c.usage);
  // The synopsis: the usage text up to its first blank line.
  usage = usage.substr(0, usage.find("\n\n") + 1);
  // The message already names the option; no "(field: ...)" here.
  err << "suanwang: " << e.message << "\n"
      << usage << "Run 'suanwang " << c.name << " --help' for all options.\n";
  return to_int(ExitCode::usage);
}

}  // namespace

bool is_client_command(std::string_view name) {
  return find_command(name) != nullptr;
}

std::string client_commands_help() {
  std::string out = "client commands (REST API; see 'suanwang <command> --help'):\n";
  for (const auto& c : client_commands()) {
    std::string name(c.name);
    name.resize(10, ' ');
    out += "  " + name + std::string(c.summary) + "\n";
  }
  out += R"(
client environment:
  SUANWANG_SERVER    the gateway URL (default http://127.0.0.1:8080)
  SUANWANG_API_KEY   the API key (or --key-file FILE, or the config file)
  LC_ALL, LANG       the language of the server's messages (zh_CN.UTF-8: Chinese, else English)

)";
  return out + kExitCodeHelp;
}

int run_client_command(std::string_view name, const std::vector<std::string>& args,
                       const EnvLookup& env, Io io) {
  const Command* cmd = find_command(name);
  if (cmd == nullptr) {
    io.err << "suanwang: unknown command '" << name << "'\n";
    return to_int(ExitCode::usage);
  }
  std::vector<OptionSpec> specs(kCommonOptions.begin(), kCommonOptions.end());
  specs.insert(specs.end(), cmd->options.begin(), cmd->options.end());
  auto parsed = parse_args(args, specs);
  if (!parsed) {
    Error e = parsed.error();
    if (e.field == "--key" || e.field == "--api-key" || e.field == "--token") {
      e.message =
          "the API key is never taken as a command-line value (anyone can read it with "
          "ps): set SUANWANG_API_KEY or use --key-file FILE";
    }
    return usage_error(*cmd, e, io.err);
  }
  if (parsed->has("--help")) {
    io.out << help_text(*cmd);
    return to_int(ExitCode::ok);
  }
  const auto& pos = parsed->positionals();
  if (pos.size() < cmd->min_positionals) {
    return usage_error(*cmd,
                       Error::invalid("", "'" + std::string(name) + "' needs " +
                                              std::string(cmd->positional_name)),
                       io.err);
  }
  if (pos.size() > cmd->max_positionals) {
    return usage_error(
        *cmd,
        Error::invalid("", "unexpected argument '" + pos[cmd->max_positionals].substr(0, 64) + "'"),
        io.err);
  }
  Session session(*parsed, env, io);
  Result<ExitCode> r = cmd->run(session);
  io.out.flush();
  if (!r) {
    const Error& e = r.error();
    // A rejected option value is worth the synopsis; a request the server rejected is not.
    if (e.code == Errc::invalid_argument && e.field.starts_with("--")) {
      return usage_error(*cmd, e, io.err);
    }
    io.err << error_line(e);
    return to_int(exit_code_for(e.code));
  }
  return to_int(*r);
}

}  // namespace suanwang::cli
