// The slurm adapter's batch scripts for image jobs, run for real with bash: Apptainer and Pyxis
// are not installed on these machines, so `apptainer`, `srun` and `podman` here are small
// stand-ins on PATH that record their arguments one per line and run the job's command the way
// the runtime would (everything after the image). What is checked is our part: the arguments
// each runtime gets, the quoting of user text, the environment passed by name, the exit record,
// the reason for a missing image, and the stop of a Podman container on Slurm's SIGTERM. Real
// Podman under the real Slurm cluster is tests/sites/slurm_container_test.cpp.
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "adapter_test_support.hpp"
#include "adapters/slurm/batch_script.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::adapters::slurm;
using suanwang::testing::TempDir;
namespace fs = std::filesystem;

// Records "$@" to <dir>/<name>.args, then runs what follows the image "localhost/ok:1" or a
// file ok.sif (srun: what follows its options); `podman image exists` knows only localhost/ok:1.
constexpr const char* kStandIn = R"(#!/bin/bash
me=$(basename "$0")
if [ "$me" = podman ] && [ "$1" = image ]; then [ "$3" = localhost/ok:1 ]; exit; fi
if [ "$me" = podman ] && [ "$1" = stop ]; then printf '%s\n' "$@" > "$SCRIPTTEST_DIR/podman-stop.args"; exit 0; fi
printf '%s\n' "$@" > "$SCRIPTTEST_DIR/$me.args"
env > "$SCRIPTTEST_DIR/$me.env"
if [ "$me" = srun ]; then while [ "${1#--}" != "$1" ]; do shift; done; exec "$@"; fi
while [ $# -gt 0 ]; do
  case "$1" in localhost/ok:1|*/ok.sif) shift; exec "$@";; esac
  shift
done
exit 99
)";

struct ScriptRun {
  TempDir tmp;
  fs::path out = tmp.path() / "out";
  fs::path bin = tmp.path() / "bin";

  ScriptRun() {
    fs::create_directories(out);
    fs::create_directories(bin);
    for (const char* name : {"apptainer", "srun", "podman"}) {
      std::ofstream(bin / name) << kStandIn;
      fs::permissions(bin / name, fs::perms::owner_all);
    }
  }

  // Starts the script as Slurm would (cwd = output_dir, SLURM_JOB_ID=7); returns the pid.
  pid_t start(const std::string& script) {
    std::ofstream(tmp.path() / "job.sh") << script;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      if (::chdir(out.c_str()) != 0) ::_exit(97);
      const std::string path = "PATH=" + bin.string() + ":/usr/bin:/bin";
      const std::string dir = "SCRIPTTEST_DIR=" + tmp.path().string();
      const std::string job = (tmp.path() / "job.sh").string();
      const char* envp[] = {path.c_str(), dir.c_str(), "SLURM_JOB_ID=7", "SEED=42",
                            "SUANWANG_JOB_ID=job_1", nullptr};
      ::execle("/bin/bash", "bash", job.c_str(), nullptr, envp);
      ::_exit(98);
    }
    return pid;
  }
  int run(const std::string& script) {
    const pid_t pid = start(script);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::vector<std::string> args(const std::string& name) const {
    std::ifstream in(tmp.path() / (name + ".args"));
    std::vector<std::string> out_args;
    for (std::string line; std::getline(in, line);) out_args.push_back(line);
    return out_args;
  }
  std::string file(const fs::path& p) const { return suanwang::testing::read_file(p); }
};

JobRequest image_job(const std::string& image) {
  JobRequest job;
  job.key = "job_1";
  job.command = "echo ran-in \"$SEED\" > result.txt";
  job.image = image;
  job.walltime_s = 600;
  job.env = {{"SEED", "42"}};
  return job;
}

}  // namespace

TEST_CASE("apptainer: exec with the job directory bound, the exit code recorded",
          "[slurm][adapters][containers]") {
  ScriptRun r;
  const std::string sif = (r.tmp.path() / "ok.sif").string();
  std::ofstream(sif) << "SIF";
  const auto script =
      batch_script(image_job(sif), r.out.string(), {ContainerRuntime::apptainer, ""});
  REQUIRE(r.run(script) == 0);
  const std::string d = r.out.string();
  CHECK(r.args("apptainer") == std::vector<std::string>{"exec", "--bind", d + ":" + d, "--pwd", d,
                                                        sif, "/bin/sh",
                                                        d + "/.suanwang-7.payload"});
  CHECK(r.file(r.out / "result.txt") == "ran-in 42\n");
  CHECK(r.file(r.out / "7.exit") == "0\n");
  CHECK_FALSE(fs::exists(r.out / ".suanwang-7.payload"));

  SECTION("a SIF file that is not there fails with 125 and says so") {
    ScriptRun m;
    const auto missing = batch_script(image_job("/images/gone.sif"), m.out.string(),
                                      {ContainerRuntime::apptainer, ""});
    CHECK(m.run(missing) == 125);
    CHECK(m.file(m.out / "7.exit") == "125\n");
    CHECK_THAT(m.file(m.out / "7.reason"), Catch::StartsWith("image /images/gone.sif does not exist on node"));
    CHECK(m.args("apptainer").empty());
  }
}

TEST_CASE("pyxis: srun --container-image with the job directory mounted",
          "[slurm][adapters][containers]") {
  ScriptRun r;
  const auto script = batch_script(image_job("localhost/ok:1"), r.out.string(),
                                   {ContainerRuntime::pyxis, ""});
  REQUIRE(r.run(script) == 0);
  const std::string d = r.out.string();
  CHECK(r.args("srun") ==
        std::vector<std::string>{"--ntasks=1", "--container-image=localhost/ok:1",
                                 "--container-mounts=" + d + ":" + d,
                                 "--container-workdir=" + d, "/bin/sh",
                                 d + "/.suanwang-7.payload"});
  CHECK(r.file(r.out / "result.txt") == "ran-in 42\n");
  CHECK(r.file(r.out / "7.exit") == "0\n");
}

TEST_CASE("podman: run --rm with the job's variables by name and a walltime backstop",
          "[slurm][adapters][containers]") {
  ScriptRun r;
  const auto script = batch_script(image_job("localhost/ok:1"), r.out.string(),
                                   {ContainerRuntime::podman, "/etc/suanwang/containers.conf"});
  REQUIRE(r.run(script) == 0);
  const std::string d = r.out.string();
  const auto args = r.args("podman");
  REQUIRE(args.size() > 4);
  const std::string name = container_name("job_1", "") + "-7";
  const std::vector<std::string> want = {"--log-level=error",
                                         "run",
                                         "--rm",
                                         "--init",
                                         "--pull=never",
                                         "--name",
                                         name,
                                         "--network=none",
                                         "--mount=type=bind,source=" + d + ",destination=" + d,
                                         "--workdir=" + d,
                                         "--timeout=660",
                                         "--env=SLURM_*",
                                         "--env=SUANWANG_JOB_ID",
                                         "--env=SEED",
                                         "localhost/ok:1",
                                         "/bin/sh",
                                         d + "/.suanwang-7.payload"};
  CHECK(args == want);
  // Podman runs with the user's own HOME (rootless storage) and the site's configuration.
  const auto env = r.file(r.tmp.path() / "podman.env");
  CHECK_THAT(env, Catch::Contains("CONTAINERS_CONF=/etc/suanwang/containers.conf\n"));
  const passwd* me = ::getpwuid(::getuid());
  REQUIRE(me != nullptr);
  CHECK_THAT(env, Catch::Contains("HOME=" + std::string(me->pw_dir) + "\n"));
  CHECK(r.file(r.out / "result.txt") == "ran-in 42\n");
  CHECK(r.file(r.out / "7.exit") == "0\n");

  SECTION("an image the node does not have fails with 125, the reason written for the adapter") {
    ScriptRun m;
    const auto missing = batch_script(image_job("localhost/absent:2"), m.out.string(),
                                      {ContainerRuntime::podman, ""});
    CHECK(m.run(missing) == 125);
    CHECK_THAT(m.file(m.out / "7.reason"),
               Catch::StartsWith("image localhost/absent:2 does not exist on node"));
    CHECK(m.args("podman").empty());
  }
}

TEST_CASE("podman: Slurm's SIGTERM stops the container by name and leaves no exit record",
          "[slurm][adapters][containers]") {
  ScriptRun r;
  auto job = image_job("localhost/ok:1");
  job.command = "echo started > started.txt; sleep 60";
  const pid_t pid =
      r.start(batch_script(job, r.out.string(), {ContainerRuntime::podman, ""}));
  for (int i = 0; i < 500 && !fs::exists(r.out / "started.txt"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(fs::exists(r.out / "started.txt"));
  ::kill(pid, SIGTERM);  // what scancel and the time limit send the batch script
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::kill(-pid, SIGKILL);  // the stand-in's sleep, which a real `podman stop` would end
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 143);
  const std::string name = container_name("job_1", "") + "-7";
  CHECK(r.args("podman-stop") == std::vector<std::string>{"stop", "--time=3", name});
  // A stopped job is Slurm's to report (CANCELLED, TIMEOUT), not an exit code of ours.
  CHECK_FALSE(fs::exists(r.out / "7.exit"));
}

TEST_CASE("image references that could be read as shell or options are refused",
          "[slurm][adapters][containers]") {
  CHECK_FALSE(image_refusal("localhost/suanwang-busybox:1"));
  CHECK_FALSE(image_refusal("docker://nvcr.io/nvidia/pytorch:24.05-py3"));
  CHECK_FALSE(image_refusal("/shared/images/pytorch@sha256:abc+1.sif"));
  CHECK(image_refusal(""));
  CHECK(image_refusal("-v/etc:/etc"));
  CHECK(image_refusal("x$(reboot)"));
  CHECK(image_refusal("a b"));
  CHECK(image_refusal("a'b"));
  CHECK(image_refusal(std::string(513, 'a')));
}
