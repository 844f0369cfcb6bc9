// CrashServer: one run of the real `suanwang serve` binary on a test's data dir, for the crash
// tests (tests/crash), which SIGKILL it and start it again on the same data. Its stderr is
// appended to <dir>/gateway.log; the generation-th "suanwang serving" line there gives the
// port of the generation-th run.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

extern char** environ;

namespace suanwang::testing {

class CrashServer {
 public:
  // Serves <dir>/data with the demo federation; `extra_args` go after the usual ones (e.g.
  // --config FILE).
  CrashServer(const std::filesystem::path& dir, int generation,
              const std::vector<std::string>& extra_args = {})
      : dir_(dir) {
    const std::string log = (dir / "gateway.log").string();
    const std::string data = (dir / "data").string();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    // JSON lines on stderr: the "suanwang serving" line below is read as JSON.
    // Without the demo's background load: the crash tests count jobs.
    std::vector<std::string> args = {SUANWANG_BINARY, "serve",       "--listen",   "127.0.0.1:0",
                                     "--data-dir",    data,          "--demo",     "--demo-load",
                                     "off",           "--log-level", "info",       "--log-format",
                                     "json"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, SUANWANG_BINARY, &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    const std::regex url(R"re("url":"http://127\.0\.0\.1:(\d+)")re");
    REQUIRE(eventually(
        [&] {
          std::ifstream in(log);
          int seen = 0;
          for (std::string line; std::getline(in, line);) {
            std::smatch m;
            if (line.find("suanwang serving") != std::string::npos &&
                std::regex_search(line, m, url) && ++seen == generation) {
              port_ = static_cast<uint16_t>(std::stoi(m[1]));
            }
          }
          return port_ != 0;
        },
        std::chrono::seconds(60)));
  }
  ~CrashServer() { kill(); }
  CrashServer(const CrashServer&) = delete;
  CrashServer& operator=(const CrashServer&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // SIGKILL, and wait for it to be gone.
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace suanwang::testing
