// Server and key resolution (see settings.hpp).
#include "tools/cli/settings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "gateway/core/json.hpp"

namespace suanwang::cli {
namespace fs = std::filesystem;
namespace {

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::optional<std::string> nonempty(const EnvLookup& env, const std::string& name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

// "~/x" -> "$HOME/x"; other paths as given.
fs::path expand_home(const std::string& p, const EnvLookup& env) {
  if (p.starts_with("~/")) {
    if (auto home = nonempty(env, "HOME")) return fs::path(*home) / p.substr(2);
  }
  return p;
}

struct FileConfig {
  std::optional<std::string> server;
  std::optional<std::string> api_key;
  std::optional<std::string> key_file;
};

Result<FileConfig> load_file_config(const fs::path& path) {
  FileConfig fc;
  std::error_code ec;
  if (path.empty() || !fs::exists(path, ec)) return fc;
  std::ifstream in(path);
  if (!in) return fail(Error::invalid("config", "cannot read " + path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = parse_json(ss.str());
  if (!j) {
    return fail(Error::invalid("config", path.string() + ": not valid JSON: " + j.error().message));
  }
  JsonReader r(*j, "");
  auto check = [&](Result<void> v) -> Result<void> {
    if (!v) return fail(Error::invalid("config", path.string() + ": " + v.error().message));
    return ok();
  };
  if (auto v = check(r.expect_object()); !v) return fail(v.error());
  if (auto v = check(r.reject_unknown({"server", "api_key", "key_file"})); !v) {
    return fail(v.error());
  }
  for (auto [key, dest] : {std::pair{"server", &fc.server}, std::pair{"api_key", &fc.api_key},
                           std::pair{"key_file", &fc.key_file}}) {
    auto s = r.opt_string(key, 4096);
    if (!s) return fail(Error::invalid("config", path.string() + ": " + s.error().message));
    *dest = std::move(*s);
  }
  return fc;
}

Error no_key(const fs::path& config) {
  return {Errc::unauthenticated,
          "no API key: set SUANWANG_API_KEY, pass --key-file FILE, or put \"api_key\" in " +
              (config.empty() ? std::string("~/.config/suanwang/config.json") : config.string()),
          {}};
}

}  // namespace

fs::path config_file_path(const EnvLookup& env) {
  if (auto xdg = nonempty(env, "XDG_CONFIG_HOME")) return fs::path(*xdg) / "suanwang/config.json";
  if (auto home = nonempty(env, "HOME")) return fs::path(*home) / ".config/suanwang/config.json";
  return {};
}

Result<std::string> read_key_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) {
    return fail(Error{Errc::unauthenticated, "cannot read the key file " + path.string(), {}});
  }
  std::string line;
  std::getline(in, line);
  line = trim(std::move(line));
  if (line.empty()) {
    return fail(Error{Errc::unauthenticated, "the key file " + path.string() + " is empty", {}});
  }
  return line;
}

Result<ServerUrl> resolve_server(const std::optional<std::string>& server_flag,
                                 const EnvLookup& env) {
  auto fc = load_file_config(config_file_path(env));
  if (!fc) return fail(fc.error());
  std::string server = kDefaultServer;
  if (server_flag) {
    server = *server_flag;
  } else if (auto s = nonempty(env, "SUANWANG_SERVER")) {
    server = *s;
  } else if (fc->server) {
    server = *fc->server;
  }
  return parse_server_url(server);
}

Result<fs::path> save_login(const EnvLookup& env, const std::string& server,
                            const std::string& api_key) {
  const fs::path path = config_file_path(env);
  if (path.empty()) {
    return fail(Error::invalid("config", "neither XDG_CONFIG_HOME nor HOME is set"));
  }
  Json config = Json::object();
  if (std::ifstream in(path); in) {
    config = Json::parse(in, nullptr, false);
    if (!config.is_object()) {
      return fail(Error::invalid("config", path.string() + " is not a JSON object; fix or remove it"));
    }
  }
  config["server"] = server;
  config["api_key"] = api_key;
  config.erase("key_file");  // the key just made is the one to use
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = path.string() + ".tmp";
  {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(Error::internal("cannot write " + tmp.string()));
    const std::string text = config.dump(2) + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return fail(Error::internal("cannot write " + tmp.string()));
  }
  fs::rename(tmp, path, ec);
  if (ec) return fail(Error::internal("cannot write " + path.string() + ": " + ec.message()));
  return path;
}

std::string accept_language(const EnvLookup& env) {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const auto v = env(name);
    if (!v || v->empty()) continue;
    // ll_CC.codeset@modifier -> ll-CC
    std::string tag = v->substr(0, v->find_first_of(".@"));
    for (char& c : tag) c = c == '_' ? '-' : c;
    if (tag == "C" || tag == "POSIX" || tag.empty()) return "en";
    return tag;
  }
  return "en";
}

Result<Settings> resolve_settings(const std::optional<std::string>& server_flag,
                                  const std::optional<std::string>& key_file_flag,
                                  const EnvLookup& env) {
  const fs::path config_path = config_file_path(env);
  auto fc = load_file_config(config_path);
  if (!fc) return fail(fc.error());

  auto url = resolve_server(server_flag, env);
  if (!url) return fail(url.error());

  Settings out;
  out.server = std::move(*url);
  if (key_file_flag) {
    auto k = read_key_file(expand_home(*key_file_flag, env));
    if (!k) return fail(k.error());
    out.api_key = std::move(*k);
    out.key_source = *key_file_flag;
  } else if (auto k = nonempty(env, "SUANWANG_API_KEY")) {
    out.api_key = trim(*k);
    out.key_source = "SUANWANG_API_KEY";
  } else if (fc->api_key && !trim(*fc->api_key).empty()) {
    out.api_key = trim(*fc->api_key);
    out.key_source = config_path.string();
  } else if (fc->key_file) {
    auto k = read_key_file(expand_home(*fc->key_file, env));
    if (!k) return fail(k.error());
    out.api_key = std::move(*k);
    out.key_source = *fc->key_file;
  }
  if (out.api_key.empty()) return fail(no_key(config_path));
  return out;
}

}  // namespace suanwang::cli
