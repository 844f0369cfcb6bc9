// Store: open, migrate, and own the database thread.
#include "gateway/store/store.hpp"

#include "gateway/store/migrations.hpp"

namespace suanwang::store {

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& path) {
  std::unique_ptr<Store> s(new Store());
  // Opened on the database thread itself, like every later use of the connection.
  std::packaged_task<Result<int>()> task([&]() -> Result<int> {
    auto db = Db::open(path);
    if (!db) return fail(db.error());
    s->db_ = std::move(*db);
    auto migrations = embedded_migrations();
    if (!migrations) return fail(migrations.error());
    return migrate(*s->db_, *migrations);
  });
  auto fut = task.get_future();
  boost::asio::post(s->pool_, std::ref(task));
  auto r = fut.get();
  if (!r) return fail(r.error());
  s->schema_version_ = *r;
  return s;
}

namespace {
// Enough to amortise one fsync; small enough that one group's latency stays low.
constexpr std::size_t kMaxGroup = 256;
}  // namespace

void Store::enqueue(std::unique_ptr<Task> task) {
  std::lock_guard lock(queue_mu_);
  queue_.push_back(std::move(task));
  if (!draining_) {
    draining_ = true;
    boost::asio::post(pool_, [this] { drain(); });
  }
}

void Store::drain() {
  for (;;) {
    std::vector<std::unique_ptr<Task>> group;
    {
      std::lock_guard lock(queue_mu_);
      if (queue_.empty()) {
        draining_ = false;
        return;
      }
      while (!queue_.empty() && group.size() < kMaxGroup) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    sqlite3* h = db_->handle();
    bool committed = false;
    if (group.size() > 1 && db_->exec_cached("BEGIN IMMEDIATE")) {
      bool intact = true;
      for (auto& t : group) {
        t->execute(*db_);
        // SQLite rolls the whole transaction back on some errors (I/O, full disk): then the
        // group is void and every call runs again on its own.
        if (sqlite3_get_autocommit(h) != 0) {
          intact = false;
          break;
        }
      }
      if (intact) {
        committed = static_cast<bool>(db_->exec_cached("COMMIT"));
        if (!committed) (void)db_->exec("ROLLBACK");
      }
    }
    if (!committed) {
      for (auto& t : group) t->execute(*db_);
    }
    for (auto& t : group) t->answer();
  }
}

Store::~Store() {
  pool_.join();
  // The connection is closed by db_'s destructor, after the thread has finished its work.
}

}  // namespace suanwang::store
