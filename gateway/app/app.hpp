// App: the composition root of `suanwang serve`. It builds every object once, passes them by
// reference, and owns their lifetimes and the I/O threads. Tests start an App on port 0 with a
// temporary data dir, exactly as the binary does.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "adapters/registry.hpp"
#include "gateway/api/api.hpp"
#include "gateway/app/bootstrap.hpp"
#include "gateway/app/demo_load.hpp"
#include "gateway/auth/authenticator.hpp"
#include "gateway/core/config.hpp"
#include "gateway/federation/capacity_aggregator.hpp"
#include "gateway/federation/capacity_history.hpp"
#include "gateway/federation/geography.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/http/router.hpp"
#include "gateway/http/server.hpp"
#include "gateway/http/static_files.hpp"
#include "gateway/runtime/dispatcher.hpp"
#include "gateway/runtime/planner.hpp"
#include "gateway/security/secret_box.hpp"
#include "gateway/services/job_service.hpp"
#include "gateway/services/site_vault.hpp"

namespace suanwang::app {

class App {
 public:
  // Opens the data dir and database, bootstraps, and loads the federation. Does not listen.
  static Result<std::unique_ptr<App>> create(Config config, Logger& log, const Clock& clock,
                                             Random& random);
  ~App();

  // Listens, starts the federation loops and the I/O threads. Returns the bound port.
  Result<uint16_t> start();
  // Graceful stop: in-flight requests finish within config.shutdown_grace; then the loops and
  // the threads stop. Safe to call from a signal handler's thread; idempotent.
  void stop();
  // Blocks until the I/O threads have exited.
  void wait();

  const BootstrapResult& bootstrap_result() const { return boot_; }
  const Config& config() const { return config_; }
  // The portal's folder (config.web_dir, else found: web_dir.hpp), and whether it holds one.
  const std::filesystem::path& web_dir() const { return web_dir_; }
  bool serves_portal() const { return serves_portal_; }
  uint16_t port() const { return port_; }
  const http::Router& router() const { return router_; }
  runtime::Dispatcher& dispatcher() { return *dispatcher_; }
  federation::CapacityAggregator& aggregator() { return *aggregator_; }
  federation::SiteDirectory& directory() { return *directory_; }
  // The demo's background load; null without --demo or with --demo-load off.
  DemoLoad* demo_load() { return demo_load_.get(); }
  store::Store& store() { return *store_; }
  services::DatasetService& datasets() { return *dataset_service_; }
  // Site credentials in and out of the store (sealed under the master key).
  const services::SiteVault& site_vault() const { return *vault_; }

 private:
  App(Config config, Logger& log, const Clock& clock, Random& random);
  boost::asio::awaitable<http::Response> handle(http::RequestContext& rc);

  Config config_;
  Logger& log_;
  const Clock& clock_;
  Random& random_;
  boost::asio::io_context io_;
  IdGenerator ids_;
  metrics::Registry metrics_;  // before everything that records into it
  adapters::AdapterRegistry registry_;
  // Declared before store_, whose database thread uses them (through vault_) until store_ is gone.
  std::unique_ptr<security::SecretBox> secrets_;
  std::unique_ptr<services::SiteVault> vault_;
  std::unique_ptr<store::Store> store_;
  // The data plane: blobs under <data_dir>/blobs and the threads that wait on the disk.
  std::unique_ptr<data::BlobStore> blobs_;
  std::unique_ptr<data::DiskWork> disk_;
  BootstrapResult boot_;
  federation::Geography geography_;
  std::unique_ptr<federation::SiteDirectory> directory_;
  std::unique_ptr<federation::CapacityAggregator> aggregator_;
  std::unique_ptr<federation::CapacityHistory> capacity_history_;
  http::RenderedBody capacity_body_;
  std::unique_ptr<runtime::Planner> planner_;
  std::unique_ptr<runtime::DataMover> mover_;
  std::unique_ptr<runtime::Dispatcher> dispatcher_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::unique_ptr<security::PasswordHasher> passwords_;
  std::unique_ptr<security::RequestLimits> limits_;
  // The services, one per resource (DESIGN §7): what the API handlers call.
  std::unique_ptr<services::AuditService> audit_service_;
  std::unique_ptr<services::JobService> job_service_;
  std::unique_ptr<services::SiteService> site_service_;
  std::unique_ptr<services::OrgService> org_service_;
  std::unique_ptr<services::UserService> user_service_;
  std::unique_ptr<services::KeyService> key_service_;
  std::unique_ptr<services::SessionService> session_service_;
  std::unique_ptr<services::DatasetService> dataset_service_;
  std::unique_ptr<services::UploadService> upload_service_;
  std::unique_ptr<services::UsageService> usage_service_;
  std::unique_ptr<services::NetworkService> network_service_;
  std::unique_ptr<services::HealthService> health_service_;
  std::unique_ptr<DemoLoad> demo_load_;  // with --demo and the demo load on
  std::unique_ptr<api::ApiContext> api_context_;
  http::Router router_;
  std::filesystem::path web_dir_;
  bool serves_portal_ = false;
  std::unique_ptr<http::StaticFiles> static_files_;
  std::unique_ptr<http::Server> server_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  uint16_t port_ = 0;
};

}  // namespace suanwang::app
