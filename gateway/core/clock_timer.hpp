// ClockTimer: waits until a Clock's monotonic time reaches a deadline, or until cancel(). On a
// SystemClock it is an Asio steady timer; on a ManualClock it wakes when the clock is advanced
// past the deadline, so code that sleeps on it (the dispatcher) is driven by tests without
// sleeping.
// Threading: wait_until() and cancel() on the timer's executor (a strand); the clock's
// listener posts to it from whatever thread advances the clock.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/core/clock.hpp"

namespace suanwang {

class ClockTimer {
 public:
  ClockTimer(boost::asio::any_io_executor ex, const Clock& clock)
      : clock_(clock), state_(std::make_shared<State>(ex)) {
    if (clock_.is_manual()) {
      std::weak_ptr<State> weak = state_;
      listener_ = clock_.add_listener([weak] {
        if (auto s = weak.lock()) {
          boost::asio::post(s->timer.get_executor(), [weak] {
            if (auto s2 = weak.lock()) s2->timer.cancel();  // look at the clock again
          });
        }
      });
    }
  }
  ~ClockTimer() {
    if (clock_.is_manual()) clock_.remove_listener(listener_);
  }
  ClockTimer(const ClockTimer&) = delete;
  ClockTimer& operator=(const ClockTimer&) = delete;

  // Returns once clock.steady_now() >= deadline, or at the first cancel() after the call.
  boost::asio::awaitable<void> wait_until(SteadyTime deadline) {
    state_->canceled = false;
    while (!state_->canceled && clock_.steady_now() < deadline) {
      if (clock_.is_manual()) {
        state_->timer.expires_at(boost::asio::steady_timer::time_point::max());
      } else {
        state_->timer.expires_at(deadline);
      }
      co_await state_->timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }
  void cancel() {
    state_->canceled = true;
    state_->timer.cancel();
  }

 private:
  struct State {
    explicit State(boost::asio::any_io_executor ex) : timer(ex) {}
    boost::asio::steady_timer timer;
    bool canceled = false;
  };
  const Clock& clock_;
  std::shared_ptr<State> state_;
  int listener_ = 0;
};

}  // namespace suanwang
