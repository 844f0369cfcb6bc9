// suanwang: the national compute-network gateway. `suanwang serve` runs the gateway;
// `suanwang version` prints the version; `suanwang replay` compares placement policies on a
// replayed workload (tools/replay/); the client commands (quote, submit, jobs, job, logs,
// cancel, sites, capacity, credit, top-up) call a gateway's REST API (tools/cli/). Each command
// has --help.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "build_info.hpp"
#include "gateway/app/app.hpp"
#include "gateway/app/banner.hpp"
#include "gateway/app/secrets.hpp"
#include "tools/cli/cli.hpp"
#include "tools/replay/command.hpp"

namespace {

constexpr const char* kUsage = R"(usage: suanwang <command> [options]

The national compute-network gateway: one API over many compute centers.

commands:
  serve     run the gateway
  rotate-master-key   re-seal stored secrets under a new master key (gateway stopped)
  replay    replay a week of national demand through placement, per policy (no server)
  version   print the version
  help      show this help

)";

constexpr const char* kServeUsage = R"(usage: suanwang serve [options]

Run the gateway until SIGINT or SIGTERM (graceful: in-flight requests finish).

options:
  --listen ADDR:PORT   address to listen on (default 127.0.0.1:8080; port 0 picks one)
  --data-dir DIR       database, keys and site work dirs (default ./var)
  --demo               create the demo federation on first start (10 hub sites + this machine)
  --demo-load on|off   with --demo: a light, seeded background demand (default on) from the
                       org demo-load on the emulated sites, a few jobs a minute, at most
                       demo_load_max_in_flight (10) unfinished, its newest demo_load_keep_jobs
                       (200) finished jobs kept (config keys: demo_load, demo_load_seed,
                       demo_load_jobs_per_minute, ...); no effect without --demo
  --config FILE        JSON config file; flags given here override it (every key, with
                       its default: etc/suanwang.example.json or --print-config)
  --print-config       print the configuration these options make, as a config file, and exit
  --web-dir DIR        portal files to serve (default: the first of <binary's dir>/web,
                       <binary's dir>/../share/suanwang/web, the source tree's web/)
  --log-level LEVEL    debug, info, warn or error (default info)
  --log-format FORMAT  the terminal's (stderr) log: text (default: short lines; one line per
                       request only at debug level) or json (every line, one JSON object each)
  --log-file PATH      also write every log line (access log included) to PATH as JSON lines,
                       rotated by size (log_file_max_bytes, default 10 MB; log_file_keep older
                       files PATH.1 ... kept, default 5: config file keys)
  --tls-cert FILE      serve HTTPS (TLS 1.2+) with this PEM certificate chain ...
  --tls-key FILE       ... and this PEM private key (scripts/tls-selfsigned makes a pair)
  --master-key-file F  the master key sealing site credentials (64 hex digits, mode 0600;
                       default <data-dir>/master.key, generated on first start)
  --previous-master-key-file F
                       an older master key: secrets sealed with it are re-sealed at start
  -h, --help           show this help

environment:
  SUANWANG_ADMIN_KEY   the admin API key to create on first start (else one is generated
                       and written to <data-dir>/admin.key, mode 0600)
  SUANWANG_MASTER_KEY  the master key (64 hex digits); wins over --master-key-file
)";

constexpr const char* kRotateUsage =
    R"(usage: suanwang rotate-master-key --previous-master-key-file OLD
                                  [--master-key-file NEW] [--data-dir DIR]

Re-seal every stored secret (site credentials) under the current master key (NEW, else
SUANWANG_MASTER_KEY, else <data-dir>/master.key), opening what was sealed with OLD. Run it with
the gateway stopped; afterwards OLD is no longer needed. See README "Security model".
)";

int usage_error(const std::string& msg, const char* usage) {
  std::cerr << "suanwang: " << msg << "\n\n" << usage;
  return 2;
}

int serve(const std::vector<std::string>& args) {
  suanwang::Config config;
  bool print_config = false;
  // The config file is applied first, so that flags override it wherever they appear.
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) return usage_error("--config needs a file", kServeUsage);
      if (auto r = suanwang::load_config_file(config, args[i + 1]); !r) {
        std::cerr << "suanwang: " << r.error().message << "\n";
        return 2;
      }
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    if (a == "-h" || a == "--help") {
      std::cout << kServeUsage;
      return 0;
    } else if (a == "--demo") {
      config.demo = true;
    } else if (a == "--config") {
      ++i;
    } else if (a == "--demo-load") {
      const std::string* v = value();
      if (v == nullptr || (*v != "on" && *v != "off")) {
        return usage_error("--demo-load takes on or off", kServeUsage);
      }
      config.demo_load = *v == "on";
    } else if (a == "--print-config") {
      print_config = true;
    } else if (a == "--listen" || a == "--data-dir" || a == "--web-dir" || a == "--log-level" ||
               a == "--log-format" || a == "--log-file" || a == "--tls-cert" || a == "--tls-key" ||
               a == "--master-key-file" || a == "--previous-master-key-file") {
      const std::string* v = value();
      if (v == nullptr) return usage_error(a + " needs a value", kServeUsage);
      suanwang::Result<void> r;
      if (a == "--listen") r = suanwang::parse_listen(config, *v);
      if (a == "--data-dir") config.data_dir = *v;
      if (a == "--web-dir") config.web_dir = *v;
      if (a == "--log-level") r = suanwang::apply_config_json(config, {{"log_level", *v}});
      if (a == "--log-format") r = suanwang::apply_config_json(config, {{"log_format", *v}});
      if (a == "--log-file") config.log_file = *v;
      if (a == "--tls-cert") config.tls_cert_file = *v;
      if (a == "--tls-key") config.tls_key_file = *v;
      if (a == "--master-key-file") config.master_key_file = *v;
      if (a == "--previous-master-key-file") config.previous_master_key_file = *v;
      if (!r) return usage_error(r.error().message, kServeUsage);
    } else {
      return usage_error("unknown option '" + a + "'", kServeUsage);
    }
  }
  if (print_config) {
    std::cout << suanwang::config_to_json(config).dump(2) << "\n";
    return 0;
  }

  // Signals are taken by sigwait in this thread only; the I/O threads never see them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const auto level = config.log_level == "debug"   ? suanwang::LogLevel::debug
                     : config.log_level == "warn"  ? suanwang::LogLevel::warn
                     : config.log_level == "error" ? suanwang::LogLevel::error
                                                   : suanwang::LogLevel::info;
  suanwang::LogOutputs outputs{
      level, config.log_format == "json" ? suanwang::LogFormat::json : suanwang::LogFormat::text,
      nullptr};
  if (!config.log_file.empty()) {
    auto file = suanwang::RotatingFile::open(config.log_file, config.log_file_max_bytes,
                                             config.log_file_keep);
    if (!file) {
      std::cerr << "suanwang: " << file.error().message << "\n";
      return 1;
    }
    outputs.file = std::move(*file);
  }
  suanwang::Logger log(std::cerr, std::move(outputs));
  suanwang::SystemClock clock;
  suanwang::SecureRandom random;
  auto app = suanwang::app::App::create(config, log, clock, random);
  if (!app) {
    std::cerr << "suanwang: " << app.error().message << "\n";
    return 1;
  }
  auto port = (*app)->start();
  if (!port) {
    std::cerr << "suanwang: " << port.error().message << "\n";
    return 1;
  }
  std::cout << suanwang::app::start_banner(
      {config, *port, (*app)->bootstrap_result(),
       (*app)->serves_portal() ? (*app)->web_dir() : std::filesystem::path()});
  std::cout.flush();

  int sig = 0;
  sigwait(&signals, &sig);
  log.info("shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  (*app)->stop();
  (*app)->wait();
  log.info("stopped");
  return 0;
}

int rotate_master_key(const std::vector<std::string>& args) {
  suanwang::Config config;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kRotateUsage;
      return 0;
    }
    if (i + 1 >= args.size())
      return usage_error("unknown or incomplete option '" + a + "'", kRotateUsage);
    const std::string& v = args[++i];
    if (a == "--data-dir") {
      config.data_dir = v;
    } else if (a == "--master-key-file") {
      config.master_key_file = v;
    } else if (a == "--previous-master-key-file") {
      config.previous_master_key_file = v;
    } else {
      return usage_error("unknown option '" + a + "'", kRotateUsage);
    }
  }
  if (config.previous_master_key_file.empty()) {
    return usage_error("--previous-master-key-file is required", kRotateUsage);
  }
  suanwang::Logger log(std::cerr, {suanwang::LogLevel::info, suanwang::LogFormat::text, nullptr});
  suanwang::SecureRandom random;
  auto n = suanwang::app::rotate_master_key(config, random, log);
  if (!n) {
    std::cerr << "suanwang: " << n.error().message << "\n";
    return 1;
  }
  std::cout << "re-sealed the credentials of " << *n
            << " site(s); the previous key is no longer needed\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage << suanwang::cli::client_commands_help();
    return 2;
  }
  const std::string cmd = args.front();
  args.erase(args.begin());
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage << suanwang::cli::client_commands_help()
              << "\nRun 'suanwang <command> --help' for a command's options.\n";
    return 0;
  }
  if (cmd == "version" || cmd == "--version") {
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
      std::cout << "usage: suanwang version\n\nPrint the version and build type.\n";
      return 0;
    }
    std::cout << "suanwang " << suanwang::build_info::kVersion << " ("
              << suanwang::build_info::kBuildType << ")\n";
    return 0;
  }
  if (cmd == "serve") return serve(args);
  if (cmd == "rotate-master-key") return rotate_master_key(args);
  if (cmd == "replay") return suanwang::replay::replay_command(args, std::cout, std::cerr);
  if (suanwang::cli::is_client_command(cmd)) {
    const suanwang::cli::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
      const char* v = std::getenv(name.c_str());
      return v == nullptr ? std::nullopt : std::optional<std::string>(v);
    };
    return suanwang::cli::run_client_command(cmd, args, env, {std::cin, std::cout, std::cerr});
  }
  return usage_error("unknown command '" + cmd + "'", kUsage);
}
