// CapacityAggregator: polls every site's capacity concurrently on an interval, keeps the
// latest report (with its time) in the SiteDirectory, and moves sites between online,
// degraded and offline by consecutive failures. Status changes are persisted.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/core/config.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::federation {

class CapacityAggregator {
 public:
  CapacityAggregator(boost::asio::io_context& io, SiteDirectory& directory, store::Store& store,
                     const Config& config, Logger& log);

  void start();
  void stop();
  // At most this many sites are polled at once. Each call in flight holds a few kilobytes of
  // coroutine frames and timers; at 10,000 sites, polling all at once held 70 MB of them. A
  // site that hangs still costs one call timeout, and a round is delayed only when more than
  // this many hang at once.
  static constexpr std::size_t kMaxPollsInFlight = 1024;

  // One round over every site, returning when all polls have answered or timed out; then
  // calls the after-round hook, if one is set.
  boost::asio::awaitable<void> poll_all();
  // REQUIRES: called before start(). `hook` runs at the end of every poll_all() (e.g. to sample
  // capacity for its history) and must not block.
  void set_after_round(std::function<void()> hook) { after_round_ = std::move(hook); }

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> poll_one(std::string site_id);
  // Polls ids[*next], advancing *next, until none are left (workers share both on strand_).
  boost::asio::awaitable<void> poll_worker(std::shared_ptr<const std::vector<std::string>> ids,
                                           std::shared_ptr<std::size_t> next);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  SiteDirectory& directory_;
  store::Store& store_;
  const Config& config_;
  Logger& log_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopped_{false};
  std::function<void()> after_round_;
};

}  // namespace suanwang::federation
