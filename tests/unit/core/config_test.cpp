// Config: defaults, JSON overrides (durations as "<name>_ms"), unknown and invalid keys
// rejected with the key named, and --listen parsing.
#include <catch2/catch.hpp>

#include <fstream>

#include "gateway/core/config.hpp"
#include "unit/adapters/adapter_test_support.hpp"

namespace {

using namespace suanwang;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

bool same(const Config& a, const Config& b) {
  return config_to_json(a) == config_to_json(b);
}

TEST_CASE("an empty config object keeps every default", "[core][config]") {
  Config c;
  REQUIRE(apply_config_json(c, Json::object()));
  CHECK(same(c, Config{}));
  CHECK(c.listen_address == "127.0.0.1");
  CHECK(c.listen_port == 8080);
  CHECK(c.max_json_depth == 32);
  CHECK(c.read_timeout == 15000ms);
  CHECK(c.failures_until_degraded <= c.failures_until_offline);
  CHECK(c.log_format == "text");  // people at a terminal; tests and log shippers ask for json
  CHECK(c.log_file.empty());
  CHECK_FALSE(c.learn_queue_waits);  // placement times queues by the sites' figures (README)
  CHECK(c.demo_load);                // on, but only with demo
  CHECK_FALSE(c.demo);
}

TEST_CASE("config JSON overrides the fields it names and only those", "[core][config]") {
  Config c;
  const Json j = {{"listen", "0.0.0.0:9000"},
                  {"data_dir", "/tmp/sw"},
                  {"demo", true},
                  {"io_threads", 4},
                  {"log_level", "debug"},
                  {"max_body_bytes", 4096},
                  {"read_timeout_ms", 500},
                  {"capacity_stale_after_ms", 120000},
                  {"learn_queue_waits", true},
                  {"max_placement_attempts", 3}};
  REQUIRE(apply_config_json(c, j));
  CHECK(c.listen_address == "0.0.0.0");
  CHECK(c.listen_port == 9000);
  CHECK(c.data_dir == "/tmp/sw");
  CHECK(c.demo);
  CHECK(c.io_threads == 4);
  CHECK(c.log_level == "debug");
  CHECK(c.max_body_bytes == 4096u);
  CHECK(c.read_timeout == 500ms);
  CHECK(c.capacity_stale_after == 120000ms);
  CHECK(c.learn_queue_waits);
  CHECK(c.max_placement_attempts == 3);
  // Untouched.
  const Config d;
  CHECK(c.idle_timeout == d.idle_timeout);
  CHECK(c.max_header_bytes == d.max_header_bytes);
  CHECK(c.max_json_depth == d.max_json_depth);
}

TEST_CASE("unknown config keys are errors naming the key", "[core][config]") {
  for (const char* key : {"read_timeout", "listen_port", "Demo", "io-threads"}) {
    INFO("key " << key);
    Config c;
    auto r = apply_config_json(c, Json{{key, 1}});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().field == key);
    CHECK_THAT(r.error().message, Contains(key));
  }
}

TEST_CASE("invalid config values are errors naming the key", "[core][config]") {
  struct Bad {
    Json body;
    std::string key;
  };
  const std::vector<Bad> cases = {
      {{{"io_threads", 0}}, "io_threads"},
      {{{"io_threads", 257}}, "io_threads"},
      {{{"io_threads", "4"}}, "io_threads"},
      {{{"io_threads", 1.5}}, "io_threads"},
      {{{"max_json_depth", 3}}, "max_json_depth"},
      {{{"max_header_bytes", 100}}, "max_header_bytes"},
      {{{"read_timeout_ms", 5}}, "read_timeout_ms"},
      {{{"adapter_timeout_ms", 600001}}, "adapter_timeout_ms"},
      {{{"shutdown_grace_ms", -1}}, "shutdown_grace_ms"},
      {{{"log_level", "verbose"}}, "log_level"},
      {{{"log_level", 3}}, "log_level"},
      {{{"log_format", "pretty"}}, "log_format"},
      {{{"log_file", 1}}, "log_file"},
      {{{"log_file_max_bytes", 100}}, "log_file_max_bytes"},
      {{{"log_file_keep", -1}}, "log_file_keep"},
      {{{"demo", "yes"}}, "demo"},
      {{{"data_dir", 7}}, "data_dir"},
      {{{"listen", 8080}}, "listen"},
      {{{"listen", "localhost"}}, "listen"},
      {{{"listen", "localhost:http"}}, "listen"},
      // Offline must come no sooner than degraded.
      {{{"failures_until_degraded", 10}}, "failures_until_offline"},
      {{{"failures_until_degraded", 3}, {"failures_until_offline", 2}}, "failures_until_offline"},
  };
  for (const auto& bad : cases) {
    INFO(bad.body.dump());
    Config c;
    auto r = apply_config_json(c, bad.body);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().field == bad.key);
    CHECK_THAT(r.error().message, Contains(bad.key));
  }
}

TEST_CASE("a config that is not an object is refused", "[core][config]") {
  Config c;
  auto r = apply_config_json(c, Json::array({1}));
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "body");
}

TEST_CASE("config_to_json and apply_config_json round-trip every field", "[core][config]") {
  Config c;
  c.listen_address = "10.0.0.5";
  c.listen_port = 8443;
  c.data_dir = "/srv/suanwang";
  c.web_dir = "/srv/web";
  c.demo = true;
  c.demo_load = false;
  c.demo_load_seed = 42;
  c.demo_load_jobs_per_minute = 12;
  c.demo_load_max_in_flight = 4;
  c.demo_load_keep_jobs = 50;
  c.demo_load_time_scale = 600;
  c.io_threads = 8;
  c.log_level = "warn";
  c.log_format = "json";
  c.log_file = "/var/log/suanwang/gateway.log";
  c.log_file_max_bytes = 1 << 20;
  c.log_file_keep = 2;
  c.max_header_bytes = 8192;
  c.max_body_bytes = 2 << 20;
  c.max_json_depth = 16;
  c.read_timeout = 1001ms;
  c.idle_timeout = 1002ms;
  c.write_timeout = 1003ms;
  c.shutdown_grace = 1004ms;
  c.capacity_interval = 1005ms;
  c.reconcile_interval = 1006ms;
  c.adapter_timeout = 1007ms;
  c.capacity_stale_after = 1008ms;
  c.max_placement_attempts = 9;
  c.failures_until_degraded = 3;
  c.failures_until_offline = 7;

  Config back;
  REQUIRE(apply_config_json(back, config_to_json(c)));
  CHECK(same(back, c));
  CHECK(back.web_dir == "/srv/web");
  CHECK(back.shutdown_grace == 1004ms);
  CHECK(back.failures_until_offline == 7);
  CHECK_FALSE(back.demo_load);
  CHECK(back.demo_load_seed == 42);
  CHECK(back.demo_load_max_in_flight == 4);
  CHECK(back.log_file == "/var/log/suanwang/gateway.log");
  CHECK(back.log_file_keep == 2);
}

TEST_CASE("parse_listen accepts ADDR:PORT, [v6]:PORT and :PORT", "[core][config]") {
  Config c;
  REQUIRE(parse_listen(c, "127.0.0.1:8080"));
  CHECK(c.listen_address == "127.0.0.1");
  CHECK(c.listen_port == 8080);

  REQUIRE(parse_listen(c, "[::1]:9000"));
  CHECK(c.listen_address == "::1");
  CHECK(c.listen_port == 9000);

  REQUIRE(parse_listen(c, ":7000"));
  CHECK(c.listen_address == "0.0.0.0");  // all interfaces
  CHECK(c.listen_port == 7000);

  REQUIRE(parse_listen(c, "localhost:0"));  // port 0: let the OS choose (tests)
  CHECK(c.listen_address == "localhost");
  CHECK(c.listen_port == 0);

  REQUIRE(parse_listen(c, "example.org:65535"));
  CHECK(c.listen_port == 65535);
}

TEST_CASE("parse_listen rejects bad ports and leaves the config alone", "[core][config]") {
  for (const char* bad : {"8080", "localhost", "host:", "host:65536", "host:99999999999",
                          "host:80x", "host:-1", "host: 80", "host:+80", ""}) {
    INFO("listen " << bad);
    Config c;
    auto r = parse_listen(c, bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "listen");
    CHECK_THAT(r.error().message, Contains("listen"));
    CHECK(c.listen_address == Config{}.listen_address);
    CHECK(c.listen_port == Config{}.listen_port);
  }
}

TEST_CASE("load_config_file reads a JSON file and names the file in errors", "[core][config]") {
  suanwang::testing::TempDir dir;
  const auto path = dir.path() / "suanwang.json";
  { std::ofstream(path) << R"({"listen": ":9100", "reconcile_interval_ms": 250})"; }
  Config c;
  REQUIRE(load_config_file(c, path));
  CHECK(c.listen_port == 9100);
  CHECK(c.reconcile_interval == 250ms);

  { std::ofstream(path) << R"({"io_threads": 0})"; }
  auto bad = load_config_file(c, path);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "io_threads");
  CHECK_THAT(bad.error().message, Contains(path.string()));

  { std::ofstream(path) << "{ not json"; }
  auto junk = load_config_file(c, path);
  REQUIRE_FALSE(junk);
  CHECK_THAT(junk.error().message, Contains(path.string()));

  auto missing = load_config_file(c, dir.path() / "nope.json");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().field == "config");
}

}  // namespace

TEST_CASE("the example config names every setting, loads, and keeps the defaults it does not "
          "change", "[core][config]") {
  const std::string path = std::string(SUANWANG_TEST_DATA_DIR) + "/../../etc/suanwang.example.json";
  std::ifstream in(path);
  REQUIRE(in);
  const Json example = Json::parse(in);
  const Json defaults = config_to_json(Config{});
  std::vector<std::string> example_keys, default_keys;
  for (const auto& [k, v] : example.items()) example_keys.push_back(k);
  for (const auto& [k, v] : defaults.items()) default_keys.push_back(k);
  CHECK(example_keys == default_keys);  // a new setting belongs in the example too
  Config c;
  REQUIRE(load_config_file(c, path));
  // What an operator of a real center changes first; the rest are the defaults.
  std::vector<std::string> changed;
  const Json loaded = config_to_json(c);
  for (const auto& [k, v] : loaded.items()) {
    if (defaults[k] != v) changed.push_back(k);
  }
  CHECK(changed == std::vector<std::string>{"data_dir", "listen", "log_file"});
}
