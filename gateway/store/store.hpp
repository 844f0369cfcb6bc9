// Store: the database and the one thread that touches it. I/O threads never block on SQLite:
// they co_await run(f), which executes f(Db&) on the database thread and resumes the caller on
// its own executor (house rule 4). Writes are serialised by that thread.
#pragma once

#include <filesystem>
#include <future>
#include <memory>
#include <type_traits>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/core/coro.hpp"
#include "gateway/core/result.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

class Store {
 public:
  // Opens `path` (":memory:" for tests) and applies the embedded migrations.
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& path);
  ~Store();

  int schema_version() const { return schema_version_; }

  // Runs f(Db&) on the database thread; the coroutine resumes on its own executor.
  //
  // `f` must capture by reference ([&]). That is safe, since the awaiting coroutine stays
  // suspended (its locals alive) until f has run, and it is required: g++ 12 destroys a closure
  // or aggregate temporary that appears inside a co_await expression twice, which is harmless
  // only when its destructor is trivial. See core/coro.hpp.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Db&>> run(F f) {
    static_assert(kAwaitSafeArgument<F>, SUANWANG_AWAIT_SAFE_MESSAGE);
    using R = std::invoke_result_t<F&, Db&>;
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(R)>(
        [this](auto handler, F fn) {
          auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
          boost::asio::post(pool_, [this, fn = std::move(fn), handler = std::move(handler),
                                    work = std::move(work)]() mutable {
            R result = fn(*db_);
            auto ex = work.get_executor();
            boost::asio::dispatch(
                ex, [handler = std::move(handler), result = std::move(result)]() mutable {
                  std::move(handler)(std::move(result));
                });
          });
        },
        boost::asio::use_awaitable, std::move(f));
  }

  // Runs f(Db&) on the database thread and waits: for start-up, tools and tests, never on an
  // I/O thread.
  template <class F>
  std::invoke_result_t<F&, Db&> blocking(F f) {
    std::packaged_task<std::invoke_result_t<F&, Db&>()> task([this, &f] { return f(*db_); });
    auto fut = task.get_future();
    boost::asio::post(pool_, std::ref(task));
    return fut.get();
  }

 private:
  Store() : pool_(1) {}
  boost::asio::thread_pool pool_;
  std::unique_ptr<Db> db_;
  int schema_version_ = 0;
};

}  // namespace suanwang::store
