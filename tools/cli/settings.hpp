// Settings: where the CLI finds its server and API key. The server comes from --server, else
// SUANWANG_SERVER, else the config file, else http://127.0.0.1:8080. The key comes from
// --key-file, else SUANWANG_API_KEY, else the config file ("api_key" or "key_file"); never from
// a plain command-line value, which any user could read in `ps`.
//
// The config file is $XDG_CONFIG_HOME/suanwang/config.json (default ~/.config/...):
//   {"server": "http://gw.example:8080", "api_key": "sw_...", "key_file": "~/.suanwang.key"}
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "gateway/core/result.hpp"
#include "tools/cli/http_client.hpp"

namespace suanwang::cli {

// Reads one environment variable; main passes getenv, tests pass a map.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

inline constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

struct Settings {
  ServerUrl server;
  std::string api_key;
  std::string key_source;  // where the key came from, for messages ("SUANWANG_API_KEY", a path)
};

// The Accept-Language the CLI sends, from the POSIX locale variables in their order of
// precedence (LC_ALL, LC_MESSAGES, LANG): "zh-CN" for zh_CN.UTF-8, "en" for C, POSIX or en_US.
// The gateway answers in zh for any zh-*, else in en.
std::string accept_language(const EnvLookup& env);

// The config file's path, "" when neither XDG_CONFIG_HOME nor HOME is set.
std::filesystem::path config_file_path(const EnvLookup& env);

// Resolves the settings from the flags (nullopt when not given), the environment and the config
// file. Errors: invalid_argument (bad URL, bad config file), unauthenticated (no usable key).
Result<Settings> resolve_settings(const std::optional<std::string>& server_flag,
                                  const std::optional<std::string>& key_file_flag,
                                  const EnvLookup& env);

// The server alone (flag, environment, config file, default), for commands that need no key yet.
Result<ServerUrl> resolve_server(const std::optional<std::string>& server_flag,
                                 const EnvLookup& env);

// Sets "server" and "api_key" in the config file, keeping its other keys; the file is written
// whole through a temporary file and is mode 0600 (it holds a key).
Result<std::filesystem::path> save_login(const EnvLookup& env, const std::string& server,
                                         const std::string& api_key);

// The first line of a key file, trimmed; unauthenticated when unreadable or empty.
Result<std::string> read_key_file(const std::filesystem::path& path);

}  // namespace suanwang::cli
