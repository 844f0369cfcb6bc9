// The start-up banner: its first line is what scripts wait for, and it ends with the next step
// for the kind of start (demo sign-in, admin key, API only).
#include <catch2/catch.hpp>

#include <string>

#include "gateway/app/banner.hpp"

namespace {

using namespace suanwang;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

std::string banner_last_line(const std::string& text) {
  const auto end = text.find_last_not_of('\n');
  const auto start = text.rfind('\n', end);
  return text.substr(start + 1, end - start);
}

TEST_CASE("the demo banner ends with where to sign in and where the password is", "[app][banner]") {
  Config c;
  c.data_dir = "var";
  c.demo = true;
  app::BootstrapResult boot;
  boot.admin_key_file = "var/admin.key";
  boot.demo_keys_file = "var/demo-keys.json";
  boot.demo_user_email = "demo-user@demo.local";
  const std::string b = app::start_banner({c, 8080, boot, "/src/web"});
  CHECK_THAT(b, StartsWith("suanwang "));
  CHECK_THAT(b, Contains(" listening on http://127.0.0.1:8080\n"));
  CHECK_THAT(b, Contains("  portal:    /src/web\n"));
  CHECK_THAT(b, Contains("  admin key: var/admin.key\n"));
  CHECK_THAT(b, Contains("  demo keys: var/demo-keys.json\n"));
  CHECK_THAT(b, Contains("--log-level debug"));  // why the terminal shows no requests
  CHECK(banner_last_line(b) ==
        "Next: open http://127.0.0.1:8080, sign in as demo-user@demo.local, password in "
        "var/demo-keys.json");
}

TEST_CASE("without the demo the banner points at the admin key; a log file is named",
          "[app][banner]") {
  Config c;
  c.listen_address = "0.0.0.0";
  c.log_file = "var/log/suanwang.log";
  c.log_format = "json";
  app::BootstrapResult boot;
  boot.admin_key_file = "var/admin.key";
  const std::string b = app::start_banner({c, 9000, boot, "/opt/suanwang/web"});
  CHECK_THAT(b, Contains("listening on http://0.0.0.0:9000\n"));
  CHECK_THAT(b,
             Contains("  log file:  var/log/suanwang.log (JSON lines; rotated at 10 MB, 5 kept)"));
  CHECK_THAT(b, !Contains("--log-level debug"));  // a JSON terminal shows every line already
  // A wildcard address is opened on the loopback one.
  CHECK(banner_last_line(b) ==
        "Next: open http://127.0.0.1:9000, sign in with the admin API key in var/admin.key");
}

TEST_CASE("without a portal the banner says so and its next step is an API call", "[app][banner]") {
  Config c;
  app::BootstrapResult boot;
  boot.admin_key_file = "var/admin.key";
  const std::string b = app::start_banner({c, 8080, boot, {}});
  CHECK_THAT(b, Contains("  portal:    not found: API only (pass --web-dir DIR"));
  CHECK_THAT(banner_last_line(b),
             StartsWith("Next: curl -H \"Authorization: Bearer $(cat var/admin.key)\" "
                        "http://127.0.0.1:8080/api/v1/"));
}

TEST_CASE("local_url brackets IPv6 and uses https with TLS", "[app][banner]") {
  Config c;
  c.listen_address = "::";
  c.tls_cert_file = "cert.pem";
  c.tls_key_file = "key.pem";
  CHECK(app::local_url(c, 8443) == "https://[::1]:8443");
  c.listen_address = "10.1.2.3";
  CHECK(app::local_url(c, 8443) == "https://10.1.2.3:8443");
}

}  // namespace
