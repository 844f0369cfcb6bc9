// The start-up banner (see banner.hpp).
#include "gateway/app/banner.hpp"

#include "build_info.hpp"

namespace suanwang::app {
namespace {

std::string url_of(const Config& config, const std::string& host, uint16_t port) {
  const std::string scheme = config.tls_cert_file.empty() ? "http" : "https";
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string megabytes(std::size_t bytes) {
  const std::size_t mb = bytes / (1024 * 1024);
  return mb > 0 ? std::to_string(mb) + " MB" : std::to_string(bytes) + " bytes";
}

}  // namespace

std::string local_url(const Config& config, uint16_t port) {
  std::string host = config.listen_address;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  return url_of(config, host, port);
}

std::string start_banner(const BannerFacts& f) {
  const Config& c = f.config;
  std::string s = "suanwang " + std::string(build_info::kVersion) + " listening on " +
                  url_of(c, c.listen_address, f.port) + "\n";
  auto row = [&](std::string_view label, const std::string& value) {
    s += "  ";
    s += label;
    s.append(label.size() < 11 ? 11 - label.size() : 1, ' ');
    s += value;
    s += "\n";
  };
  row("portal:", f.web_dir.empty() ? "not found: API only (pass --web-dir DIR, DIR = the web/ "
                                     "folder of the source tree)"
                                   : f.web_dir.string());
  row("data:", c.data_dir.string());
  if (f.boot.admin_key_file) row("admin key:", f.boot.admin_key_file->string());
  if (f.boot.demo_keys_file) row("demo keys:", f.boot.demo_keys_file->string());
  if (!c.log_file.empty()) {
    row("log file:", c.log_file.string() + " (JSON lines; rotated at " +
                         megabytes(c.log_file_max_bytes) + ", " + std::to_string(c.log_file_keep) +
                         " kept)");
  }
  if (c.log_format == "text" && c.log_level != "debug") {
    row("terminal:", "start, stop, warnings, errors (--log-level debug adds every request)");
  }
  const std::string url = local_url(c, f.port);
  if (f.web_dir.empty()) {
    const std::string key = f.boot.admin_key_file ? "$(cat " + f.boot.admin_key_file->string() + ")"
                                                  : "$SUANWANG_ADMIN_KEY";
    s += "\nNext: curl -H \"Authorization: Bearer " + key + "\" " + url + "/api/v1/sites\n";
  } else if (f.boot.demo_keys_file && f.boot.demo_user_email) {
    s += "\nNext: open " + url + ", sign in as " + *f.boot.demo_user_email + ", password in " +
         f.boot.demo_keys_file->string() + "\n";
  } else if (f.boot.admin_key_file) {
    s += "\nNext: open " + url + ", sign in with the admin API key in " +
         f.boot.admin_key_file->string() + "\n";
  } else {
    s += "\nNext: open " + url + ", sign in with the admin API key set in SUANWANG_ADMIN_KEY\n";
  }
  return s;
}

}  // namespace suanwang::app
