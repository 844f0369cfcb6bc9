// `suanwang serve` as a user starts it: a short human log on the terminal (no line per
// request), every line as JSON in --log-file, a banner that ends with the next step, a private
// database, and the portal found without --web-dir — also by a copy of the binary elsewhere.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "integration/support/test_gateway.hpp"

#ifndef SUANWANG_BINARY
#error "SUANWANG_BINARY (the path of the built suanwang binary) must be defined by the build"
#endif

extern char** environ;

namespace suanwang::testing {
namespace {
namespace fs = std::filesystem;

std::string serve_read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `binary serve ARGS…` with stdout and stderr in files of `dir`, until stop().
class ServeProcess {
 public:
  ServeProcess(const std::string& binary, const fs::path& dir, std::vector<std::string> args)
      : out_(dir / "stdout.txt"), err_(dir / "stderr.txt") {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    args.insert(args.begin(), {binary, "serve"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    // The banner's last line comes after the listening line.
    const std::regex url(R"(listening on http://127\.0\.0\.1:(\d+))");
    const bool up = eventually(
        [&] {
          const std::string text = serve_read(out_);
          std::smatch m;
          if (text.find("\nNext: ") == std::string::npos || !std::regex_search(text, m, url)) {
            return false;
          }
          port_ = static_cast<uint16_t>(std::stoi(m[1]));
          return true;
        },
        std::chrono::seconds(60));
    INFO("stdout:\n" << serve_read(out_) << "\nstderr:\n" << serve_read(err_));
    REQUIRE(up);
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  uint16_t port() const { return port_; }
  std::string out() const { return serve_read(out_); }
  std::string err() const { return serve_read(err_); }
  // SIGTERM; returns the exit status.
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  fs::path out_;
  fs::path err_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

TEST_CASE("serve: a quiet terminal, every line in the log file, a banner ending in the next step",
          "[cli][serve]") {
  TempDir dir;
  const auto data = dir.path() / "data";
  const auto log_file = dir.path() / "logs" / "gateway.log";
  ServeProcess gw(SUANWANG_BINARY, dir.path(),
                  {"--listen", "127.0.0.1:0", "--data-dir", data.string(), "--demo", "--log-file",
                   log_file.string()});
  HttpClient client(gw.port());
  for (int i = 0; i < 5; ++i) REQUIRE(client.get("/healthz").status == 200);
  // The portal, found without --web-dir (the source tree's web/ for a build).
  const auto index = client.get("/");
  CHECK(index.status == 200);
  CHECK(index.body.find("<html") != std::string::npos);
  REQUIRE(gw.stop() == 0);

  const std::string out = gw.out();
  INFO("stdout:\n" << out);
  CHECK(out.find("  demo keys: " + (data / "demo-keys.json").string()) != std::string::npos);
  CHECK(out.find("  log file:  " + log_file.string()) != std::string::npos);
  const std::string url = "http://127.0.0.1:" + std::to_string(gw.port());
  CHECK(out.substr(out.rfind("\nNext: ") + 1) ==
        "Next: open " + url + ", sign in as demo-user@demo.local, password in " +
            (data / "demo-keys.json").string() + "\n");

  // The terminal: short lines for start and stop, none per request, no JSON.
  const std::string err = gw.err();
  INFO("stderr:\n" << err);
  CHECK(err.find("suanwang serving") != std::string::npos);
  CHECK(err.find("shutting down") != std::string::npos);
  CHECK(err.find("/healthz") == std::string::npos);
  CHECK(err.find('{') == std::string::npos);

  // The file: every line, as JSON, the access lines included.
  std::ifstream in(log_file);
  int access = 0;
  bool stopped = false;
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);  // throws on a line that is not JSON
    if (j["msg"] == "access" && j.value("path", "") == "/healthz") ++access;
    if (j["msg"] == "stopped") stopped = true;
  }
  CHECK(access == 5);
  CHECK(stopped);

  // The database is private like the key files.
  struct stat st {};
  REQUIRE(::stat((data / "suanwang.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("serve: --log-format json keeps one JSON line per request on the terminal",
          "[cli][serve]") {
  TempDir dir;
  ServeProcess gw(SUANWANG_BINARY, dir.path(),
                  {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string(),
                   "--log-format", "json"});
  HttpClient client(gw.port());
  REQUIRE(client.get("/healthz").status == 200);
  REQUIRE(gw.stop() == 0);
  const std::string err = gw.err();
  INFO("stderr:\n" << err);
  std::istringstream in(err);
  int access = 0;
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["msg"] == "access") ++access;
  }
  CHECK(access == 1);
  // Without the demo, the next step is the admin key.
  CHECK(gw.out().find(", sign in with the admin API key in ") != std::string::npos);
}

TEST_CASE("serve: a copy of the binary next to a web/ folder serves that portal", "[cli][serve]") {
  TempDir dir;
  const auto opt = dir.path() / "opt" / "suanwang";
  fs::create_directories(opt / "web");
  fs::copy_file(SUANWANG_BINARY, opt / "suanwang");
  fs::permissions(opt / "suanwang", fs::perms::owner_all);
  std::ofstream(opt / "web" / "index.html") << "<!doctype html><html>copied portal</html>\n";
  ServeProcess gw((opt / "suanwang").string(), dir.path(),
                  {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()});
  HttpClient client(gw.port());
  const auto index = client.get("/");
  CHECK(index.status == 200);
  CHECK(index.body.find("copied portal") != std::string::npos);
  CHECK(gw.out().find("  portal:    " + (opt / "web").string() + "\n") != std::string::npos);
  CHECK(gw.stop() == 0);
}

}  // namespace
}  // namespace suanwang::testing
