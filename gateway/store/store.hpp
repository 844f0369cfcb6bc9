// Store: the database and the one thread that touches it. I/O threads never block on SQLite:
// they co_await run(f), which executes f(Db&) on the database thread and resumes the caller on
// its own executor (house rule 4). Writes are serialised by that thread and committed in groups.
#pragma once

#include <deque>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
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
  // Group commit: calls that queue up while the database thread is busy run together inside
  // one transaction (each one's own Db::transaction becomes a savepoint in it) and are answered
  // only after its single COMMIT, so a burst of writes costs one fsync, not one each, and no
  // caller hears of a write before it is durable. When the group cannot commit, its calls run
  // again one by one, each with its own commit.
  //
  // `f` must capture by reference ([&]). That is safe, since the awaiting coroutine stays
  // suspended (its locals alive) until f has run, and it is required: g++ 12 destroys a closure
  // or aggregate temporary that appears inside a co_await expression twice, which is harmless
  // only when its destructor is trivial. See core/coro.hpp. `f` may run twice (see above), so
  // it must not have effects outside the database beyond filling its result.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Db&>> run(F f) {
    static_assert(kAwaitSafeArgument<F>, SUANWANG_AWAIT_SAFE_MESSAGE);
    using R = std::invoke_result_t<F&, Db&>;
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(R)>(
        [this](auto handler, F fn) {
          auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
          enqueue(std::make_unique<Call<R, F, decltype(handler), decltype(work)>>(
              std::move(fn), std::move(handler), std::move(work)));
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
  // One queued run() call: executed (perhaps again) on the database thread, answered once.
  struct Task {
    virtual ~Task() = default;
    virtual void execute(Db& db) = 0;
    virtual void answer() = 0;
  };
  template <class R, class F, class H, class W>
  struct Call final : Task {
    Call(F f, H h, W w) : fn(std::move(f)), handler(std::move(h)), work(std::move(w)) {}
    void execute(Db& db) override { result.emplace(fn(db)); }
    void answer() override {
      auto ex = work.get_executor();
      boost::asio::dispatch(ex, [h = std::move(handler), r = std::move(*result)]() mutable {
        std::move(h)(std::move(r));
      });
    }
    F fn;
    H handler;
    W work;
    std::optional<R> result;
  };

  Store() : pool_(1) {}
  void enqueue(std::unique_ptr<Task> task);
  void drain();  // on the database thread: runs the queue in commit groups

  boost::asio::thread_pool pool_;
  std::mutex queue_mu_;
  std::deque<std::unique_ptr<Task>> queue_;  // REQUIRES: queue_mu_ held
  bool draining_ = false;                    // a drain() is posted or running; queue_mu_
  std::unique_ptr<Db> db_;
  int schema_version_ = 0;
};

}  // namespace suanwang::store
