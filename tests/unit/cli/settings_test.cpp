// Where the CLI finds its server and key: flags over environment over the config file over the
// default; the key never from a plain flag; clear errors when there is none.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <fstream>
#include <map>

#include "tools/cli/exit_code.hpp"
#include "tools/cli/settings.hpp"

namespace {
using namespace suanwang;
using namespace suanwang::cli;
namespace fs = std::filesystem;

// A fresh directory, removed afterwards.
struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "suanwang-cli-unit-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path path_;
};

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST_CASE("the config file lives under XDG_CONFIG_HOME, else ~/.config", "[cli][settings]") {
  CHECK(config_file_path(env_of({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})) ==
        "/x/suanwang/config.json");
  CHECK(config_file_path(env_of({{"HOME", "/h"}})) == "/h/.config/suanwang/config.json");
  CHECK(config_file_path(env_of({{"XDG_CONFIG_HOME", ""}, {"HOME", "/h"}})) ==
        "/h/.config/suanwang/config.json");
  CHECK(config_file_path(env_of({})).empty());
}

TEST_CASE("server and key precedence: flag, environment, config file, default", "[cli][settings]") {
  TempDir dir;
  const fs::path xdg = dir.path() / "config";
  write(xdg / "suanwang/config.json",
        R"({"server": "http://from-config:9000", "api_key": "sw_config"})");
  write(dir.path() / "key", "sw_file\n");

  auto from_config =
      resolve_settings(std::nullopt, std::nullopt, env_of({{"XDG_CONFIG_HOME", xdg.string()}}));
  REQUIRE(from_config);
  CHECK(from_config->server.text() == "http://from-config:9000");
  CHECK(from_config->api_key == "sw_config");

  auto from_env = resolve_settings(std::nullopt, std::nullopt,
                                   env_of({{"XDG_CONFIG_HOME", xdg.string()},
                                           {"SUANWANG_SERVER", "http://from-env:1234/gw/"},
                                           {"SUANWANG_API_KEY", " sw_env "}}));
  REQUIRE(from_env);
  CHECK(from_env->server.host == "from-env");
  CHECK(from_env->server.base_path == "/gw");
  CHECK(from_env->api_key == "sw_env");

  auto from_flags = resolve_settings(std::string("http://flag:1"), (dir.path() / "key").string(),
                                     env_of({{"XDG_CONFIG_HOME", xdg.string()},
                                             {"SUANWANG_SERVER", "http://from-env:1234"},
                                             {"SUANWANG_API_KEY", "sw_env"}}));
  REQUIRE(from_flags);
  CHECK(from_flags->server.text() == "http://flag:1");
  CHECK(from_flags->api_key == "sw_file");

  auto defaults = resolve_settings(std::nullopt, std::nullopt,
                                   env_of({{"SUANWANG_API_KEY", "k"}, {"HOME", "/nonexistent"}}));
  REQUIRE(defaults);
  CHECK(defaults->server.text() == "http://127.0.0.1:8080");
}

TEST_CASE("the config file may name a key file, with ~ for HOME", "[cli][settings]") {
  TempDir dir;
  write(dir.path() / ".config/suanwang/config.json", R"({"key_file": "~/my.key"})");
  write(dir.path() / "my.key", "sw_home\n");
  auto s = resolve_settings(std::nullopt, std::nullopt, env_of({{"HOME", dir.path().string()}}));
  REQUIRE(s);
  CHECK(s->api_key == "sw_home");
}

TEST_CASE("no key, an unreadable key file or a bad config file are clear errors",
          "[cli][settings]") {
  TempDir dir;
  auto none = resolve_settings(std::nullopt, std::nullopt, env_of({{"HOME", dir.path().string()}}));
  REQUIRE_FALSE(none);
  CHECK(none.error().code == Errc::unauthenticated);
  CHECK(exit_code_for(none.error().code) == ExitCode::auth);
  CHECK(none.error().message.find("SUANWANG_API_KEY") != std::string::npos);

  auto missing_file = resolve_settings(std::nullopt, (dir.path() / "nope").string(), env_of({}));
  REQUIRE_FALSE(missing_file);
  CHECK(missing_file.error().code == Errc::unauthenticated);

  write(dir.path() / "empty.key", "\n");
  auto empty = read_key_file(dir.path() / "empty.key");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message.find("is empty") != std::string::npos);

  write(dir.path() / "x/suanwang/config.json", R"({"sever": "typo"})");
  auto bad = resolve_settings(
      std::nullopt, std::nullopt,
      env_of({{"XDG_CONFIG_HOME", (dir.path() / "x").string()}, {"SUANWANG_API_KEY", "k"}}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::invalid_argument);
  CHECK(bad.error().message.find("sever") != std::string::npos);

  write(dir.path() / "y/suanwang/config.json", "{not json");
  auto junk = resolve_settings(
      std::nullopt, std::nullopt,
      env_of({{"XDG_CONFIG_HOME", (dir.path() / "y").string()}, {"SUANWANG_API_KEY", "k"}}));
  REQUIRE_FALSE(junk);
  CHECK(junk.error().message.find("not valid JSON") != std::string::npos);
}

}  // namespace

namespace {

TEST_CASE("cli: Accept-Language follows LC_ALL, then LC_MESSAGES, then LANG", "[cli][settings]") {
  CHECK(accept_language(env_of({})) == "en");
  CHECK(accept_language(env_of({{"LANG", "zh_CN.UTF-8"}})) == "zh-CN");
  CHECK(accept_language(env_of({{"LANG", "C.UTF-8"}})) == "en");
  CHECK(accept_language(env_of({{"LANG", "POSIX"}})) == "en");
  CHECK(accept_language(env_of({{"LANG", "en_US.UTF-8"}, {"LC_ALL", "zh_TW@stroke"}})) == "zh-TW");
  CHECK(accept_language(env_of({{"LANG", "zh_CN.UTF-8"}, {"LC_MESSAGES", "en_GB"}})) == "en-GB");
  CHECK(accept_language(env_of({{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", ""}})) == "zh-CN");
}

}  // namespace
