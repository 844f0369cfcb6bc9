// A suanwang gateway as a site of another (adapters/peer), against a real provincial gateway on
// loopback: the shared adapter contract, and the two-gateway story — a job submitted to the
// national gateway runs at the provincial one, and its state and logs come back up; its input
// files go down as a dataset of the province and its outputs come back up, digests intact.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "adapters/registry.hpp"
#include "build_info.hpp"
#include "gateway/security/encoding.hpp"
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
    // Usable once the capacity poll has heard from it (`checking` until then).
    REQUIRE(eventually([&] {
      auto c = op.get("/api/v1/sites/" + site_id + "/capacity");
      return c.status == 200 && !c.json().at("observed_at").is_null() &&
             !c.json().at("pools").empty() &&
             op.get("/api/v1/sites/" + site_id).json().at("status") == "online";
    }));
  }
};

json job(const std::string& command) {
  return {{"name", "federated"},
          {"command", command},
          {"resources", {{"cpus", 1}, {"memory_gb", 0.25}, {"walltime_s", 120}}}};
}

std::string pd_sha(std::string_view bytes) {
  return security::hex(security::sha256(bytes));
}

// Bytes that no buffer size divides evenly.
std::string pd_bytes(std::size_t n) {
  std::string s(n, '\0');
  uint32_t x = 4242;
  for (auto& ch : s) {
    x = x * 1664525 + 1013904223;
    ch = static_cast<char>(x >> 24);
  }
  return s;
}

// The province user's datasets named `name`.
std::vector<json> pd_datasets_named(HttpClient& c, const std::string& name) {
  std::vector<json> out;
  const json page = c.get("/api/v1/datasets?page_size=500").json();
  for (const auto& d : page.at("items")) {
    if (d.at("name") == name) out.push_back(d);
  }
  return out;
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

TEST_CASE("a job's input files go to the provincial gateway as a dataset, its outputs come back",
          "[integration][peer][data]") {
  Province province;
  Nation nation(province);
  auto user = nation.gw.client(nation.user_key);
  const std::string x = pd_bytes(3 * 1024 * 1024 + 17);  // several buffers each way
  const std::string y = "the second input\n";
  auto made = user.post("/api/v1/datasets", json{{"name", "east-inputs"}});
  REQUIRE(made.status == 201);
  const std::string ds = made.json().at("id");
  REQUIRE(user.request("PUT", "/api/v1/datasets/" + ds + "/files/x", x, {}).status == 201);
  REQUIRE(user.request("PUT", "/api/v1/datasets/" + ds + "/files/sub/y.txt", y, {}).status == 201);
  REQUIRE(user.post("/api/v1/datasets/" + ds + "/seal", json::object()).status == 200);

  json spec = job(
      "mkdir -p out && sha256sum data/x > digest.txt && sha256sum data/sub/y.txt > out/y.sha && "
      "head -c 5 data/x > out/head.bin && echo left-behind > skipped.log");
  spec["inputs"] = json::array({{{"dataset", ds}, {"path", "data/"}}});
  spec["outputs"] = {{"paths", {"*.txt", "out/**"}}};
  spec["constraints"] = {{"sites", {nation.site_id}}};
  auto created = user.post("/api/v1/jobs", spec);
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  const json done = wait_for_state(user, id, "succeeded", std::chrono::seconds(60));
  CHECK(done.at("site") == nation.site_id);
  const std::string remote = done.at("remote_id");

  // Staged: both files, every byte, in the national job's events.
  std::string staged;
  const json events = user.get("/api/v1/jobs/" + id + "/events").json();
  for (const auto& e : events.at("items")) {
    if (e.at("type") == "staged") staged = e.at("reason");
  }
  INFO(staged);
  CHECK(staged.find("2 files") != std::string::npos);

  // The outputs the province's job left, collected back up; the log its globs did not name is not.
  auto outputs = user.get("/api/v1/jobs/" + id + "/outputs");
  INFO(outputs.body);
  REQUIRE(outputs.status == 200);
  const json out = outputs.json();
  const std::string out_ds = out.at("dataset").at("id");
  CHECK(out.at("dataset").at("job_id") == id);
  const json files = out.at("files");
  REQUIRE(files.size() == 3);
  CHECK(files[0].at("path") == "digest.txt");
  CHECK(files[1].at("path") == "out/head.bin");
  CHECK(files[2].at("path") == "out/y.sha");
  for (const auto& f : files) {
    const std::string path = f.at("path");
    auto got = user.get("/api/v1/datasets/" + out_ds + "/files/" + path);
    REQUIRE(got.status == 200);
    CHECK(f.at("sha256") == pd_sha(got.body));
    CHECK(f.at("size_bytes") == got.body.size());
  }
  // The job at the province read exactly the bytes uploaded at the national gateway.
  CHECK(user.get("/api/v1/datasets/" + out_ds + "/files/digest.txt").body.starts_with(pd_sha(x)));
  CHECK(user.get("/api/v1/datasets/" + out_ds + "/files/out/y.sha").body.starts_with(pd_sha(y)));
  CHECK(user.get("/api/v1/datasets/" + out_ds + "/files/out/head.bin").body == x.substr(0, 5));

  // The province holds the inputs as one sealed dataset of the national org's account there, the
  // input of the job it ran, and that job's own outputs.
  auto prov_user = province.gw.client(province.fed.user_key);
  const auto held = pd_datasets_named(prov_user, "suanwang-in-" + id);
  REQUIRE(held.size() == 1);
  CHECK(held[0].at("sealed") == true);
  const std::string peer_ds = held[0].at("id");
  const json peer_files = prov_user.get("/api/v1/datasets/" + peer_ds + "/files").json();
  REQUIRE(peer_files.at("items").size() == 2);
  CHECK(peer_files.at("items")[0].at("path") == "data/sub/y.txt");
  CHECK(peer_files.at("items")[0].at("sha256") == pd_sha(y));
  CHECK(peer_files.at("items")[1].at("path") == "data/x");
  CHECK(peer_files.at("items")[1].at("sha256") == pd_sha(x));
  const json at_province = prov_user.get("/api/v1/jobs/" + remote).json();
  INFO(at_province.dump());
  CHECK(at_province.dump().find(peer_ds) != std::string::npos);
  CHECK(prov_user.get("/api/v1/jobs/" + remote + "/outputs").status == 200);
}

TEST_CASE("peer staging moves each byte once, across restarts, and collection checks each file",
          "[integration][peer][data]") {
  PeerHarness h;
  TempDir work;
  const auto records = work.path() / "site";
  auto make_with = [&](const std::filesystem::path& work_dir) {
    AdapterContext ctx{h.io.get_executor(), [] { return std::chrono::system_clock::now(); },
                       work_dir.string(), 0};
    auto a = AdapterRegistry::builtin().create(h.config(), ctx);
    REQUIRE(a);
    return std::move(*a);
  };
  auto blob = [&](const std::string& name, const std::string& bytes) {
    const auto p = work.path() / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  };
  const std::string a_bytes = pd_bytes(2 * 1024 * 1024 + 3);
  const std::string b_bytes = "bee\n";
  const std::vector<StageFile> files = {
      {"data/a.bin", blob("a", a_bytes), static_cast<int64_t>(a_bytes.size()), pd_sha(a_bytes)},
      {"b.txt", blob("b", b_bytes), static_cast<int64_t>(b_bytes.size()), pd_sha(b_bytes)}};
  const std::string key = "job_pd_stage1";

  auto first = make_with(records);
  REQUIRE(first->describe().supports_staging);
  auto staged = run_sync(h.io, first->stage(key, files));
  INFO((staged ? std::string() : staged.error().message));
  REQUIRE(staged);
  CHECK(staged->bytes == static_cast<int64_t>(a_bytes.size() + b_bytes.size()));
  CHECK(staged->files == 2);
  // Again: nothing moves. From a restarted gateway (its records on disk): nothing moves. From
  // one that kept no records: it finds the dataset by its name, and nothing moves.
  for (const auto& dir : {records, records, std::filesystem::path()}) {
    auto adapter = make_with(dir);
    auto again = run_sync(h.io, adapter->stage(key, files));
    INFO(dir.string() << (again ? std::string() : again.error().message));
    REQUIRE(again);
    CHECK(again->bytes == 0);
    CHECK(again->files == 2);
  }
  auto again = run_sync(h.io, first->stage(key, files));
  REQUIRE(again);
  CHECK(again->bytes == 0);
  auto prov_user = h.province.gw.client(h.province.fed.user_key);
  REQUIRE(pd_datasets_named(prov_user, "suanwang-in-" + key).size() == 1);

  // Bytes that are not the ones the digest names: the peer refuses them.
  StageFile lie = files[1];
  lie.sha256 = pd_sha("not bee\n");
  auto refused = run_sync(h.io, first->stage("job_pd_stage2", {lie}));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == AdapterErrc::refused);
  // A job that claims staged inputs that never reached the peer is not submitted without them.
  JobRequest unstaged = h.quick_job("job_pd_stage3");
  unstaged.staged_inputs = true;
  auto no_inputs = run_sync(h.io, first->submit(unstaged));
  REQUIRE_FALSE(no_inputs);
  CHECK(no_inputs.error().code == AdapterErrc::not_found);

  // The job runs at the peer on the staged files; a restarted gateway collects its outputs.
  JobRequest j = h.quick_job(key);
  j.command = "sha256sum data/a.bin > a.sha && cp b.txt b.out && echo no > other.log";
  j.staged_inputs = true;
  j.output_globs = {"*.sha", "b.out"};
  auto submitted = run_sync(h.io, make_with(records)->submit(j));
  INFO((submitted ? std::string() : submitted.error().message));
  REQUIRE(submitted);
  auto s = poll_status(
      h.io, *first, submitted->remote_id, [](const RemoteStatus& st) { return is_final(st.state); },
      [&] { h.pass_time(); }, PeerHarness::kMaxPolls);
  INFO(s.reason);
  REQUIRE(s.state == RemoteState::succeeded);

  const auto into = work.path() / "collected";
  auto restarted = make_with(records);
  auto c = run_sync(h.io, restarted->collect(key, {"*.sha", "b.out"}, into.string()));
  INFO((c ? std::string() : c.error().message));
  REQUIRE(c);
  REQUIRE(c->files.size() == 2);
  CHECK(c->files[0].path == "a.sha");
  CHECK(c->files[1].path == "b.out");
  for (const auto& f : c->files) {
    CHECK(f.local_path == (into / f.path).string());
    const std::string bytes = read_file(f.local_path);
    CHECK(f.sha256 == pd_sha(bytes));
    CHECK(f.size_bytes == static_cast<int64_t>(bytes.size()));
  }
  CHECK(read_file(into / "a.sha").starts_with(pd_sha(a_bytes)));
  CHECK(read_file(into / "b.out") == b_bytes);
  CHECK(c->report.bytes == c->files[0].size_bytes + c->files[1].size_bytes);
  // Only what the globs name, even when the peer collected more.
  const auto narrow_into = work.path() / "narrow";
  auto narrow = run_sync(h.io, restarted->collect(key, {"*.sha"}, narrow_into.string()));
  REQUIRE(narrow);
  REQUIRE(narrow->files.size() == 1);
  CHECK(narrow->files[0].path == "a.sha");
  CHECK_FALSE(std::filesystem::exists(narrow_into / "b.out"));
  // A key this gateway never submitted has nothing to collect.
  auto unknown = run_sync(h.io, restarted->collect("job_pd_never", {"*"}, narrow_into.string()));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == AdapterErrc::not_found);
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
