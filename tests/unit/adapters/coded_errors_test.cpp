// Adapter errors in the caller's language (issue 22 item 1): every error a site's settings can
// get at registration (each adapter's option validation, the Slurm connection check's answers
// and the transport's failures) carries a catalog code whose English rendering is exactly its
// `message` and whose Chinese rendering is a different, complete sentence. The tables of bad
// settings fail as soon as a new error is added without a code.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "adapters/common/http_client.hpp"
#include "adapters/registry.hpp"
#include "adapters/slurm/slurm_api.hpp"
#include "gateway/core/i18n.hpp"
#include "support/run_sync.hpp"

namespace suanwang::adapters {
namespace {

std::vector<i18n::Message> ace_parts(const AdapterError& e) {
  std::vector<i18n::Message> parts;
  for (const auto& p : e.text_lead) parts.push_back({p.code, p.params});
  parts.push_back({e.text_code, e.text_params});
  for (const auto& p : e.text_tail) parts.push_back({p.code, p.params});
  return parts;
}

// The error is coded in adapter.* codes that render to its message in English and to another
// sentence, with every parameter filled, in Chinese.
void ace_check_coded(const AdapterError& e) {
  INFO(e.message);
  REQUIRE_FALSE(e.text_code.empty());
  for (const auto& part : ace_parts(e)) {
    CHECK_THAT(part.code, Catch::StartsWith("adapter."));
    // A code missing from the catalog would render as the code itself.
    CHECK(i18n::render(part.code, part.params, i18n::Lang::en) != part.code);
  }
  CHECK(i18n::render(ace_parts(e), i18n::Lang::en) == e.message);
  const std::string zh = i18n::render(ace_parts(e), i18n::Lang::zh);
  INFO(zh);
  CHECK(zh != e.message);
  CHECK(zh.find('{') == std::string::npos);
}

struct AceBad {
  std::string what;
  std::function<void(AdapterConfig&)> change;
};

// Each change of a valid configuration is refused as invalid_config with a coded error.
void ace_check_table(const AdapterConfig& good, const std::vector<AceBad>& bad) {
  const auto registry = AdapterRegistry::builtin();
  REQUIRE(registry.validate(good));
  for (const auto& b : bad) {
    AdapterConfig c = good;
    b.change(c);
    auto v = registry.validate(c);
    INFO(b.what);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == AdapterErrc::invalid_config);
    ace_check_coded(v.error());
  }
}

AdapterConfig ace_sim() {
  AdapterConfig c;
  c.type = "sim";
  c.options = {{"pools", {{{"name", "p"}, {"cpus", 4}, {"memory_gb", 8}}}}};
  return c;
}

nlohmann::json& ace_pool(AdapterConfig& c) {
  return c.options["pools"][0];
}

}  // namespace

TEST_CASE("sim option errors are coded", "[adapters][i18n]") {
  ace_check_table(
      ace_sim(),
      {
          {"options not an object", [](AdapterConfig& c) { c.options = "x"; }},
          {"unknown option", [](AdapterConfig& c) { c.options["typo"] = 1; }},
          {"no pools", [](AdapterConfig& c) { c.options.erase("pools"); }},
          {"pool not an object", [](AdapterConfig& c) { c.options["pools"] = {1}; }},
          {"unknown pool option", [](AdapterConfig& c) { ace_pool(c)["gpus"] = 1; }},
          {"empty name", [](AdapterConfig& c) { ace_pool(c)["name"] = ""; }},
          {"no cpus", [](AdapterConfig& c) { ace_pool(c).erase("cpus"); }},
          {"zero cpus", [](AdapterConfig& c) { ace_pool(c)["cpus"] = 0; }},
          {"no memory", [](AdapterConfig& c) { ace_pool(c).erase("memory_gb"); }},
          {"bad memory", [](AdapterConfig& c) { ace_pool(c)["memory_gb"] = "lots"; }},
          {"accelerators not an object", [](AdapterConfig& c) { ace_pool(c)["accelerators"] = 3; }},
          {"empty model",
           [](AdapterConfig& c) {
             ace_pool(c)["accelerators"] = {{"", 1}};
           }},
          {"negative count",
           [](AdapterConfig& c) {
             ace_pool(c)["accelerators"] = {{"H100", -1}};
           }},
          {"walltime", [](AdapterConfig& c) { ace_pool(c)["max_walltime_s"] = -5; }},
          {"repeated pool",
           [](AdapterConfig& c) { c.options["pools"].push_back(c.options["pools"][0]); }},
          {"failure_rate", [](AdapterConfig& c) { c.options["failure_rate"] = 2; }},
          {"lose_rate", [](AdapterConfig& c) { c.options["lose_rate"] = "high"; }},
          {"default_runtime_s", [](AdapterConfig& c) { c.options["default_runtime_s"] = 0; }},
          {"exit_code", [](AdapterConfig& c) { c.options["exit_code"] = 300; }},
          {"rtt_ms", [](AdapterConfig& c) { c.options["rtt_ms"] = -1; }},
          {"fault_injection", [](AdapterConfig& c) { c.options["fault_injection"] = "yes"; }},
          {"unknown type", [](AdapterConfig& c) { c.type = "kubernetes"; }},
      });
}

TEST_CASE("local option errors are coded", "[adapters][i18n]") {
  AdapterConfig good;
  good.type = "local";
  good.options = {{"cpus", 2}, {"memory_gb", 4}};
  ace_check_table(
      good,
      {
          {"options not an object",
           [](AdapterConfig& c) {
             c.options = {1, 2};
           }},
          {"unknown option", [](AdapterConfig& c) { c.options["gpus"] = 1; }},
          {"cpus", [](AdapterConfig& c) { c.options["cpus"] = "4"; }},
          {"memory_gb", [](AdapterConfig& c) { c.options["memory_gb"] = -1; }},
          {"max_walltime_s", [](AdapterConfig& c) { c.options["max_walltime_s"] = 1.5; }},
          {"rtt_ms", [](AdapterConfig& c) { c.options["rtt_ms"] = "fast"; }},
          {"container_runtime",
           [](AdapterConfig& c) { c.options["container_runtime"] = "docker"; }},
          {"container_runtime type", [](AdapterConfig& c) { c.options["container_runtime"] = 1; }},
          {"containers_conf", [](AdapterConfig& c) { c.options["containers_conf"] = "rel.conf"; }},
      });
}

TEST_CASE("slurm option errors are coded", "[adapters][i18n][slurm]") {
  AdapterConfig good;
  good.type = "slurm";
  good.endpoint = "http://127.0.0.1:6820";
  good.options = {{"partition", "debug"}, {"output_dir", "/var/tmp/jobs"}};
  good.credentials = {{"user", "nobody"}, {"token", "eyJ.abc.def"}};
  const auto endpoint = [](std::string e) { return [e](AdapterConfig& c) { c.endpoint = e; }; };
  ace_check_table(
      good,
      {
          {"no endpoint", endpoint("")},
          {"long endpoint", endpoint("http://x/" + std::string(3000, 'a'))},
          {"space", endpoint("http://x y")},
          {"no scheme", endpoint("127.0.0.1:6820")},
          {"ftp", endpoint("ftp://x")},
          {"user@", endpoint("http://u:p@x:1")},
          {"query", endpoint("http://x/?a=1")},
          {"bracket", endpoint("http://[::1")},
          {"after bracket", endpoint("http://[::1]x")},
          {"no host", endpoint("https://")},
          {"port", endpoint("http://x:99999")},
          {"unknown option", [](AdapterConfig& c) { c.options["typo"] = 1; }},
          {"api_version", [](AdapterConfig& c) { c.options["api_version"] = "v0.0.99"; }},
          {"no partition", [](AdapterConfig& c) { c.options.erase("partition"); }},
          {"partition", [](AdapterConfig& c) { c.options["partition"] = "a b"; }},
          {"output_dir", [](AdapterConfig& c) { c.options["output_dir"] = "relative"; }},
          {"output_dir type", [](AdapterConfig& c) { c.options["output_dir"] = 3; }},
          {"staging_dir", [](AdapterConfig& c) { c.options["staging_dir"] = "/a,b"; }},
          {"container_runtime",
           [](AdapterConfig& c) { c.options["container_runtime"] = "docker"; }},
          {"containers_conf",
           [](AdapterConfig& c) { c.options["containers_conf"] = "/etc/c.conf"; }},
          {"output_dir with a runtime",
           [](AdapterConfig& c) {
             c.options["container_runtime"] = "podman";
             c.options["output_dir"] = "/a:b";
           }},
          {"timeout_ms", [](AdapterConfig& c) { c.options["timeout_ms"] = 5; }},
          {"max_response_mb", [](AdapterConfig& c) { c.options["max_response_mb"] = 0; }},
          {"ca_file on http", [](AdapterConfig& c) { c.options["ca_file"] = "/etc/ca.pem"; }},
          {"ca_file unreadable",
           [](AdapterConfig& c) {
             c.endpoint = "https://127.0.0.1:6820";
             c.options["ca_file"] = "/nonexistent/ca.pem";
           }},
          {"untyped_gpu_model", [](AdapterConfig& c) { c.options["untyped_gpu_model"] = "A 800"; }},
          {"credentials not an object", [](AdapterConfig& c) { c.credentials = "x"; }},
          {"unknown credential", [](AdapterConfig& c) { c.credentials["password"] = "x"; }},
          {"no user", [](AdapterConfig& c) { c.credentials.erase("user"); }},
          {"user", [](AdapterConfig& c) { c.credentials["user"] = ""; }},
          {"no token", [](AdapterConfig& c) { c.credentials.erase("token"); }},
          {"token", [](AdapterConfig& c) { c.credentials["token"] = "a\r\nX-Evil: 1"; }},
      });
}

TEST_CASE("peer option errors are coded", "[adapters][i18n]") {
  AdapterConfig good;
  good.type = "peer";
  good.endpoint = "http://127.0.0.1:8080";
  good.credentials = {{"api_key", "sk_test_1"}};
  ace_check_table(
      good,
      {
          {"no endpoint", [](AdapterConfig& c) { c.endpoint = ""; }},
          {"unknown option", [](AdapterConfig& c) { c.options["typo"] = 1; }},
          {"policy", [](AdapterConfig& c) { c.options["policy"] = "random"; }},
          {"policy type", [](AdapterConfig& c) { c.options["policy"] = 1; }},
          {"regions", [](AdapterConfig& c) { c.options["regions"] = nlohmann::json::array(); }},
          {"region", [](AdapterConfig& c) { c.options["regions"] = {"a b"}; }},
          {"timeout_ms", [](AdapterConfig& c) { c.options["timeout_ms"] = 1'000'000; }},
          {"no api_key", [](AdapterConfig& c) { c.credentials.erase("api_key"); }},
          {"api_key", [](AdapterConfig& c) { c.credentials["api_key"] = "a b"; }},
      });
}

TEST_CASE("slurmrestd's answers at the connection check are coded, its own words kept",
          "[adapters][i18n][slurm]") {
  using slurm::answer_error;
  const std::vector<AdapterError> errors = {
      answer_error("ping", 401, "Authentication failure", false),
      answer_error("ping", 404, "Unable to find requested URL", false),
      answer_error("ping", 500, R"({"errors":[]})", false),
      answer_error("ping", 511, "<html>", false),
      answer_error("partitions", 500,
                   R"({"errors":[{"error":"Protocol authentication error","error_number":1007}]})",
                   false),
      answer_error(
          "nodes", 500,
          R"({"errors":[{"error":"Unable to contact slurm controller","error_number":1001}]})",
          false),
      answer_error("ping", 500, R"({"errors":[{"error":"Unspecified error","error_number":-1}]})",
                   true),
      answer_error("ping", 504, R"({"errors":[{"error":"slow","error_number":9}]})", false),
  };
  for (const auto& e : errors) ace_check_coded(e);
  // The site's own words stay as they were, in both languages.
  const auto slow = i18n::render(ace_parts(errors.back()), i18n::Lang::zh);
  CHECK_THAT(slow, Catch::Contains("slow [9]"));

  for (const auto& api_version : slurm::known_api_versions()) {
    auto api = slurm::make_slurm_api(std::string(api_version));
    REQUIRE(api);
    INFO(api_version);
    auto down =
        api->parse_ping(200, R"({"pings":[{"hostname":"c1","ping":"DOWN","pinged":"DOWN"}]})");
    REQUIRE_FALSE(down);
    ace_check_coded(down.error());
    auto none = api->parse_ping(200, R"({"pings":[]})");
    REQUIRE_FALSE(none);
    ace_check_coded(none.error());
    auto junk = api->parse_ping(200, "not json");
    REQUIRE_FALSE(junk);
    ace_check_coded(junk.error());
  }
}

TEST_CASE("a site that does not answer gets a coded error", "[adapters][i18n]") {
  boost::asio::io_context io;
  // A port nothing listens on: bound, then closed.
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  auto url = parse_http_url("http://127.0.0.1:" + std::to_string(port), "endpoint");
  REQUIRE(url);
  HttpClientOptions o;
  o.timeout = std::chrono::milliseconds(2000);
  HttpClient client(io.get_executor(), *url, o);
  HttpRequest req;
  req.method = "GET";
  req.target = "/";
  auto r = testing::run_sync(io, client.request(req));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == AdapterErrc::unreachable);
  ace_check_coded(r.error());
  CHECK(r.error().text_code == "adapter.http.connect_failed");
}

}  // namespace suanwang::adapters
