// SiteDirectory: the live federation — every registered site with its adapter, its latest
// capacity report and its health. The API and the job loops read it; the capacity aggregator
// writes capacity and health into it.
//
// Threading: all members are guarded by mu_. Each adapter runs on its own strand; call() hops
// there, bounds the call with the configured timeout, and hops back.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/common/timeout.hpp"
#include "adapters/registry.hpp"
#include "adapters/site_adapter.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/coro.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/core/result.hpp"
#include "gateway/metrics/registry.hpp"
#include "gateway/model/capacity.hpp"
#include "gateway/model/site.hpp"

namespace suanwang::federation {

// What the directory knows of one site at an instant (a copy).
struct SiteView {
  model::Site site;
  std::optional<model::SiteCapacity> capacity;
  adapters::Description description;
  int consecutive_failures = 0;
  std::string last_error;
  double rtt_ms = 0;
};

class SiteDirectory {
 public:
  SiteDirectory(boost::asio::io_context& io, const adapters::AdapterRegistry& registry,
                const Clock& clock, std::filesystem::path work_root,
                std::chrono::milliseconds call_timeout, Logger& log);

  // Builds the site's adapter and adds it; replaces an existing entry with the same id.
  Result<void> upsert(const model::Site& site);
  void remove(const std::string& site_id);

  std::optional<SiteView> view(const std::string& site_id) const;
  // Every view, shared: built once per version() and handed out without copying, so a
  // placement decision or a rendering over 10,000 sites does not copy them all. These views
  // leave out site.adapter.options (null), which only a site's owner is shown and which is
  // most of a site's memory: use view(id) for them.
  std::shared_ptr<const std::vector<SiteView>> snapshot() const;
  std::vector<std::string> site_ids() const;
  // Changes whenever anything a view shows may have changed (a site added, removed or
  // reconfigured, a capacity report, a health change): what rendered documents are keyed on.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

  void record_capacity(const std::string& site_id, model::SiteCapacity capacity, double rtt_ms);
  // Keeps what the adapter now says of itself (describe(), called on its strand): some of it is
  // learnt from the site, such as the Slurm API version agreed and the Slurm release.
  void record_description(const std::string& site_id, adapters::Description description);
  // Times every adapter call and counts its errors, by site, from now on (call before the
  // first upsert).
  void set_metrics(metrics::Registry& registry) { metrics_ = &registry; }

  // Returns the updated site when its health status changed (for the caller to persist). A
  // `checking` site becomes online at its first success, offline after until_offline failures.
  std::optional<model::Site> record_failure(const std::string& site_id, const std::string& error,
                                            int until_degraded, int until_offline);
  std::optional<model::Site> record_success(const std::string& site_id);
  // Replaces the stored config (pricing, policy, drain, status) without rebuilding the adapter.
  void update_config(const model::Site& site);

  // Runs f(SiteAdapter&) -> awaitable<AdapterResult<T>> on the site's strand with the timeout.
  // Not itself a coroutine: the site and `f` become by-value parameters of call_on's frame.
  // `f` captures by reference ([&]; see core/coro.hpp): the caller stays suspended until the
  // adapter call has finished, also on timeout, since with_timeout waits for the cancelled call.
  // `timeout`, when given, replaces the adapter timeout (transfers of files take longer).
  template <class F>
  auto call(const std::string& site_id, F f,
            std::optional<std::chrono::milliseconds> timeout = std::nullopt)
      -> boost::asio::awaitable<
          typename std::invoke_result_t<F&, adapters::SiteAdapter&>::value_type> {
    static_assert(kAwaitSafeArgument<F>, SUANWANG_AWAIT_SAFE_MESSAGE);
    using R = typename std::invoke_result_t<F&, adapters::SiteAdapter&>::value_type;
    std::shared_ptr<Live> live;
    {
      std::lock_guard lock(mu_);
      auto it = sites_.find(site_id);
      if (it != sites_.end()) live = it->second;
    }
    return call_on<R>(std::move(live), site_id, std::move(f), timeout.value_or(call_timeout_),
                      metrics_);
  }

 private:
  struct Live {
    explicit Live(boost::asio::io_context& io) : strand(boost::asio::make_strand(io)) {}
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    std::unique_ptr<adapters::SiteAdapter> adapter;
    adapters::Description description;
    model::Site site;  // site.adapter: the settings `adapter` was built from
    std::optional<model::SiteCapacity> capacity;
    int consecutive_failures = 0;
    std::string last_error;
    double rtt_ms = 0;
    metrics::Histogram* call_seconds = nullptr;  // set when the directory has metrics
  };

  template <class R, class F>
  static boost::asio::awaitable<R> call_on(std::shared_ptr<Live> live, std::string site_id, F f,
                                           std::chrono::milliseconds timeout,
                                           metrics::Registry* metrics) {
    if (!live) {
      co_return R(adapters::adapter_fail(adapters::AdapterErrc::not_found,
                                         "site " + site_id + " is not registered"));
    }
    const auto started = std::chrono::steady_clock::now();
    R r = co_await boost::asio::co_spawn(live->strand,
                                         adapters::with_timeout(f(*live->adapter), timeout),
                                         boost::asio::use_awaitable);
    if (metrics != nullptr) {
      std::optional<adapters::AdapterErrc> error;
      if (!r) error = r.error().code;
      record_call(*metrics, live->call_seconds, site_id, started, error);
    }
    co_return r;
  }
  static void record_call(metrics::Registry& metrics, metrics::Histogram* call_seconds,
                          const std::string& site_id, std::chrono::steady_clock::time_point started,
                          std::optional<adapters::AdapterErrc> error);

  boost::asio::io_context& io_;
  const adapters::AdapterRegistry& registry_;
  const Clock& clock_;
  std::filesystem::path work_root_;
  std::chrono::milliseconds call_timeout_;
  Logger& log_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Live>> sites_;             // REQUIRES: mu_ held
  std::atomic<uint64_t> version_{0};                               // bumped with mu_ held
  mutable std::shared_ptr<const std::vector<SiteView>> snapshot_;  // REQUIRES: mu_ held
  mutable uint64_t snapshot_version_ = 0;                          // REQUIRES: mu_ held
  metrics::Registry* metrics_ = nullptr;                           // optional
};

adapters::AdapterConfig to_adapter_config(const model::SiteAdapterSettings& s);
// The 400 for an adapter's refusal of a site's settings: the sentence `lead_code`
// ("site.adapter_invalid", "site.check_failed") naming `field`, then the adapter's own sentence
// (parameter "error"). An adapter's sentence is coded in its own catalog codes (adapters include
// no gateway header); it is written out here in English and, as "error_zh", in Chinese, which the
// lead's zh template takes. One without a coded form stays in its English words.
Error adapter_problem(std::string lead_code, std::string field, const adapters::AdapterError& e);
model::SiteCapacity to_model(const adapters::Capacity& c);

}  // namespace suanwang::federation
