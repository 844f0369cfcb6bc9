// Jobs with a container `image` on a local site whose runtime is Podman (real containers, real
// podman; see tests/containers/container_env.hpp): an operator registers the site; a user's job
// runs in the image with its staged inputs and its outputs crossing through the bind-mounted job
// directory; its output is in /logs; a cancel and the walltime stop the container itself, not
// only the podman client; an image the site does not have fails the job saying so; sites
// without a runtime are not chosen for image jobs.
#include <thread>

#include <catch2/catch.hpp>

#include "containers/container_env.hpp"
#include "integration/support/test_gateway.hpp"
#include "support/temp_dir.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

struct PodmanSite {
  ContainerEnv env = require_podman();
  TempDir dir;
  TestGateway gw{dir.path(), {.demo = true}};
  HttpClient user = gw.client(gw.demo_key("demo-user"));
  std::string site_id;

  PodmanSite() {
    auto op = gw.client(gw.demo_key("demo-operator"));
    json body = {{"name", "Containers on this machine"},
                 {"region", "cn-csj-shanghai"},
                 {"kind", "general"},
                 {"adapter",
                  {{"type", "local"},
                   {"options",
                    {{"cpus", 2},
                     {"memory_gb", 2},
                     {"container_runtime", "podman"},
                     {"containers_conf", env.containers_conf}}}}},
                 {"pricing",
                  {{"cpu_core_hour", 0.01},
                   {"memory_gb_hour", 0.0},
                   {"gpu_hour", json::object()},
                   {"egress_gb", 0.0},
                   {"billing_granularity_s", 1}}},
                 {"policy", {{"max_walltime_s", 3600}, {"max_in_flight", 8}}}};
    auto made = op.post("/api/v1/sites", body);
    INFO(made.body);
    REQUIRE(made.status == 201);
    site_id = made.json().at("id");
    REQUIRE(eventually(
        [&] {
          auto s = op.get("/api/v1/sites/" + site_id + "/capacity");
          return s.status == 200 && !s.json().at("observed_at").is_null();
        },
        std::chrono::seconds(20)));
  }

  json job(const std::string& command, const std::string& image, int walltime_s = 60) const {
    return {{"name", "container-test"},
            {"command", command},
            {"image", image},
            {"resources", {{"cpus", 1}, {"memory_gb", 0.25}, {"walltime_s", walltime_s}}},
            {"constraints", {{"sites", json::array({site_id})}}}};
  }

  std::string submit(const json& body) {
    auto made = user.post("/api/v1/jobs", body);
    INFO(made.body);
    REQUIRE(made.status == 201);
    return made.json().at("id");
  }

  std::string logs(const std::string& id) {
    auto r = user.get("/api/v1/jobs/" + id + "/logs");
    REQUIRE(r.status == 200);
    return r.json().at("data");
  }

  // Whether podman knows a container of this gateway's job (running or not).
  bool container_exists(const std::string& job_id) {
    return podman_shell(env, "podman ps -a --format '{{.Names}}' | grep -q 'suanwang-" + job_id +
                                 "-'") == 0;
  }
};

}  // namespace

TEST_CASE("an image job runs in a Podman container on the local site, output in /logs",
          "[containers][local]") {
  PodmanSite s;
  // busybox's own sha256sum and /bin/busybox prove the command ran inside the image; the
  // environment is the job's, and the working directory is its own directory.
  const std::string id = s.submit(s.job(
      "echo in=$(readlink /bin/sh) seed=$SEED id=$SUANWANG_JOB_ID; pwd; echo made > made.txt",
      s.env.image));
  const json done = wait_for_state(s.user, id, "succeeded", std::chrono::seconds(60));
  CHECK(done.at("site") == s.site_id);
  CHECK(done.at("exit_code") == 0);
  const std::string out = s.logs(id);
  INFO(out);
  CHECK_THAT(out, Catch::Contains("in=busybox"));
  CHECK_THAT(out, Catch::Contains("id=" + id));
  CHECK_FALSE(s.container_exists(id));  // --rm: nothing left behind

  SECTION("a failing command in the container ends failed with its exit code") {
    const std::string bad = s.submit(s.job("echo failing; exit 7", s.env.image));
    const json failed = wait_for_state(s.user, bad, "failed", std::chrono::seconds(60));
    CHECK(failed.at("exit_code") == 7);
  }
  SECTION("an image the site does not have fails the job, saying so") {
    const std::string missing =
        s.submit(s.job("echo never", "localhost/suanwang-no-such-image:404"));
    const json failed = wait_for_state(s.user, missing, "failed", std::chrono::seconds(60));
    INFO(failed.dump());
    CHECK_THAT(failed.at("reason").get<std::string>(),
               Catch::Contains("localhost/suanwang-no-such-image:404 does not exist at this site"));
  }
}

TEST_CASE("staged inputs reach the container and its outputs come back", "[containers][local]") {
  PodmanSite s;
  auto& c = s.user;
  auto ds = c.post("/api/v1/datasets", json{{"name", "container-input"}});
  REQUIRE(ds.status == 201);
  const std::string ds_id = ds.json().at("id");
  const std::string input = "bytes for the container\n";
  REQUIRE(c.request("PUT", "/api/v1/datasets/" + ds_id + "/files/in.txt", input, {}).status == 201);
  REQUIRE(c.post("/api/v1/datasets/" + ds_id + "/seal", json::object()).status == 200);
  json body = s.job("sha256sum data/in.txt > digest.txt && cat digest.txt", s.env.image);
  body["inputs"] = json::array({{{"dataset", ds_id}, {"path", "data/"}}});
  body["outputs"] = {{"paths", json::array({"digest.txt"})}};
  const std::string id = s.submit(body);
  wait_for_state(c, id, "succeeded", std::chrono::seconds(60));
  auto outputs = c.get("/api/v1/jobs/" + id + "/outputs");
  REQUIRE(outputs.status == 200);
  const std::string out_ds = outputs.json().at("dataset").at("id");
  auto digest = c.get("/api/v1/datasets/" + out_ds + "/files/digest.txt");
  REQUIRE(digest.status == 200);
  // busybox computed the digest inside the container: it must be the uploaded bytes' SHA-256.
  auto files = c.get("/api/v1/datasets/" + ds_id + "/files").json();
  const std::string want = files.at("items").at(0).at("sha256");
  CHECK(digest.body.starts_with(want));
}

TEST_CASE("a cancel stops the container itself, even one that ignores SIGTERM",
          "[containers][local]") {
  PodmanSite s;
  // trap '' TERM: only the SIGKILL escalation, sent to the container by name, can stop it.
  const std::string id = s.submit(
      s.job("trap '' TERM; echo started; while true; do sleep 1; done", s.env.image, 600));
  wait_for_state(s.user, id, "running", std::chrono::seconds(60));
  REQUIRE(eventually([&] { return s.logs(id).find("started") != std::string::npos; },
                     std::chrono::seconds(30)));
  REQUIRE(s.container_exists(id));
  auto cancel = s.user.post("/api/v1/jobs/" + id + "/cancel", json::object());
  REQUIRE((cancel.status == 200 || cancel.status == 202));
  wait_for_state(s.user, id, "canceled", std::chrono::seconds(60));
  CHECK(eventually([&] { return !s.container_exists(id); }, std::chrono::seconds(30)));
}

TEST_CASE("the walltime stops a container job", "[containers][local]") {
  PodmanSite s;
  const std::string id = s.submit(s.job("echo started; sleep 300", s.env.image, 2));
  const json failed = wait_for_state(s.user, id, "failed", std::chrono::seconds(60));
  INFO(failed.dump());
  CHECK_THAT(failed.at("reason").get<std::string>(), Catch::Contains("walltime"));
  CHECK(eventually([&] { return !s.container_exists(id); }, std::chrono::seconds(30)));
}

TEST_CASE("image jobs go only to sites with a container runtime", "[containers][local]") {
  PodmanSite s;
  // Pinned to the demo's plain local site (no container_runtime), placement refuses the job.
  const std::string plain = local_site_id(s.user);
  REQUIRE_FALSE(plain.empty());
  json body = s.job("true", s.env.image);
  body["constraints"]["sites"] = json::array({plain});
  auto refused = s.user.post("/api/v1/jobs", body);
  INFO(refused.body);
  CHECK(refused.status == 422);
  CHECK_THAT(refused.body, Catch::Contains("no_images"));
}

}  // namespace suanwang::testing
