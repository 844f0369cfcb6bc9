// The composition root (see app.hpp).
#include "gateway/app/app.hpp"

#include <future>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_future.hpp>

#include "build_info.hpp"
#include "gateway/app/database_file.hpp"
#include "gateway/app/secrets.hpp"
#include "gateway/app/web_dir.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/http/tls.hpp"
#include "gateway/store/job_repo.hpp"
#include "gateway/store/network_repo.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::app {
namespace {
// Successes the runtime model relearns from at start-up: enough to fill its window for
// hundreds of (org, shape) keys, and read in well under a second.
constexpr int kRelearnRuntimesFrom = 20000;
}  // namespace

App::App(Config config, Logger& log, const Clock& clock, Random& random)
    : config_(std::move(config)),
      log_(log),
      clock_(clock),
      random_(random),
      io_(config_.io_threads),
      ids_(clock_, random_),
      registry_(adapters::AdapterRegistry::builtin()) {}

App::~App() {
  stop();
  wait();
}

Result<std::unique_ptr<App>> App::create(Config config, Logger& log, const Clock& clock,
                                         Random& random) {
  std::unique_ptr<App> a(new App(std::move(config), log, clock, random));
  std::error_code ec;
  std::filesystem::create_directories(a->config_.data_dir, ec);
  if (ec) {
    return fail(Error::unavailable("cannot create data dir " + a->config_.data_dir.string() + ": " +
                                   ec.message()));
  }
  const auto db_path = a->config_.data_dir / "suanwang.db";
  if (auto r = make_database_private(db_path); !r) return fail(r.error());
  auto store = store::Store::open(db_path);
  if (!store) return fail(store.error());
  a->store_ = std::move(*store);
  auto secrets = open_secrets(a->config_, *a->store_, a->random_, a->log_);
  if (!secrets) return fail(secrets.error());
  a->secrets_ = std::move(secrets->box);
  a->vault_ = std::make_unique<services::SiteVault>(a->secrets_.get(), a->random_);
  auto boot = bootstrap(*a->store_, a->config_.data_dir, a->config_.demo, a->config_.demo_load,
                        a->ids_, a->random_, a->clock_, a->log_);
  if (!boot) return fail(boot.error());
  a->boot_ = *boot;

  auto geo = a->store_->blocking(
      [](store::Db& db)
          -> Result<std::pair<std::vector<model::Region>, std::vector<model::NetworkLink>>> {
        auto regions = store::load_regions(db);
        if (!regions) return fail(regions.error());
        auto links = store::load_links(db);
        if (!links) return fail(links.error());
        return std::pair{std::move(*regions), std::move(*links)};
      });
  if (!geo) return fail(geo.error());
  a->geography_.set(std::move(geo->first), std::move(geo->second));

  a->directory_ = std::make_unique<federation::SiteDirectory>(a->io_, a->registry_, a->clock_,
                                                              a->config_.data_dir / "sites",
                                                              a->config_.adapter_timeout, a->log_);
  a->directory_->set_metrics(a->metrics_);
  auto sites = a->store_->blocking([&](store::Db& db) { return a->vault_->list_sites(db); });
  if (!sites) return fail(sites.error());
  for (const auto& s : *sites) {
    if (auto r = a->directory_->upsert(s); !r) {
      // A site whose adapter cannot be built is listed as offline rather than stopping start-up.
      a->log_.error("cannot start adapter", {{"site", s.id}, {"error", r.error().message}});
    }
  }
  a->aggregator_ = std::make_unique<federation::CapacityAggregator>(
      a->io_, *a->directory_, *a->store_, a->config_, a->log_);
  a->capacity_history_ =
      std::make_unique<federation::CapacityHistory>(a->config_.capacity_history_samples);
  a->aggregator_->set_after_round([self = a.get()] {
    self->capacity_history_->record(federation::take_capacity_sample(
        *self->directory_->snapshot(), self->clock_.now(), self->config_.capacity_stale_after));
  });
  a->planner_ =
      std::make_unique<runtime::Planner>(*a->directory_, a->geography_, a->config_, a->clock_);
  a->planner_->set_metrics(a->metrics_);
  // The runtime model relearns from the latest successes, so a restart does not forget how
  // long each org's jobs really run.
  auto runs = a->store_->blocking(
      [](store::Db& db) { return store::recent_successes(db, kRelearnRuntimesFrom); });
  if (!runs) return fail(runs.error());
  for (const auto& r : *runs) a->planner_->finished(r.org_id, r.spec, r.runtime_s);
  auto blobs = data::BlobStore::open(a->config_.data_dir / "blobs");
  if (!blobs) return fail(blobs.error());
  a->blobs_ = std::make_unique<data::BlobStore>(std::move(*blobs));
  a->disk_ = std::make_unique<data::DiskWork>(2);
  a->dispatcher_ = std::make_unique<runtime::Dispatcher>(
      a->io_, *a->store_, *a->directory_, *a->planner_, a->config_, a->clock_, a->log_);
  a->mover_ = std::make_unique<runtime::DataMover>(*a->store_, *a->directory_, *a->blobs_,
                                                   *a->disk_, a->ids_, a->clock_,
                                                   a->config_.transfer_timeout);
  a->dispatcher_->set_data_mover(a->mover_.get());
  a->auth_ = std::make_unique<auth::Authenticator>(*a->store_, a->clock_);
  a->passwords_ = std::make_unique<security::PasswordHasher>(a->random_);
  a->limits_ = std::make_unique<security::RequestLimits>(a->config_);
  a->audit_service_ = std::make_unique<services::AuditService>(*a->store_, a->clock_, a->log_);
  services::AuditService& audit = *a->audit_service_;
  a->job_service_ =
      std::make_unique<services::JobService>(*a->store_, *a->planner_, *a->directory_, a->ids_,
                                             a->clock_, *a->dispatcher_, a->config_, audit);
  if (a->boot_.demo_load_org_id && a->boot_.demo_operator_org_id) {
    // Its sites: the demo federation's emulated centers, as they are at start-up (a site an
    // operator registers meanwhile, to try it out, is left to them).
    std::set<std::string> demo_sims;
    for (const auto& s : *sites) {
      if (s.org_id == *a->boot_.demo_operator_org_id && s.adapter.type == "sim") {
        demo_sims.insert(s.id);
      }
    }
    a->demo_load_ = std::make_unique<DemoLoad>(
        a->io_, *a->job_service_, *a->directory_, *a->store_, a->clock_, a->log_,
        DemoLoadSettings{*a->boot_.demo_load_org_id, std::move(demo_sims),
                         a->config_.demo_load_seed, a->config_.demo_load_jobs_per_minute,
                         a->config_.demo_load_max_in_flight, a->config_.demo_load_keep_jobs,
                         a->config_.demo_load_time_scale});
  }
  a->site_service_ =
      std::make_unique<services::SiteService>(*a->store_, *a->directory_, a->geography_,
                                              a->registry_, a->ids_, a->clock_, audit, *a->vault_);
  a->org_service_ = std::make_unique<services::OrgService>(*a->store_, a->ids_, a->clock_, audit);
  a->user_service_ = std::make_unique<services::UserService>(*a->store_, *a->auth_, *a->passwords_,
                                                             a->ids_, a->clock_, audit);
  a->key_service_ = std::make_unique<services::KeyService>(*a->store_, *a->auth_, a->ids_,
                                                           a->random_, a->clock_, audit);
  a->session_service_ = std::make_unique<services::SessionService>(
      *a->store_, *a->passwords_, a->ids_, a->random_, a->clock_, a->config_, audit);
  a->dataset_service_ = std::make_unique<services::DatasetService>(
      *a->store_, *a->directory_, a->geography_, a->ids_, a->clock_, audit, *a->blobs_, *a->disk_,
      services::DatasetService::Limits{a->config_.storage_quota_bytes,
                                       a->config_.max_upload_bytes});
  a->upload_service_ = std::make_unique<services::UploadService>(
      *a->store_, *a->dataset_service_, a->ids_, a->clock_, audit, a->config_.upload_ttl);
  a->usage_service_ = std::make_unique<services::UsageService>(*a->store_, *a->directory_);
  a->network_service_ =
      std::make_unique<services::NetworkService>(*a->store_, a->geography_, audit);
  a->health_service_ = std::make_unique<services::HealthService>(*a->store_, *a->directory_);
  a->api_context_.reset(new api::ApiContext{
      a->config_, *a->auth_, *a->directory_,
      api::Services{audit, *a->job_service_, *a->site_service_, *a->org_service_, *a->user_service_,
                    *a->key_service_, *a->session_service_, *a->dataset_service_,
                    *a->upload_service_,
                    *a->usage_service_, *a->network_service_, *a->health_service_},
      a->clock_, a->log_, *a->capacity_history_, *a->limits_, a->capacity_body_});
  api::register_routes(a->router_, *a->api_context_);
  api::register_metrics(a->router_, *a->api_context_, a->metrics_);
  if (!a->config_.web_dir.empty()) {
    a->web_dir_ = a->config_.web_dir;
    a->serves_portal_ = holds_portal(a->web_dir_);
    if (!a->serves_portal_) {
      a->log_.warn("no portal in --web-dir (no index.html there); serving the API only",
                   {{"web_dir", a->web_dir_.string()}});
    }
  } else if (auto found = find_web_dir(current_executable(), build_info::kDefaultWebDir)) {
    a->web_dir_ = *found;
    a->serves_portal_ = true;
  } else {
    a->web_dir_ = build_info::kDefaultWebDir;
    Json searched = Json::array();
    for (const auto& d : web_dir_candidates(current_executable(), build_info::kDefaultWebDir)) {
      searched.push_back(d.string());
    }
    a->log_.warn("portal files not found; serving the API only (pass --web-dir DIR)",
                 {{"searched", searched}});
  }
  a->static_files_ = std::make_unique<http::StaticFiles>(a->web_dir_);
  http::ServerLimits limits{a->config_.max_header_bytes, a->config_.max_body_bytes,
                            a->config_.read_timeout,     a->config_.idle_timeout,
                            a->config_.write_timeout,    a->config_.shutdown_grace};
  App* self = a.get();
  a->server_ = std::make_unique<http::Server>(
      a->io_, [self](http::RequestContext& rc) { return self->handle(rc); }, a->log_, a->random_,
      limits);
  a->server_->set_metrics(a->metrics_);
  a->server_->set_streaming([self](http::Verb method, std::string_view path) {
    return self->router_.stream_limit(method, path);
  });
  if (!a->config_.tls_cert_file.empty()) {
    auto tls = http::make_server_tls_context(a->config_.tls_cert_file, a->config_.tls_key_file);
    if (!tls) return fail(tls.error());
    a->server_->use_tls(std::move(*tls));
  }
  return a;
}

boost::asio::awaitable<http::Response> App::handle(http::RequestContext& rc) {
  if (auto limited = api::admit(*api_context_, rc)) co_return std::move(*limited);
  auto m = router_.match(rc.request.method(), rc.path);
  if (m.route != nullptr) {
    rc.path_params = std::move(m.params);
    rc.route = m.route->pattern;
    co_return co_await m.route->handler(rc);
  }
  if (!m.allowed.empty()) co_return http::method_not_allowed_response(rc, m.allowed);
  if (!rc.path.starts_with("/api/")) {
    if (auto file = static_files_->serve(rc.request, rc.path)) {
      rc.route = "static";  // one label for every file of the portal
      co_return std::move(*file);
    }
  }
  co_return http::no_route_response(rc);
}

Result<uint16_t> App::start() {
  auto port = server_->listen(config_.listen_address, config_.listen_port);
  if (!port) return port;
  port_ = *port;
  server_->start();
  // Uploads a crash left complete but unrecorded are finished, expired ones removed, and
  // blobs nothing refers to any more collected.
  boost::asio::co_spawn(
      io_,
      [this]() -> boost::asio::awaitable<void> {
        auto tidied = co_await upload_service_->tidy();
        if (!tidied) log_.warn("tidying uploads failed", {{"error", tidied.error().message}});
        auto gc = co_await dataset_service_->collect_garbage(services::kBlobGrace);
        if (!gc) log_.warn("collecting blobs failed", {{"error", gc.error().message}});
      },
      boost::asio::detached);
  aggregator_->start();
  dispatcher_->start();
  if (demo_load_) demo_load_->start();
  for (int i = 0; i < config_.io_threads; ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
  log_.info("suanwang serving",
            {{"url", std::string(config_.tls_cert_file.empty() ? "http" : "https") + "://" +
                         config_.listen_address + ":" + std::to_string(port_)},
             {"data_dir", config_.data_dir.string()},
             {"web_dir", serves_portal_ ? web_dir_.string() : std::string()},
             {"sites", directory_->site_ids().size()},
             {"version", build_info::kVersion}});
  return port_;
}

void App::stop() {
  if (stopping_.exchange(true) || threads_.empty()) return;
  // The demo load first: its arrival under way finishes while the dispatcher still runs.
  if (demo_load_) {
    demo_load_->stop();
    auto ended = boost::asio::co_spawn(io_, demo_load_->join(), boost::asio::use_future);
    if (ended.wait_for(config_.shutdown_grace) != std::future_status::ready) {
      log_.warn("demo load still submitting at shutdown; stopping anyway");
    }
  }
  aggregator_->stop();
  dispatcher_->stop();
  // The server's graceful stop runs on the io threads; wait for it, bounded by its own grace.
  auto done = boost::asio::co_spawn(io_, server_->stop(), boost::asio::use_future);
  done.wait();
  // The dispatcher's loop and its submission and status tasks end at their next step; a site
  // call under way ends by its own timeout, so this wait is bounded by the adapters' deadlines
  // (and by the grace, should one not be).
  auto joined = boost::asio::co_spawn(io_, dispatcher_->join(), boost::asio::use_future);
  if (joined.wait_for(config_.shutdown_grace) != std::future_status::ready) {
    log_.warn("dispatcher tasks still running at shutdown; stopping anyway");
  }
  io_.stop();
  disk_->stop();
}

void App::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace suanwang::app
