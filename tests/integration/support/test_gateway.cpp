// TestGateway (see test_gateway.hpp).
#include "integration/support/test_gateway.hpp"

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

namespace suanwang::testing {
namespace fs = std::filesystem;

TestGateway::TestGateway(const fs::path& data_dir, GatewayOptions options)
    : data_dir_(data_dir), log_file_(data_dir / "gateway.log", std::ios::app) {
  log_ = std::make_unique<Logger>(log_file_, LogLevel::debug);
  Config config;
  config.listen_address = "127.0.0.1";
  config.listen_port = 0;
  config.data_dir = data_dir;
  config.demo = options.demo;
  config.demo_load = options.demo_load;
  config.capacity_interval = std::chrono::milliseconds(200);
  config.reconcile_interval = std::chrono::milliseconds(100);
  config.shutdown_grace = std::chrono::milliseconds(3000);
  if (options.tweak) options.tweak(config);
  auto app = app::App::create(config, *log_, clock_, random_);
  if (!app) FAIL("App::create: " << app.error().message << "\n" << log_text());
  app_ = std::move(*app);
  auto port = app_->start();
  if (!port) FAIL("App::start: " << port.error().message << "\n" << log_text());
  port_ = *port;
}

TestGateway::~TestGateway() {
  stop();
}

void TestGateway::stop() {
  if (stopped_ || !app_) return;
  stopped_ = true;
  app_->stop();
  app_->wait();
  app_.reset();
}

std::string TestGateway::admin_key() const {
  if (const char* env = std::getenv("SUANWANG_ADMIN_KEY"); env != nullptr && *env != '\0') {
    return env;
  }
  std::ifstream in(data_dir_ / "admin.key");
  std::string key;
  in >> key;
  REQUIRE_FALSE(key.empty());
  return key;
}

namespace {
nlohmann::json demo_keys(const fs::path& dir) {
  std::ifstream in(dir / "demo-keys.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}
}  // namespace

std::string TestGateway::demo_key(const std::string& org) const {
  return demo_keys(data_dir_).at(org).at("api_key").get<std::string>();
}

std::string TestGateway::demo_org_id(const std::string& org) const {
  return demo_keys(data_dir_).at(org).at("org_id").get<std::string>();
}

std::string TestGateway::log_text() const {
  std::ifstream in(data_dir_ / "gateway.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string local_site_id(HttpClient& client) {
  auto r = client.get("/api/v1/sites?page_size=500");
  REQUIRE(r.status == 200);
  const auto sites = r.json().at("items");
  for (const auto& s : sites) {
    if (s.at("adapter").at("type") == "local") return s.at("id");
  }
  return {};
}

nlohmann::json wait_for_state(HttpClient& client, const std::string& job_id,
                              const std::string& state, std::chrono::milliseconds limit) {
  nlohmann::json last;
  const bool reached = eventually(
      [&] {
        auto r = client.get("/api/v1/jobs/" + job_id);
        if (r.status != 200) return false;
        last = r.json();
        return last.at("state") == state;
      },
      limit);
  INFO("waiting for " << job_id << " to be " << state << "; last seen: " << last.dump());
  REQUIRE(reached);
  return last;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace suanwang::testing
