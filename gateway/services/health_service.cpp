// Readiness and operational counts (see health_service.hpp).
#include "gateway/services/health_service.hpp"

#include "gateway/store/job_repo.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

asio::awaitable<Result<Readiness>> HealthService::readiness() {
  auto db = co_await store_.run([&](store::Db& d) { return d.ping(); });
  if (!db) co_return fail(Error::coded(Errc::unavailable, "", {"health.database", {}}));
  Readiness out;
  const auto views = directory_.snapshot();
  out.sites = views->size();
  for (const auto& v : *views) {
    out.sites_online += v.site.status == model::SiteStatus::online && !v.site.drained;
  }
  co_return out;
}

asio::awaitable<Result<std::map<std::string, int64_t>>> HealthService::jobs_by_state() {
  co_return co_await store_.run([&](store::Db& db) { return store::count_jobs_by_state(db); });
}

}  // namespace suanwang::services
