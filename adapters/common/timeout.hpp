// with_timeout: bound any adapter call (house rule 5). The call's coroutine is cancelled when
// the timer wins; the result is then AdapterErrc::timeout.
#pragma once

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

template <class T>
boost::asio::awaitable<AdapterResult<T>> with_timeout(boost::asio::awaitable<AdapterResult<T>> op,
                                                      std::chrono::milliseconds limit) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, limit);
  auto which = co_await (std::move(op) ||
                         timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable)));
  if (which.index() == 0) co_return std::move(std::get<0>(which));
  const auto ms = std::to_string(limit.count());
  co_return adapter_fail_coded(AdapterErrc::timeout, "", "no answer within " + ms + " ms",
                               "adapter.call_timeout", {{"ms", ms}});
}

}  // namespace suanwang::adapters
