// How the container tests find Podman and the test image of scripts/container-images: its env
// file (<repo>/var/containers/env, with CONTAINERS_CONF and IMAGE). When there is none, or the
// image is gone, every container test SKIPS LOUDLY (exit 77, "Skipped" in ctest), as the Slurm
// site tests do; scripts/test builds the image first, so in CI they run.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace suanwang::testing {

inline constexpr int kContainerSkipExitCode = 77;

struct ContainerEnv {
  std::string containers_conf;
  std::string image;
};

// Runs `command` under sh with CONTAINERS_CONF set; its exit status.
inline int podman_shell(const ContainerEnv& env, const std::string& command) {
  const std::string full = "CONTAINERS_CONF='" + env.containers_conf + "' " + command;
  return std::system(full.c_str());
}

inline ContainerEnv require_podman() {
  const std::string file = std::string(SUANWANG_SOURCE_DIR) + "/var/containers/env";
  std::ifstream in(file);
  std::map<std::string, std::string> kv;
  for (std::string line; std::getline(in, line);) {
    if (auto eq = line.find('='); eq != std::string::npos) {
      kv[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  ContainerEnv e{kv["CONTAINERS_CONF"], kv["IMAGE"]};
  const bool ready = !e.containers_conf.empty() && !e.image.empty() &&
                     podman_shell(e, "podman image exists '" + e.image + "' 2>/dev/null") == 0;
  if (!ready) {
    std::fprintf(stderr,
                 "WARN: SKIPPING container test: no Podman test image (%s is missing, or its "
                 "image is gone). Build it with scripts/container-images; scripts/test does.\n",
                 file.c_str());
    std::fflush(stderr);
    std::_Exit(kContainerSkipExitCode);
  }
  return e;
}

}  // namespace suanwang::testing
