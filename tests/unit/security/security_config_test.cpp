// The security settings of the config: they round-trip, TLS files go in pairs, and the rate
// limits' defaults are high enough for tests and benchmarks.
#include <catch2/catch.hpp>

#include "gateway/core/config.hpp"

namespace {

using namespace suanwang;

TEST_CASE("security settings round-trip through the config JSON", "[security][config]") {
  Config c;
  c.master_key_file = "/etc/suanwang/master.key";
  c.previous_master_key_file = "/etc/suanwang/master.key.old";
  c.tls_cert_file = "/etc/suanwang/cert.pem";
  c.tls_key_file = "/etc/suanwang/key.pem";
  c.session_ttl = std::chrono::hours(2);
  c.rate_limit_key_per_s = 7;
  c.rate_limit_key_burst = 70;
  c.rate_limit_address_per_s = 0;
  c.rate_limit_address_burst = 9;
  c.login_failures_burst = 4;
  c.login_failure_refill = std::chrono::seconds(30);
  Config back;
  REQUIRE(apply_config_json(back, config_to_json(c)));
  CHECK(config_to_json(back) == config_to_json(c));
  CHECK(back.tls_key_file == "/etc/suanwang/key.pem");
  CHECK(back.login_failure_refill == std::chrono::seconds(30));
}

TEST_CASE("a TLS certificate needs its key", "[security][config]") {
  Config c;
  auto r = apply_config_json(c, {{"tls_cert_file", "/x/cert.pem"}});
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "tls_key_file");
  auto bad = apply_config_json(c, {{"rate_limit_key_per_s", -1}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "rate_limit_key_per_s");
}

TEST_CASE("default rate limits leave room for tests and benchmarks", "[security][config]") {
  const Config c;
  CHECK(c.rate_limit_key_per_s >= 1000);
  CHECK(c.rate_limit_address_per_s >= 1000);
  CHECK(c.login_failures_burst >= 3);
}

}  // namespace
