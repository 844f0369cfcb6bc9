// The gateway over a real Slurm cluster (scripts/slurm-up): an operator registers a slurm site
// over HTTP; a user's job pinned to it runs a real command to succeeded with its output in
// /logs; a GPU job lands on GPUs; a running job is cancelled; the capacity the gateway reports
// matches sinfo; a gateway restart neither loses nor repeats a job; a submit whose record was
// lost finds the job at the site instead of starting a second one.
#include <regex>
#include <thread>

#include <catch2/catch.hpp>

#include "adapters/registry.hpp"
#include "integration/support/federation_setup.hpp"
#include "integration/support/test_gateway.hpp"
#include "sites/slurm_env.hpp"
#include "support/run_sync.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

json slurm_site_body(const SlurmEnv& env) {
  json options = {{"partition", env.partition}, {"output_dir", env.output_dir}};
  if (!env.staging_dir.empty()) options["staging_dir"] = env.staging_dir;
  return {{"name", "Slurm test center"},
          {"region", "cn-test-east"},
          {"kind", "hpc"},
          {"adapter",
           {{"type", "slurm"},
            {"endpoint", env.rest_url},
            {"options", options},
            {"credentials", {{"user", env.user}, {"token", env.token}}}}},
          {"pricing",
           {{"cpu_core_hour", 0.3},
            {"memory_gb_hour", 0.0},
            {"gpu_hour", {{"A800", 12.0}}},
            {"egress_gb", 0.0},
            {"billing_granularity_s", 1}}},
          {"policy", {{"max_walltime_s", 3600}, {"max_in_flight", 16}}}};
}

struct SlurmFederation {
  SlurmEnv env = require_slurm();
  TempDir dir;
  std::unique_ptr<TestGateway> gw = std::make_unique<TestGateway>(dir.path());
  std::string operator_key;
  std::string user_key;
  std::string site_id;

  SlurmFederation() {
    auto admin = gw->client(gw->admin_key());
    REQUIRE(
        admin.put("/api/v1/regions", json::array({{{"id", "cn-test-east"}, {"name", "Test East"}}}))
            .status == 200);
    operator_key = make_org_key(admin, "slurm-center", "operator");
    user_key = make_org_key(admin, "slurm-user", "user");
    auto op = gw->client(operator_key);
    auto site = op.post("/api/v1/sites", slurm_site_body(env));
    INFO(site.body);
    REQUIRE(site.status == 201);
    site_id = site.json().at("id");
    CHECK_FALSE(site.body.find(env.token) != std::string::npos);  // the token is never returned
    wait_for_capacity();
  }

  void wait_for_capacity() {
    auto op = gw->client(operator_key);
    const bool ok = eventually([&] {
      auto s = op.get("/api/v1/sites/" + site_id + "/capacity");
      return s.status == 200 && !s.json().at("observed_at").is_null();
    });
    INFO(gw->log_text());
    REQUIRE(ok);
  }

  json job(const std::string& command, int walltime_s = 120) const {
    return {{"name", "slurm-site-test"},
            {"command", command},
            {"resources", {{"cpus", 1}, {"memory_gb", 0.25}, {"walltime_s", walltime_s}}},
            {"constraints", {{"sites", {site_id}}}}};
  }
};

std::string logs_of(HttpClient& user, const std::string& id) {
  auto logs = user.get("/api/v1/jobs/" + id + "/logs");
  REQUIRE(logs.status == 200);
  return logs.json().at("data").get<std::string>();
}

// Jobs the cluster knows under a name (the gateway job id), via squeue.
int slurm_jobs_named(const SlurmEnv& env, const std::string& name) {
  const auto out = slurm_command(env, "squeue -h -t all -n '" + name + "' -o %i");
  int n = 0;
  for (char c : out) n += c == '\n' ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("a job on a Slurm site runs a real command to succeeded with its output in /logs",
          "[sites][slurm]") {
  SlurmFederation f;
  auto user = f.gw->client(f.user_key);
  auto created = user.post("/api/v1/jobs", f.job("echo hello-$((6*7)); echo to-stderr >&2"));
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  const json done = wait_for_state(user, id, "succeeded", std::chrono::seconds(60));
  CHECK(done.at("site") == f.site_id);
  CHECK(done.at("exit_code") == 0);
  const auto out = logs_of(user, id);
  CHECK_THAT(out, Catch::Contains("hello-42"));
  CHECK_THAT(out, Catch::Contains("to-stderr"));
  CHECK(slurm_jobs_named(f.env, id) == 1);  // the gateway job id names the Slurm job

  SECTION("a failing command ends failed with its exit code") {
    auto bad = user.post("/api/v1/jobs", f.job("echo about to fail; exit 3"));
    REQUIRE(bad.status == 201);
    const json failed =
        wait_for_state(user, bad.json().at("id"), "failed", std::chrono::seconds(60));
    CHECK(failed.at("exit_code") == 3);
  }
}

TEST_CASE("a GPU job on a Slurm site lands on GPUs", "[sites][slurm]") {
  SlurmFederation f;
  auto user = f.gw->client(f.user_key);
  json body = f.job("echo gpus=$CUDA_VISIBLE_DEVICES");
  body["resources"]["accelerators"] = {{"model", "A800"}, {"count", 2}};
  auto created = user.post("/api/v1/jobs", body);
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  wait_for_state(user, id, "succeeded", std::chrono::seconds(60));
  const auto out = logs_of(user, id);
  INFO(out);
  CHECK(std::regex_search(out, std::regex("gpus=[0-9]+,[0-9]+\\s")));
}

TEST_CASE("a running job on a Slurm site is cancelled", "[sites][slurm]") {
  SlurmFederation f;
  auto user = f.gw->client(f.user_key);
  auto created = user.post("/api/v1/jobs", f.job("echo started; sleep 120", 300));
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  wait_for_state(user, id, "running", std::chrono::seconds(60));
  auto cancel = user.post("/api/v1/jobs/" + id + "/cancel", json::object());
  INFO(cancel.body);
  REQUIRE((cancel.status == 200 || cancel.status == 202));
  wait_for_state(user, id, "canceled", std::chrono::seconds(60));
  CHECK(eventually(
      [&] {
        return slurm_command(f.env, "squeue -h -t all -n '" + id + "' -o %T").find("CANCELLED") !=
               std::string::npos;
      },
      std::chrono::seconds(20)));
}

TEST_CASE("the capacity the gateway reports for a Slurm site matches sinfo", "[sites][slurm]") {
  SlurmFederation f;
  auto op = f.gw->client(f.operator_key);
  // sinfo %C is allocated/idle/other/total CPUs; other = drained or down, which the gateway drops.
  // Other tests may use the cluster meanwhile: compare snapshots until two agree.
  std::string last;
  const bool agree = eventually(
      [&] {
        const auto cpus = slurm_command(f.env, "sinfo -h -p '" + f.env.partition + "' -o %C");
        const auto mem = slurm_command(f.env, "sinfo -h -N -p '" + f.env.partition + "' -o %m");
        const auto gres = slurm_command(f.env, "sinfo -h -p '" + f.env.partition + "' -o %G");
        auto cap = op.get("/api/v1/sites/" + f.site_id + "/capacity");
        if (cap.status != 200) return false;
        const json c = cap.json();
        last = "sinfo " + cpus + " mem " + mem + " gres " + gres + " gateway " + c.dump();
        int a = 0, i = 0, o = 0, t = 0;
        if (std::sscanf(cpus.c_str(), "%d/%d/%d/%d", &a, &i, &o, &t) != 4) return false;
        const json& pool = c.at("pools").at(0);
        const bool cpus_ok =
            pool.at("cpus").at("total") == t - o && pool.at("cpus").at("free") == i;
        const double mem_gb = std::round(std::atof(mem.c_str()) / 1024.0 * 10) / 10;
        const bool mem_ok =
            std::abs(pool.at("memory_gb").at("total").get<double>() - mem_gb) < 0.051;
        std::smatch m;
        const bool gres_ok =
            std::regex_search(gres, m, std::regex("gpu:([A-Za-z0-9_]+):([0-9]+)")) &&
            pool.at("accelerators").contains(m[1].str()) &&
            pool.at("accelerators").at(m[1].str()).at("total") == std::stoi(m[2]);
        return cpus_ok && mem_ok && gres_ok;
      },
      std::chrono::seconds(30));
  INFO(last);
  CHECK(agree);
}

TEST_CASE("a gateway restart while a Slurm job runs neither loses nor repeats it",
          "[sites][slurm][restart]") {
  SlurmFederation f;
  std::string id;
  {
    auto user = f.gw->client(f.user_key);
    auto created = user.post("/api/v1/jobs", f.job("echo once; sleep 3; echo done"));
    REQUIRE(created.status == 201);
    id = created.json().at("id");
    wait_for_state(user, id, "running", std::chrono::seconds(60));
    f.gw->stop();
    f.gw.reset();
  }
  f.gw = std::make_unique<TestGateway>(f.dir.path());
  auto user = f.gw->client(f.user_key);
  wait_for_state(user, id, "succeeded", std::chrono::seconds(60));
  CHECK_THAT(logs_of(user, id), Catch::Contains("done"));
  CHECK(slurm_jobs_named(f.env, id) == 1);
}

TEST_CASE("a submit whose record was lost finds the job at the Slurm site", "[sites][slurm]") {
  const SlurmEnv env = require_slurm();
  adapters::AdapterConfig config;
  config.type = "slurm";
  config.endpoint = env.rest_url;
  config.options = {{"partition", env.partition}, {"output_dir", env.output_dir}};
  config.credentials = {{"user", env.user}, {"token", env.token}};
  adapters::JobRequest job;
  job.key = "job_lost_record_" + std::to_string(::getpid()) + "_" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  job.command = "sleep 20";
  job.memory_gb = 0.1;
  job.walltime_s = 60;
  boost::asio::io_context io;
  const auto make = [&](const TempDir& work) {
    adapters::AdapterContext ctx{io.get_executor(), [] { return std::chrono::system_clock::now(); },
                                 work.path().string(), 0};
    auto a = adapters::AdapterRegistry::builtin().create(config, ctx);
    REQUIRE(a);
    return std::move(*a);
  };
  TempDir first_dir;
  TempDir second_dir;  // a gateway that crashed before recording anything
  auto first = make(first_dir);
  auto sub = run_sync(io, first->submit(job));
  REQUIRE(sub);
  CHECK_FALSE(sub->already_existed);
  auto second = make(second_dir);
  auto again = run_sync(io, second->submit(job));
  REQUIRE(again);
  CHECK(again->already_existed);
  CHECK(again->remote_id == sub->remote_id);
  CHECK(slurm_jobs_named(env, job.key) == 1);
  REQUIRE(run_sync(io, second->cancel(sub->remote_id)));
}

}  // namespace suanwang::testing

TEST_CASE("registration checks the connection and answers with what it found, or names the field",
          "[sites][slurm]") {
  const SlurmEnv env = require_slurm();
  TempDir dir;
  TestGateway gw(dir.path());
  auto admin = gw.client(gw.admin_key());
  REQUIRE(
      admin.put("/api/v1/regions", json::array({{{"id", "cn-test-east"}, {"name", "Test East"}}}))
          .status == 200);
  auto op = gw.client(make_org_key(admin, "checked-center", "operator"));
  const auto refused = [&](json body, const std::string& field) {
    auto r = op.post("/api/v1/sites", body);
    INFO(r.body);
    CHECK(r.status == 400);
    CHECK(r.json().value("field", "") == field);
    return r.json().value("detail", "");
  };
  json wrong = slurm_site_body(env);
  wrong["adapter"]["options"]["partition"] = "no-such-partition";
  // The site's own list of partitions, so the operator can correct it.
  CHECK_THAT(refused(wrong, "adapter.options.partition"), Catch::Contains("it has: debug"));
  wrong = slurm_site_body(env);
  wrong["adapter"]["credentials"]["token"] = "eyJhbGciOiJIUzI1NiJ9.e30.not-a-valid-signature";
  CHECK_THAT(refused(wrong, "adapter.credentials.token"), Catch::Contains("token"));
  wrong = slurm_site_body(env);
  wrong["adapter"]["endpoint"] = "http://127.0.0.1:9";  // nothing listens on discard
  CHECK_FALSE(refused(wrong, "adapter.endpoint").empty());
  // None of the refused sites was kept.
  CHECK(op.get("/api/v1/sites").json().at("items").empty());

  auto ok = op.post("/api/v1/sites", slurm_site_body(env));
  INFO(ok.body);
  REQUIRE(ok.status == 201);
  const json site = ok.json();
  CHECK_THAT(site.at("health").at("release").get<std::string>(), Catch::StartsWith("Slurm "));
  CHECK_THAT(site.at("health").at("api_version").get<std::string>(), Catch::StartsWith("v0.0."));
  CHECK(site.at("health").at("container_runtime") == "");
  // Capacity is in the first answer: the partition, its CPUs and the GPUs by model.
  REQUIRE(site.at("capacity").is_object());
  CHECK(site.at("capacity").at("pools") == json::array({env.partition}));
  CHECK(site.at("capacity").at("cpus").at("total").get<int>() > 0);
  CHECK(site.at("capacity").at("accelerators").at("A800").at("total") == 4);
}

TEST_CASE("a job on a Slurm site reads a staged dataset and its outputs come back, digests intact",
          "[sites][slurm][data]") {
  SlurmFederation f;
  if (f.env.staging_dir.empty()) {
    FAIL("the cluster's env has no SLURM_STAGING_DIR: restart it with scripts/slurm-up");
  }
  auto user = f.gw->client(f.user_key);
  auto made = user.post("/api/v1/datasets", json{{"name", "slurm-input"}});
  REQUIRE(made.status == 201);
  const std::string ds = made.json().at("id");
  std::string input = "bytes for the cluster\n";
  for (int i = 0; i < 5000; ++i) input += "line " + std::to_string(i) + "\n";
  REQUIRE(user.request("PUT", "/api/v1/datasets/" + ds + "/files/input.txt", input, {}).status ==
          201);
  REQUIRE(user.post("/api/v1/datasets/" + ds + "/seal", json::object()).status == 200);
  const json files = user.get("/api/v1/datasets/" + ds + "/files").json();
  const std::string input_sha = files.at("items").at(0).at("sha256");

  json body = f.job(
      "mkdir -p out && sha256sum data/input.txt > digest.txt && head -n 1 data/input.txt | "
      "tr a-z A-Z > out/upper.txt && pwd");
  body["inputs"] = json::array({{{"dataset", ds}, {"path", "data/"}}});
  body["outputs"] = {{"paths", json::array({"digest.txt", "out/*.txt"})}};
  auto created = user.post("/api/v1/jobs", body);
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  wait_for_state(user, id, "succeeded", std::chrono::seconds(90));
  // The job ran in its own directory under the site's staging_dir.
  CHECK_THAT(logs_of(user, id), Catch::Contains(f.env.staging_dir + "/" + id));

  auto outputs = user.get("/api/v1/jobs/" + id + "/outputs");
  INFO(outputs.body);
  REQUIRE(outputs.status == 200);
  const std::string out_ds = outputs.json().at("dataset").at("id");
  REQUIRE(outputs.json().at("files").size() == 2);
  auto digest = user.get("/api/v1/datasets/" + out_ds + "/files/digest.txt");
  REQUIRE(digest.status == 200);
  CHECK(digest.body.starts_with(input_sha));  // the node read exactly the uploaded bytes
  CHECK(user.get("/api/v1/datasets/" + out_ds + "/files/out/upper.txt").body ==
        "BYTES FOR THE CLUSTER\n");
}
