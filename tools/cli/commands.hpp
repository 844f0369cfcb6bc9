// The client commands (quote, submit, jobs, job, logs, cancel, sites, capacity, credit, top-up):
// one explicit table of name, help text, options and handler. cli.cpp parses the command line
// against it and runs the handler with a Session.
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <ostream>
#include <span>
#include <string_view>

#include "tools/cli/api.hpp"
#include "tools/cli/exit_code.hpp"
#include "tools/cli/options.hpp"
#include "tools/cli/settings.hpp"

namespace suanwang::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// What a handler works with: its options, the streams, and the API, connected on first use so
// that a handler checks its options (exit 2) before it needs a key or a server.
class Session {
 public:
  Session(const ParsedArgs& args, const EnvLookup& env, Io io) : args_(args), env_(env), io_(io) {}

  const ParsedArgs& args() const { return args_; }
  Io& io() { return io_; }
  bool json() const { return args_.has("--json"); }
  // Resolves the server and key (settings.hpp) and returns the API client.
  Result<Api*> api();
  // The HTTP client under the API (for transfers that are not JSON).
  Result<HttpClient*> http() {
    auto a = api();
    if (!a) return fail(a.error());
    return http_.get();
  }
  const EnvLookup& env() const { return env_; }

 private:
  const ParsedArgs& args_;
  const EnvLookup& env_;
  Io io_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Api> api_;
};

// A handler's own failures are Errors (the caller prints them and maps the exit code); an
// ExitCode is returned when the handler has already said everything (e.g. a job that failed).
using CommandFn = Result<ExitCode> (*)(Session&);

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `suanwang help`
  const char* usage;         // the --help text, without the common options
  std::span<const OptionSpec> options;
  std::size_t min_positionals = 0;
  std::size_t max_positionals = 0;
  std::string_view positional_name;  // "JOB_ID", for messages
  CommandFn run = nullptr;
};

std::span<const Command> client_commands();

}  // namespace suanwang::cli
