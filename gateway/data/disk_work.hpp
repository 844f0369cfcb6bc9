// DiskWork: a few threads for the data plane's blocking disk work (fsync, hashing a file,
// rename, copies), so that no I/O thread waits on the disk (house rule 4). A coroutine
// co_awaits run(f): f runs on one of these threads and the coroutine resumes on its own
// executor.
#pragma once

#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/core/coro.hpp"

namespace suanwang::data {

class DiskWork {
 public:
  explicit DiskWork(std::size_t threads = 2) : pool_(threads) {}
  ~DiskWork() { pool_.join(); }
  DiskWork(const DiskWork&) = delete;
  DiskWork& operator=(const DiskWork&) = delete;

  // `f` must capture by reference (see core/coro.hpp); the caller stays suspended while it runs.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F f) {
    static_assert(kAwaitSafeArgument<F>, SUANWANG_AWAIT_SAFE_MESSAGE);
    using R = std::invoke_result_t<F&>;
    co_return co_await boost::asio::co_spawn(
        pool_.get_executor(), [&]() -> boost::asio::awaitable<R> { co_return f(); },
        boost::asio::use_awaitable);
  }

  void stop() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace suanwang::data
