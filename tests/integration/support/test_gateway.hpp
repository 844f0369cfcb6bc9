// TestGateway: the real App (the same composition root as `suanwang serve`) on 127.0.0.1, port
// 0, with a fresh temporary data dir, fast federation loops, and its log captured to a file in
// that dir. Hermetic: nothing is shared between two TestGateways.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "gateway/app/app.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/core/random.hpp"
#include "integration/support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace suanwang::testing {

struct GatewayOptions {
  bool demo = false;
  // The demo's background load (app/demo_load.hpp), off unless a test asks for it: tests count
  // jobs, capacity and usage.
  bool demo_load = false;
  // Applied to the config after the test defaults (port 0, fast loops).
  std::function<void(Config&)> tweak;
};

class TestGateway {
 public:
  // Starts a gateway on `data_dir` (which outlives it, so that a test can restart on the same
  // data). REQUIRE-fails the test if it does not start.
  TestGateway(const std::filesystem::path& data_dir, GatewayOptions options = {});
  ~TestGateway();

  uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  app::App& app() { return *app_; }
  std::string admin_key() const;
  // A demo org's key from demo-keys.json ("demo-user", "demo-operator"); needs demo = true.
  std::string demo_key(const std::string& org) const;
  std::string demo_org_id(const std::string& org) const;
  HttpClient client(const std::string& key = {}) const { return HttpClient(port_, key); }
  // The captured log so far, for failure messages.
  std::string log_text() const;

  void stop();

 private:
  std::filesystem::path data_dir_;
  std::ofstream log_file_;
  std::unique_ptr<Logger> log_;
  SystemClock clock_;
  SecureRandom random_;
  std::unique_ptr<app::App> app_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

// The id of the demo federation's `local` site, "" when there is none.
std::string local_site_id(HttpClient& client);

// Polls the job until it is in `state`; REQUIRE-fails with the last view when it is not within
// `limit`. Returns the job's last view.
nlohmann::json wait_for_state(HttpClient& client, const std::string& job_id,
                              const std::string& state,
                              std::chrono::milliseconds limit = std::chrono::seconds(30));

// Polls `pred` every 20 ms until it holds or `limit` passes; returns whether it held.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds limit = std::chrono::seconds(20));

}  // namespace suanwang::testing
