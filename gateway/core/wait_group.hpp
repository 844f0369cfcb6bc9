// WaitGroup: wait for a set of coroutines spawned on the same strand to finish.
// Threading: add/done/wait must all run on one strand (the spawner's).
#pragma once

#include <chrono>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace suanwang {

class WaitGroup {
 public:
  explicit WaitGroup(boost::asio::any_io_executor ex)
      : timer_(ex, boost::asio::steady_timer::time_point::max()) {}
  void add(int n = 1) { count_ += n; }
  void done() {
    if (--count_ == 0) timer_.cancel();
  }
  boost::asio::awaitable<void> wait() {
    while (count_ > 0) {
      co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }

 private:
  boost::asio::steady_timer timer_;
  int count_ = 0;
};

}  // namespace suanwang
