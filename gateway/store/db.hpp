// Db: a thin owner of one SQLite connection with a cache of prepared statements.
// Threading: a Db is used by one thread at a time (the Store's database thread).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/result.hpp"

namespace suanwang::store {

// A prepared statement borrowed from the Db's cache; reset and unbound when released.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* s) : s_(s) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  ~Statement();

  // Binds are 1-based like SQLite's. std::nullopt binds NULL.
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  Statement& bind_null(int i);
  template <class T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // true: a row is ready; false: done.
  Result<bool> step();
  // Runs to completion, expecting no rows.
  Result<void> run();

  bool is_null(int col) const;
  std::string text(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<int64_t> opt_int64(int col) const;
  std::optional<double> opt_real(int col) const;

 private:
  sqlite3_stmt* s_;
};

class Db {
 public:
  // Opens (creating if needed) the database at `path` in WAL mode with synchronous=FULL and
  // foreign keys on. ":memory:" works for tests.
  static Result<std::unique_ptr<Db>> open(const std::filesystem::path& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements with no results, parsing them each time.
  Result<void> exec(std::string_view sql);
  // Runs one statement with no results, prepared once and kept in the cache: for the
  // transaction statements run per write (BEGIN, COMMIT, savepoints).
  Result<void> exec_cached(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  // Whether the connection answers a query (readiness).
  Result<void> ping() { return exec("SELECT 1"); }

  // Runs `f` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it returns an error. Nested
  // calls become savepoints, so repository functions compose into larger transactions.
  template <class F>
  auto transaction(F&& f) -> decltype(f()) {
    // Inside a transaction the caller opened (the Store's commit group): a savepoint.
    const bool outer = depth_ == 0 && sqlite3_get_autocommit(db_) != 0;
    if (auto b = exec_cached(outer ? "BEGIN IMMEDIATE" : "SAVEPOINT nested"); !b) {
      return fail(b.error());
    }
    ++depth_;
    auto r = f();
    --depth_;
    if (!r) {
      (void)exec(outer ? "ROLLBACK" : "ROLLBACK TO nested; RELEASE nested");
      return r;
    }
    if (auto c = exec_cached(outer ? "COMMIT" : "RELEASE nested"); !c) {
      (void)exec(outer ? "ROLLBACK" : "ROLLBACK TO nested; RELEASE nested");
      return fail(c.error());
    }
    return r;
  }

  int64_t changes() const { return sqlite3_changes64(db_); }
  std::string error_message() const { return sqlite3_errmsg(db_); }
  sqlite3* handle() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  int depth_ = 0;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

}  // namespace suanwang::store
