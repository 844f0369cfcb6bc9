// Migration runner (see migrations.hpp).
#include "gateway/store/migrations.hpp"

#include <algorithm>
#include <charconv>

#include "gateway/core/clock.hpp"
#include "gateway/core/embedded.hpp"

namespace suanwang::store {

Result<std::vector<Migration>> embedded_migrations() {
  std::vector<Migration> out;
  for (const auto& path : embedded::list("migrations/")) {
    const std::string file = path.substr(std::string("migrations/").size());
    int version = 0;
    auto [p, ec] = std::from_chars(file.data(), file.data() + file.size(), version);
    if (ec != std::errc() || p - file.data() != 4 || *p != '_' || !file.ends_with(".sql")) {
      return fail(Error::internal("migration file name must be NNNN_name.sql: " + file));
    }
    out.push_back({version, file.substr(5, file.size() - 9), std::string(*embedded::find(path))});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return fail(
          Error::internal("two migrations share version " + std::to_string(out[i].version)));
    }
  }
  return out;
}

Result<int> migrate(Db& db, const std::vector<Migration>& migrations) {
  if (auto r = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                       " applied_at INTEGER NOT NULL)");
      !r) {
    return fail(r.error());
  }
  int current = 0;
  {
    auto st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!st) return fail(st.error());
    if (auto row = st->step(); !row) return fail(row.error());
    current = static_cast<int>(st->int64(0));
  }
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return fail(Error::internal("database schema version " + std::to_string(current) +
                                " is newer than this binary knows (" + std::to_string(newest) +
                                "); refusing to start"));
  }
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    // A migration that rebuilds a table others refer to (SQLite cannot change a constraint in
    // place) says so with this line; it runs with foreign keys off, as SQLite's documented
    // procedure requires (the pragma is a no-op inside a transaction, so it is set around
    // it), and every reference is checked before it commits.
    const bool rebuilds = m.sql.find("-- suanwang: rebuilds tables") != std::string::npos;
    if (rebuilds) {
      if (auto e = db.exec("PRAGMA foreign_keys = OFF"); !e) return fail(e.error());
    }
    auto r = db.transaction([&]() -> Result<void> {
      if (auto e = db.exec(m.sql); !e) {
        return fail(Error::internal("migration " + std::to_string(m.version) + " (" + m.name +
                                    ") failed: " + e.error().message));
      }
      if (rebuilds) {
        auto check = db.prepare("PRAGMA foreign_key_check");
        if (!check) return fail(check.error());
        auto row = check->step();
        if (!row) return fail(row.error());
        if (*row) {
          return fail(Error::internal("migration " + std::to_string(m.version) + " (" + m.name +
                                      ") would break a reference from table " +
                                      check->text(0)));
        }
      }
      auto st =
          db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      if (!st) return fail(st.error());
      st->bind(1, m.version).bind(2, m.name).bind(3, to_unix_ms(std::chrono::system_clock::now()));
      return st->run();
    });
    if (rebuilds) {
      if (auto e = db.exec("PRAGMA foreign_keys = ON"); !e) return fail(e.error());
    }
    if (!r) return fail(r.error());
    current = m.version;
  }
  return current;
}

}  // namespace suanwang::store
