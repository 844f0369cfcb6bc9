// Capacity polling and site health (see capacity_aggregator.hpp).
#include "gateway/federation/capacity_aggregator.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include "gateway/core/wait_group.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::federation {

namespace asio = boost::asio;

CapacityAggregator::CapacityAggregator(asio::io_context& io, SiteDirectory& directory,
                                       store::Store& store, const Config& config, Logger& log)
    : strand_(asio::make_strand(io)),
      directory_(directory),
      store_(store),
      config_(config),
      log_(log),
      timer_(strand_) {}

void CapacityAggregator::start() {
  asio::co_spawn(strand_, loop(), asio::detached);
}

void CapacityAggregator::stop() {
  stopped_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

asio::awaitable<void> CapacityAggregator::loop() {
  while (!stopped_) {
    co_await poll_all();
    timer_.expires_after(config_.capacity_interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> CapacityAggregator::poll_all() {
  const auto ex = co_await asio::this_coro::executor;
  auto ids = std::make_shared<const std::vector<std::string>>(directory_.site_ids());
  auto next = std::make_shared<std::size_t>(0);
  WaitGroup wg(ex);
  const std::size_t workers = std::min(ids->size(), kMaxPollsInFlight);
  for (std::size_t w = 0; w < workers; ++w) {
    wg.add();
    asio::co_spawn(ex, poll_worker(ids, next), [&wg](std::exception_ptr) { wg.done(); });
  }
  co_await wg.wait();
  if (after_round_) after_round_();
}

asio::awaitable<void> CapacityAggregator::poll_worker(
    std::shared_ptr<const std::vector<std::string>> ids, std::shared_ptr<std::size_t> next) {
  while (*next < ids->size()) {
    const std::string& id = (*ids)[(*next)++];
    co_await poll_one(id);
  }
}

namespace {
// capacity(), then describe(), on the adapter's strand: what an adapter says of itself may change
// once it has talked to its site (the slurm adapter's agreed API version and Slurm release).
asio::awaitable<adapters::AdapterResult<adapters::Capacity>> capacity_described(
    adapters::SiteAdapter& adapter, adapters::Description& described) {
  auto cap = co_await adapter.capacity();
  described = adapter.describe();
  co_return cap;
}
}  // namespace

asio::awaitable<void> CapacityAggregator::poll_one(std::string site_id) {
  const auto started = std::chrono::steady_clock::now();
  adapters::Description described;
  auto cap = co_await directory_.call(
      site_id, [&](adapters::SiteAdapter& a) { return capacity_described(a, described); });
  if (!described.adapter.empty()) directory_.record_description(site_id, std::move(described));
  const double rtt_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::optional<model::Site> changed;
  if (cap) {
    directory_.record_capacity(site_id, to_model(*cap), rtt_ms);
    changed = directory_.record_success(site_id);
  } else {
    if (cap.error().code == adapters::AdapterErrc::not_found) co_return;  // removed meanwhile
    changed = directory_.record_failure(
        site_id,
        std::string(adapters::adapter_errc_name(cap.error().code)) + ": " + cap.error().message,
        config_.failures_until_degraded, config_.failures_until_offline);
  }
  if (changed) {
    auto site = *changed;
    auto r = co_await store_.run([&](store::Db& db) { return store::update_site(db, site); });
    if (!r)
      log_.error("cannot persist site status", {{"site", site_id}, {"error", r.error().message}});
  }
}

}  // namespace suanwang::federation
