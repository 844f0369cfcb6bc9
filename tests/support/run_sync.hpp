// run_sync: drive one coroutine to completion on a private io_context, for tests of
// awaitable APIs. Rethrows what the coroutine throws.
#pragma once

#include <optional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace suanwang::testing {

template <class T>
T run_sync(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  auto fut = boost::asio::co_spawn(io, std::move(op), boost::asio::use_future);
  io.restart();
  io.run();
  return fut.get();
}

}  // namespace suanwang::testing
