// run_binary: runs a program with posix_spawn (argv, a complete environment, optional stdin)
// and captures its stdout, stderr and exit code, killing it when it outlives the limit. For
// CLI tests that drive the built `suanwang` binary.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace suanwang::testing {

struct RunResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string out;
  std::string err;
  bool timed_out = false;
};

RunResult run_binary(const std::string& path, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env,
                     const std::string& stdin_text = {},
                     std::chrono::milliseconds limit = std::chrono::seconds(90));

}  // namespace suanwang::testing
