// Container jobs on the real Slurm cluster of scripts/slurm-up: the site runs images with
// rootless Podman as the jobs' own user (suanwang-job, created by slurm-up with its own image
// storage). A job with an image runs to succeeded in the container, its output in /logs; a
// cancel stops the container, not only the batch script; an image the node lacks fails the
// job with that reason. Skips loudly when the cluster has no container user (no Podman).
#include <catch2/catch.hpp>

#include "integration/support/federation_setup.hpp"
#include "integration/support/test_gateway.hpp"
#include "sites/slurm_env.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

SlurmEnv require_slurm_containers() {
  SlurmEnv env = require_slurm();
  if (env.container_user.empty() || env.container_token.empty()) {
    std::fprintf(stderr,
                 "WARN: SKIPPING Slurm container test: the cluster has no container user "
                 "(scripts/slurm-up sets one up when Podman is installed).\n");
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
  return env;
}

struct SlurmPodman {
  SlurmEnv env = require_slurm_containers();
  TempDir dir;
  TestGateway gw{dir.path()};
  std::string user_key;
  std::string site_id;

  SlurmPodman() {
    auto admin = gw.client(gw.admin_key());
    REQUIRE(admin
                .put("/api/v1/regions",
                     json::array({{{"id", "cn-test-east"}, {"name", "Test East"}}}))
                .status == 200);
    const std::string op_key = make_org_key(admin, "slurm-containers", "operator");
    user_key = make_org_key(admin, "container-user", "user");
    auto op = gw.client(op_key);
    json body = {
        {"name", "Slurm with Podman"},
        {"region", "cn-test-east"},
        {"kind", "hpc"},
        {"adapter",
         {{"type", "slurm"},
          {"endpoint", env.rest_url},
          {"options",
           {{"partition", env.partition},
            {"output_dir", env.output_dir},
            {"container_runtime", "podman"},
            {"containers_conf", env.containers_conf}}},
          {"credentials", {{"user", env.container_user}, {"token", env.container_token}}}}},
        {"pricing",
         {{"cpu_core_hour", 0.3},
          {"memory_gb_hour", 0.0},
          {"gpu_hour", json::object()},
          {"egress_gb", 0.0},
          {"billing_granularity_s", 1}}},
        {"policy", {{"max_walltime_s", 3600}, {"max_in_flight", 16}}}};
    auto site = op.post("/api/v1/sites", body);
    INFO(site.body);
    REQUIRE(site.status == 201);
    site_id = site.json().at("id");
    REQUIRE(eventually(
        [&] {
          auto s = op.get("/api/v1/sites/" + site_id + "/capacity");
          return s.status == 200 && !s.json().at("observed_at").is_null();
        },
        std::chrono::seconds(30)));
  }

  json job(const std::string& command, const std::string& image, int walltime_s = 120) const {
    return {{"name", "slurm-container-test"},
            {"command", command},
            {"image", image},
            {"resources", {{"cpus", 1}, {"memory_gb", 0.25}, {"walltime_s", walltime_s}}},
            {"constraints", {{"sites", json::array({site_id})}}}};
  }

  // Containers of the job user whose name carries `job_id`.
  bool container_running(const std::string& job_id) const {
    const std::string cmd = "runuser -u " + env.container_user + " -- env CONTAINERS_CONF='" +
                            env.containers_conf + "' HOME=$(getent passwd " + env.container_user +
                            " | cut -d: -f6) podman ps --format '{{.Names}}' | grep -q 'suanwang-" +
                            job_id + "-'";
    return std::system(cmd.c_str()) == 0;
  }
};

std::string slurm_logs(HttpClient& user, const std::string& id) {
  auto logs = user.get("/api/v1/jobs/" + id + "/logs");
  REQUIRE(logs.status == 200);
  return logs.json().at("data").get<std::string>();
}

}  // namespace

TEST_CASE("an image job on the Slurm site runs in a Podman container to succeeded",
          "[sites][slurm][containers]") {
  SlurmPodman f;
  auto user = f.gw.client(f.user_key);
  json body = f.job("echo in=$(readlink /bin/sh) job=$SUANWANG_JOB_ID seed=$SEED slurm=$SLURM_JOB_ID",
                    f.env.container_image);
  body["env"] = {{"SEED", "11"}};
  auto created = user.post("/api/v1/jobs", body);
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  const json done = wait_for_state(user, id, "succeeded", std::chrono::seconds(90));
  CHECK(done.at("exit_code") == 0);
  const std::string out = slurm_logs(user, id);
  INFO(out);
  CHECK_THAT(out, Catch::Contains("in=busybox"));  // the image's /bin/sh, not the node's
  CHECK_THAT(out, Catch::Contains("job=" + id));
  CHECK_THAT(out, Catch::Contains("seed=11"));
  CHECK_THAT(out, !Catch::Contains("slurm= "));

  SECTION("an image the node does not have fails the job, saying so") {
    auto missing = user.post("/api/v1/jobs", f.job("echo never", "localhost/suanwang-absent:9"));
    REQUIRE(missing.status == 201);
    const json failed =
        wait_for_state(user, missing.json().at("id"), "failed", std::chrono::seconds(90));
    INFO(failed.dump());
    CHECK_THAT(failed.at("reason").get<std::string>(),
               Catch::Contains("localhost/suanwang-absent:9 does not exist on node"));
  }
}

TEST_CASE("a cancel stops a container job on the Slurm site", "[sites][slurm][containers]") {
  SlurmPodman f;
  auto user = f.gw.client(f.user_key);
  auto created =
      user.post("/api/v1/jobs", f.job("echo started; sleep 300", f.env.container_image, 600));
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  wait_for_state(user, id, "running", std::chrono::seconds(90));
  REQUIRE(eventually([&] { return f.container_running(id); }, std::chrono::seconds(60)));
  auto cancel = user.post("/api/v1/jobs/" + id + "/cancel", json::object());
  REQUIRE((cancel.status == 200 || cancel.status == 202));
  wait_for_state(user, id, "canceled", std::chrono::seconds(60));
  CHECK(eventually([&] { return !f.container_running(id); }, std::chrono::seconds(30)));
}

}  // namespace suanwang::testing
