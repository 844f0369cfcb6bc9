// How the site tests find the real Slurm cluster of scripts/slurm-up: its env file
// ($SUANWANG_SLURM_DIR/env, default <repo>/var/slurm/env) with SLURM_REST_URL, SLURM_JWT and the
// rest. When there is none, every site test SKIPS LOUDLY: it prints why and exits with
// kSkipExitCode, which ctest reports as "Skipped" (SKIP_RETURN_CODE in tests/CMakeLists.txt).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include <sys/wait.h>

namespace suanwang::testing {

inline constexpr int kSkipExitCode = 77;

struct SlurmEnv {
  std::string dir;
  std::string rest_url;
  std::string token;
  std::string user;
  std::string partition;
  std::string output_dir;
  std::string staging_dir;  // jobs' working directories (issue 19's staging), "" on old clusters
  std::string conf;
  std::string node;
  // Container jobs (rootless Podman as their own user); empty when the cluster has none.
  std::string container_user, container_token, containers_conf, container_image;
};

inline std::string slurm_dir() {
  if (const char* d = std::getenv("SUANWANG_SLURM_DIR"); d && *d) return d;
  return std::string(SUANWANG_SOURCE_DIR) + "/var/slurm";
}

inline std::optional<SlurmEnv> read_slurm_env() {
  SlurmEnv e;
  e.dir = slurm_dir();
  std::ifstream in(e.dir + "/env");
  if (!in) return std::nullopt;
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  e.rest_url = kv["SLURM_REST_URL"];
  e.token = kv["SLURM_JWT"];
  e.user = kv["SLURM_USER"];
  e.partition = kv["SLURM_PARTITION"];
  e.output_dir = kv["SLURM_OUTPUT_DIR"];
  e.staging_dir = kv["SLURM_STAGING_DIR"];
  e.conf = kv["SLURM_CONF"];
  e.node = kv["SLURM_NODE"];
  e.container_user = kv["SLURM_CONTAINER_USER"];
  e.container_token = kv["SLURM_CONTAINER_JWT"];
  e.containers_conf = kv["SLURM_CONTAINERS_CONF"];
  e.container_image = kv["SLURM_CONTAINER_IMAGE"];
  if (e.rest_url.empty() || e.token.empty() || e.user.empty() || e.partition.empty() ||
      e.output_dir.empty()) {
    return std::nullopt;
  }
  return e;
}

// The cluster, or a loud skip of the whole test process.
inline SlurmEnv require_slurm() {
  auto e = read_slurm_env();
  if (!e) {
    std::fprintf(stderr,
                 "WARN: SKIPPING Slurm site test: no running cluster (%s/env is missing or "
                 "incomplete). Start one with scripts/slurm-up; scripts/test does.\n",
                 slurm_dir().c_str());
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
  return *e;
}

// Runs a Slurm client command against the test cluster (SLURM_CONF set, SLURM_JWT unset) and
// returns its stdout; "" on failure.
inline std::string slurm_command(const SlurmEnv& env, const std::string& command) {
  const std::string full = "env -u SLURM_JWT SLURM_CONF='" + env.conf + "' " + command;
  FILE* p = ::popen(full.c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0 && out.size() < (1 << 20)) out.append(buf, n);
  ::pclose(p);
  return out;
}

}  // namespace suanwang::testing
