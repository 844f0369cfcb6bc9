// A suanwang gateway as a site of another (adapters/peer), against a real provincial gateway on
// loopback: the shared adapter contract, and the two-gateway story — a job submitted to the
// national gateway runs at the provincial one, and its state and logs come back up.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "adapters/registry.hpp"
#include "build_info.hpp"
#include "integration/support/federation_setup.hpp"
#include "unit/adapters/adapter_contract.hpp"

namespace suanwang::testing {
namespace {

using nlohmann::json;
using namespace suanwang::adapters;

// A provincial gateway with one local site, and a key of a user org there: what an operator
// of the national gateway needs to register it as a site.
struct Province {
  TempDir dir;
  TestGateway gw{dir.path()};
  LocalFederation fed = set_up_local_federation(gw);

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(gw.port()); }
};

// The peer adapter against a real provincial gateway. Real time, 50 ms polls. kExclusive is
// false: the capacity a peer shows is its cached view (refreshed every capacity interval), so
// its job counts lag a submit by up to one interval.
struct PeerHarness {
  static constexpr const char* kAdapter = "peer";
  static constexpr int kMaxPolls = 400;  // 20 s
  static constexpr bool kExclusive = false;

  Province province;
  boost::asio::io_context io;

  AdapterConfig config() const {
    AdapterConfig c;
    c.type = "peer";
    c.endpoint = province.endpoint();
    c.options = {{"policy", "balanced"}, {"timeout_ms", 5000}};
    c.credentials = {{"api_key", province.fed.user_key}};
    return c;
  }
  std::vector<BadOptions> bad_options() const {
    return {
        {{{"policy", "luckiest"}}, "options.policy"},
        {{{"regions", json::array()}}, "options.regions"},
        {{{"regions", {"ok", "not a region!"}}}, "options.regions[1]"},
        {{{"timeout_ms", 5}}, "options.timeout_ms"},
    };
  }
  std::unique_ptr<SiteAdapter> make() {
    AdapterContext ctx{io.get_executor(), [] { return std::chrono::system_clock::now(); }, "", 0};
    auto a = AdapterRegistry::builtin().create(config(), ctx);
    INFO((a ? std::string() : a.error().message));
    REQUIRE(a);
    return std::move(*a);
  }
  JobRequest quick_job(const std::string& key) const {
    JobRequest j;
    j.key = key;
    j.command = "echo contract-output";
    j.memory_gb = 0.1;
    j.walltime_s = 120;
    return j;
  }
  JobRequest long_job(const std::string& key) const {
    JobRequest j;
    j.key = key;
    j.command = "sleep 30";
    j.memory_gb = 0.1;
    j.walltime_s = 120;
    return j;
  }
  std::string expected_output() const { return "contract-output"; }
  void pass_time() { std::this_thread::sleep_for(std::chrono::milliseconds(50)); }
  TimePoint now() const { return std::chrono::system_clock::now(); }
};

// The national gateway with the province registered as a peer site in cn-test-east, and a user
// org of its own.
struct Nation {
  TempDir dir;
  TestGateway gw{dir.path()};
  std::string operator_key;
  std::string user_key;
  std::string site_id;

  explicit Nation(const Province& province)
      : Nation(province.endpoint(), province.fed.user_key, {{"policy", "cheapest"}}) {}

  Nation(const std::string& endpoint, const std::string& peer_key, const json& options) {
    auto admin = gw.client(gw.admin_key());
    REQUIRE(
        admin.put("/api/v1/regions", json::array({{{"id", "cn-test-east"}, {"name", "Test East"}}}))
            .status == 200);
    operator_key = make_org_key(admin, "east-province", "operator");
    user_key = make_org_key(admin, "national-sme", "user");
    auto op = gw.client(operator_key);
    auto site = op.post(
        "/api/v1/sites",
        {{"name", "East province gateway"},
         {"region", "cn-test-east"},
         {"kind", "general"},
         {"adapter",
          {{"type", "peer"},
           {"endpoint", endpoint},
           {"options", options},
           {"credentials", {{"api_key", peer_key}}}}},
         {"pricing", {{"cpu_core_hour", 0.40}, {"memory_gb_hour", 0.0}, {"egress_gb", 0.0}}}});
    INFO(site.body);
    REQUIRE(site.status == 201);
    site_id = site.json().at("id");
    REQUIRE(eventually([&] {
      auto c = op.get("/api/v1/sites/" + site_id + "/capacity");
      return c.status == 200 && !c.json().at("observed_at").is_null() &&
             !c.json().at("pools").empty();
    }));
  }
};

json job(const std::string& command) {
  return {{"name", "federated"},
          {"command", command},
          {"resources", {{"cpus", 1}, {"memory_gb", 0.25}, {"walltime_s", 120}}}};
}

}  // namespace

TEST_CASE("site adapter contract (peer)", "[integration][adapters][contract][peer]") {
  check_adapter_contract<PeerHarness>();
}

TEST_CASE("a job submitted nationally runs at the provincial gateway and reports back",
          "[integration][peer]") {
  Province province;
  Nation nation(province);

  // The national view counts the province's site, pool by pool.
  auto op = nation.gw.client(nation.operator_key);
  auto cap = op.get("/api/v1/sites/" + nation.site_id + "/capacity").json();
  REQUIRE(cap.at("pools").size() == 1);
  CHECK(cap.at("pools")[0].at("name") == province.fed.site_id + "/local");

  auto user = nation.gw.client(nation.user_key);
  auto created = user.post("/api/v1/jobs", job("echo federated-hello"));
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  auto done = wait_for_state(user, id, "succeeded");
  CHECK(done.at("site") == nation.site_id);
  CHECK(done.at("exit_code") == 0);
  const std::string remote = done.at("remote_id");

  // At the province, the job is the national gateway's org's job, run on the local site.
  auto prov_user = province.gw.client(province.fed.user_key);
  auto at_province = prov_user.get("/api/v1/jobs/" + remote);
  REQUIRE(at_province.status == 200);
  CHECK(at_province.json().at("state") == "succeeded");
  CHECK(at_province.json().at("site") == province.fed.site_id);

  // The output comes back up through both gateways.
  std::string out;
  REQUIRE(eventually([&] {
    auto logs = user.get("/api/v1/jobs/" + id + "/logs");
    if (logs.status != 200) return false;
    out = logs.json().at("data");
    return out.find("federated-hello") != std::string::npos;
  }));

  // A resubmission with the national job's Idempotency-Key would be a repeat: the province
  // holds exactly one job for it.
  auto list = prov_user.get("/api/v1/jobs?page_size=500").json();
  int copies = 0;
  for (const auto& j : list.at("items")) copies += j.at("name") == "federated";
  CHECK(copies == 1);
}

TEST_CASE("cancelling nationally cancels at the provincial gateway", "[integration][peer]") {
  Province province;
  Nation nation(province);
  auto user = nation.gw.client(nation.user_key);
  auto created = user.post("/api/v1/jobs", job("sleep 60"));
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  auto running = wait_for_state(user, id, "running");
  const std::string remote = running.at("remote_id");
  REQUIRE(user.post("/api/v1/jobs/" + id + "/cancel", json::object()).status == 202);
  wait_for_state(user, id, "canceled");
  auto prov_user = province.gw.client(province.fed.user_key);
  CHECK(prov_user.get("/api/v1/jobs/" + remote).json().at("state") == "canceled");
}

TEST_CASE("a peer over https is verified against the CA the operator gives",
          "[integration][peer][tls]") {
  // The province: set up over plain HTTP, then restarted on the same data with TLS.
  TempDir pdir;
  const auto tls = pdir.path() / "tls";
  const auto script = std::filesystem::path(build_info::kDefaultWebDir).parent_path() / "scripts" /
                      "tls-selfsigned";
  REQUIRE(std::system((script.string() + " " + tls.string() + " >/dev/null").c_str()) == 0);
  LocalFederation fed;
  {
    TestGateway setup(pdir.path());
    fed = set_up_local_federation(setup);
  }
  TestGateway province(pdir.path(), {.tweak = [&](Config& c) {
                         c.tls_cert_file = tls / "cert.pem";
                         c.tls_key_file = tls / "key.pem";
                       }});
  const std::string endpoint = "https://127.0.0.1:" + std::to_string(province.port());

  Nation nation(endpoint, fed.user_key, {{"ca_file", (tls / "cert.pem").string()}});
  auto user = nation.gw.client(nation.user_key);
  auto created = user.post("/api/v1/jobs", job("echo over-tls"));
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  wait_for_state(user, id, "succeeded");
  REQUIRE(eventually([&] {
    auto logs = user.get("/api/v1/jobs/" + id + "/logs");
    return logs.status == 200 &&
           logs.json().at("data").get<std::string>().find("over-tls") != std::string::npos;
  }));

  // Without the province's CA, the system's CAs do not vouch for it: no capacity, and why.
  auto op = nation.gw.client(nation.operator_key);
  auto untrusted = op.post(
      "/api/v1/sites",
      {{"name", "Untrusted province"},
       {"region", "cn-test-east"},
       {"kind", "general"},
       {"adapter",
        {{"type", "peer"}, {"endpoint", endpoint}, {"credentials", {{"api_key", fed.user_key}}}}},
       {"pricing", {{"cpu_core_hour", 0.4}}}});
  REQUIRE(untrusted.status == 201);
  const std::string untrusted_id = untrusted.json().at("id");
  std::string last_error;
  REQUIRE(eventually([&] {
    last_error = op.get("/api/v1/sites/" + untrusted_id).json()["health"]["last_error"].dump();
    return last_error.find("TLS handshake") != std::string::npos;
  }));
  CHECK(last_error.find("certificate verify failed") != std::string::npos);
  CHECK(op.get("/api/v1/sites/" + untrusted_id + "/capacity").json().at("observed_at").is_null());

  // A CA file that is not one is refused at registration, naming the option.
  auto bad_ca = op.post("/api/v1/sites", {{"name", "Bad CA"},
                                          {"region", "cn-test-east"},
                                          {"kind", "general"},
                                          {"adapter",
                                           {{"type", "peer"},
                                            {"endpoint", endpoint},
                                            {"options", {{"ca_file", "/etc/hostname"}}},
                                            {"credentials", {{"api_key", fed.user_key}}}}},
                                          {"pricing", {{"cpu_core_hour", 0.4}}}});
  CHECK(bad_ca.status == 400);
  CHECK(bad_ca.body.find("options.ca_file") != std::string::npos);
}

TEST_CASE("a peer registered with a wrong key is refused and the national gateway says why",
          "[integration][peer]") {
  Province province;
  TempDir dir;
  TestGateway national(dir.path());
  auto admin = national.client(national.admin_key());
  REQUIRE(admin.put("/api/v1/regions", json::array({{{"id", "cn-test-east"}, {"name", "East"}}}))
              .status == 200);
  auto op = national.client(make_org_key(admin, "east-province", "operator"));
  auto site = op.post("/api/v1/sites", {{"name", "Wrong key"},
                                        {"region", "cn-test-east"},
                                        {"kind", "general"},
                                        {"adapter",
                                         {{"type", "peer"},
                                          {"endpoint", province.endpoint()},
                                          {"credentials", {{"api_key", "sw_not_a_real_key"}}}}},
                                        {"pricing", {{"cpu_core_hour", 0.4}}}});
  INFO(site.body);
  REQUIRE(site.status == 201);
  const std::string site_id = site.json().at("id");
  // Its capacity never arrives, and the site's health says the key was refused.
  std::string detail;
  REQUIRE(eventually([&] {
    auto s = op.get("/api/v1/sites/" + site_id).json();
    detail = s.dump();
    return detail.find("api_key") != std::string::npos;
  }));
  CHECK(detail.find("sw_not_a_real_key") == std::string::npos);
  auto cap = op.get("/api/v1/sites/" + site_id + "/capacity").json();
  CHECK(cap.at("observed_at").is_null());
}

TEST_CASE("the peer adapter validates its settings", "[integration][peer]") {
  const auto registry = AdapterRegistry::builtin();
  AdapterConfig c;
  c.type = "peer";
  c.endpoint = "http://127.0.0.1:1";
  c.credentials = {{"api_key", "sw_x"}};
  CHECK(registry.validate(c));
  c.credentials = json::object();
  auto v = registry.validate(c);
  REQUIRE_FALSE(v);
  CHECK_THAT(v.error().message, Catch::StartsWith("credentials.api_key"));
  c.credentials = {{"api_key", "has space"}};
  v = registry.validate(c);
  REQUIRE_FALSE(v);
  CHECK_THAT(v.error().message, Catch::StartsWith("credentials.api_key"));
  CHECK_THAT(v.error().message, !Catch::Contains("has space"));
  c.credentials = {{"api_key", "sw_x"}};
  c.endpoint = "ftp://127.0.0.1";
  v = registry.validate(c);
  REQUIRE_FALSE(v);
  CHECK_THAT(v.error().message, Catch::Contains("endpoint"));
}

}  // namespace suanwang::testing
