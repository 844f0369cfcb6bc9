// The REST-client side of the `suanwang` binary: `suanwang quote|submit|jobs|job|logs|cancel|
// sites|capacity`. main.cpp routes those names here; everything else about them (options, help,
// exit codes) lives under tools/cli/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/cli/commands.hpp"
#include "tools/cli/settings.hpp"

namespace suanwang::cli {

bool is_client_command(std::string_view name);

// Runs one client command and returns the process exit code (exit_code.hpp). Reads the
// environment only through `env`; writes only to `io`.
int run_client_command(std::string_view name, const std::vector<std::string>& args,
                       const EnvLookup& env, Io io);

// The client commands' part of `suanwang help`: the command list, the environment and the
// exit codes.
std::string client_commands_help();

}  // namespace suanwang::cli
