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

Store::~Store() {
  pool_.join();
  // The connection is closed by db_'s destructor, after the thread has finished its work.
}

}  // namespace suanwang::store
