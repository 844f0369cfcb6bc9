// The live site directory (see site_directory.hpp).
#include "gateway/federation/site_directory.hpp"

#include <functional>

#include "gateway/core/i18n.hpp"

namespace suanwang::federation {

adapters::AdapterConfig to_adapter_config(const model::SiteAdapterSettings& s) {
  return {s.type, s.endpoint, s.options, s.credentials};
}

Error adapter_problem(std::string lead_code, std::string field, const adapters::AdapterError& e) {
  i18n::Params params{{"field", field}, {"error", e.message}};
  if (!e.text_code.empty()) {
    std::vector<i18n::Message> parts;
    for (const auto& part : e.text_lead) parts.push_back({part.code, part.params});
    parts.push_back({e.text_code, e.text_params});
    for (const auto& part : e.text_tail) parts.push_back({part.code, part.params});
    params.emplace_back("error_zh", i18n::render(parts, i18n::Lang::zh));
    params.emplace_back("error_code", e.text_code);
  }
  return Error::invalid_coded(std::move(field), {std::move(lead_code), std::move(params)});
}

model::SiteCapacity to_model(const adapters::Capacity& c) {
  model::SiteCapacity m;
  for (const auto& p : c.pools) {
    model::PoolCapacity mp{p.name,           p.cpus_total, p.cpus_free,     p.memory_gb_total,
                           p.memory_gb_free, {},           p.max_walltime_s};
    mp.queued_jobs = p.queued_jobs;
    mp.queued_work_core_s = p.queued_work_core_s;
    mp.est_queue_wait_s = p.est_queue_wait_s;
    for (const auto& [model, a] : p.accelerators) mp.accelerators[model] = {a.total, a.free};
    m.pools.push_back(std::move(mp));
  }
  m.running_jobs = c.running_jobs;
  m.queued_jobs = c.queued_jobs;
  m.queued_work_core_s = c.queued_work_core_s;
  m.est_queue_wait_s = c.est_queue_wait_s;
  m.observed_at = c.observed_at;
  return m;
}

SiteDirectory::SiteDirectory(boost::asio::io_context& io, const adapters::AdapterRegistry& registry,
                             const Clock& clock, std::filesystem::path work_root,
                             std::chrono::milliseconds call_timeout, Logger& log)
    : io_(io),
      registry_(registry),
      clock_(clock),
      work_root_(std::move(work_root)),
      call_timeout_(call_timeout),
      log_(log) {}

Result<void> SiteDirectory::upsert(const model::Site& site) {
  {
    // Same adapter settings: keep the live adapter (and its state), update the rest.
    std::lock_guard lock(mu_);
    auto it = sites_.find(site.id);
    if (it != sites_.end() && it->second->site.adapter.type == site.adapter.type &&
        it->second->site.adapter.endpoint == site.adapter.endpoint &&
        it->second->site.adapter.options == site.adapter.options &&
        it->second->site.adapter.credentials == site.adapter.credentials) {
      it->second->site = site;
      version_.fetch_add(1, std::memory_order_acq_rel);
      return ok();
    }
  }
  auto live = std::make_shared<Live>(io_);
  adapters::AdapterContext ctx;
  ctx.executor = live->strand;
  ctx.now = [&clock = clock_] { return clock.now(); };
  ctx.work_dir = (work_root_ / site.id).string();
  ctx.seed = std::hash<std::string>{}(site.id);
  auto adapter = registry_.create(to_adapter_config(site.adapter), ctx);
  if (!adapter) {
    return fail(adapter_problem("site.adapter_invalid", "adapter", adapter.error()));
  }
  live->adapter = std::move(*adapter);
  live->description = live->adapter->describe();
  live->site = site;
  if (metrics_ != nullptr) {
    live->call_seconds =
        &metrics_->histogram("suanwang_adapter_call_duration_seconds",
                             "Time of one adapter call (capacity, submit, status, cancel, logs, "
                             "health) including its timeout, by site.",
                             {"site"}, {site.id});
  }
  std::lock_guard lock(mu_);
  sites_[site.id] = std::move(live);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return ok();
}

void SiteDirectory::record_call(metrics::Registry& metrics, metrics::Histogram* call_seconds,
                                const std::string& site_id,
                                std::chrono::steady_clock::time_point started,
                                std::optional<adapters::AdapterErrc> error) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (call_seconds != nullptr) call_seconds->observe(seconds);
  if (error) {
    metrics
        .counter("suanwang_adapter_errors_total",
                 "Adapter calls that failed, by site and error code (timeout, unreachable, ...).",
                 {"site", "code"}, {site_id, adapters::adapter_errc_name(*error)})
        .inc();
  }
}

void SiteDirectory::remove(const std::string& site_id) {
  std::lock_guard lock(mu_);
  sites_.erase(site_id);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

namespace {
template <class L>
SiteView make_view(const L& l) {
  return {l.site, l.capacity, l.description, l.consecutive_failures, l.last_error, l.rtt_ms};
}
}  // namespace

std::optional<SiteView> SiteDirectory::view(const std::string& site_id) const {
  std::lock_guard lock(mu_);
  auto it = sites_.find(site_id);
  if (it == sites_.end()) return std::nullopt;
  return make_view(*it->second);
}

std::shared_ptr<const std::vector<SiteView>> SiteDirectory::snapshot() const {
  std::lock_guard lock(mu_);
  const uint64_t now = version_.load(std::memory_order_acquire);
  if (!snapshot_ || snapshot_version_ != now) {
    auto out = std::make_shared<std::vector<SiteView>>();
    out->reserve(sites_.size());
    for (const auto& [id, l] : sites_) {
      // Copied without its adapter options: moved aside and back under mu_.
      Json options = std::move(l->site.adapter.options);
      l->site.adapter.options = Json();
      out->push_back(make_view(*l));
      l->site.adapter.options = std::move(options);
    }
    snapshot_ = std::move(out);
    snapshot_version_ = now;
  }
  return snapshot_;
}

std::vector<std::string> SiteDirectory::site_ids() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, l] : sites_) out.push_back(id);
  return out;
}

void SiteDirectory::record_capacity(const std::string& site_id, model::SiteCapacity capacity,
                                    double rtt_ms) {
  std::lock_guard lock(mu_);
  auto it = sites_.find(site_id);
  if (it == sites_.end()) return;
  it->second->capacity = std::move(capacity);
  it->second->rtt_ms = rtt_ms;
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void SiteDirectory::record_description(const std::string& site_id,
                                       adapters::Description description) {
  std::lock_guard lock(mu_);
  auto it = sites_.find(site_id);
  if (it == sites_.end()) return;
  auto& d = it->second->description;
  if (d.api_version == description.api_version && d.release == description.release &&
      d.supports_images == description.supports_images &&
      d.container_runtime == description.container_runtime &&
      d.max_walltime_s == description.max_walltime_s &&
      d.accelerator_models == description.accelerator_models) {
    return;
  }
  d = std::move(description);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::optional<model::Site> SiteDirectory::record_failure(const std::string& site_id,
                                                         const std::string& error,
                                                         int until_degraded, int until_offline) {
  std::lock_guard lock(mu_);
  auto it = sites_.find(site_id);
  if (it == sites_.end()) return std::nullopt;
  auto& l = *it->second;
  version_.fetch_add(1, std::memory_order_acq_rel);
  l.consecutive_failures += 1;
  l.last_error = error;
  if (l.site.drained) return std::nullopt;
  auto next = l.site.status;
  if (l.consecutive_failures >= until_offline) {
    next = model::SiteStatus::offline;
  } else if (l.consecutive_failures >= until_degraded &&
             l.site.status != model::SiteStatus::checking) {
    // A site never heard from stays `checking` until it answers or is found offline: `degraded`
    // would say it is still eligible, with no report to place on.
    next = model::SiteStatus::degraded;
  }
  if (next == l.site.status) return std::nullopt;
  log_.warn("site health changed",
            {{"site", site_id}, {"status", model::site_status_name(next)}, {"error", error}});
  l.site.status = next;
  l.site.updated_at = clock_.now();
  return l.site;
}

std::optional<model::Site> SiteDirectory::record_success(const std::string& site_id) {
  std::lock_guard lock(mu_);
  auto it = sites_.find(site_id);
  if (it == sites_.end()) return std::nullopt;
  auto& l = *it->second;
  if (l.consecutive_failures != 0 || !l.last_error.empty()) {
    version_.fetch_add(1, std::memory_order_acq_rel);
  }
  l.consecutive_failures = 0;
  l.last_error.clear();
  if (l.site.drained || l.site.status == model::SiteStatus::online) return std::nullopt;
  if (l.site.status == model::SiteStatus::checking) {
    // Every new site's first report (eleven at the demo's first start): not news.
    log_.debug("site reported for the first time: online", {{"site", site_id}});
  } else {
    log_.info("site healthy again", {{"site", site_id}});
  }
  version_.fetch_add(1, std::memory_order_acq_rel);
  l.site.status = model::SiteStatus::online;
  l.site.updated_at = clock_.now();
  return l.site;
}

void SiteDirectory::update_config(const model::Site& site) {
  std::lock_guard lock(mu_);
  auto it = sites_.find(site.id);
  if (it != sites_.end()) {
    // site.adapter stays what the live adapter was built from (upsert rebuilds it).
    model::SiteAdapterSettings built_from = std::move(it->second->site.adapter);
    it->second->site = site;
    it->second->site.adapter = std::move(built_from);
  }
  version_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace suanwang::federation
