// Db and Statement: the SQLite wrapper's contract — cached statements are reusable after any
// use, errors are values with the statement named, and transactions nest as savepoints.
#include <catch2/catch.hpp>

#include "store_test_support.hpp"
#include "unit/adapters/adapter_test_support.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::store;
using Catch::Matchers::Contains;
using suanwang::testing::scalar;

std::unique_ptr<Db> memory_db() {
  auto db = Db::open(":memory:");
  REQUIRE(db);
  REQUIRE((*db)->exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT, n INTEGER, x REAL)"));
  return std::move(*db);
}

std::vector<std::string> keys(Db& db) {
  auto st = db.prepare("SELECT k FROM kv ORDER BY k");
  REQUIRE(st);
  std::vector<std::string> out;
  for (;;) {
    auto row = st->step();
    REQUIRE(row);
    if (!*row) break;
    out.push_back(st->text(0));
  }
  return out;
}

Result<void> put(Db& db, const std::string& k, const std::string& v = "") {
  auto st = db.prepare("INSERT INTO kv (k, v) VALUES (?, ?)");
  if (!st) return fail(st.error());
  st->bind(1, k).bind(2, v);
  return st->run();
}

TEST_CASE("one statement object can be re-bound and run again after SQLITE_DONE", "[store][db]") {
  // The bug this guards: a statement that had stepped to SQLITE_DONE without a reset refused
  // new bindings (SQLITE_MISUSE, ignored), so the second run re-inserted the first values.
  auto db = memory_db();
  auto st = db->prepare("INSERT INTO kv (k, v) VALUES (?, ?)");
  REQUIRE(st);
  REQUIRE(st->bind(1, "a").bind(2, "first").run());
  REQUIRE(st->bind(1, "b").bind(2, "second").run());
  REQUIRE(st->bind(1, "c").bind(2, "third").run());
  CHECK(keys(*db) == std::vector<std::string>{"a", "b", "c"});

  auto q = db->prepare("SELECT v FROM kv WHERE k = ?");
  REQUIRE(q);
  for (const auto& [k, v] :
       {std::pair{"a", "first"}, std::pair{"b", "second"}, std::pair{"c", "third"}}) {
    q->bind(1, k);
    auto row = q->step();
    REQUIRE(row);
    REQUIRE(*row);
    CHECK(q->text(0) == v);
    auto done = q->step();
    REQUIRE(done);
    CHECK_FALSE(*done);  // DONE; the next loop re-binds the same statement
  }
}

TEST_CASE("a cached statement is reused and starts fresh each time it is borrowed", "[store][db]") {
  auto db = memory_db();
  for (const char* k : {"a", "b", "c"}) REQUIRE(put(*db, k));
  const std::string sql = "SELECT k FROM kv WHERE k >= ? ORDER BY k";
  {
    auto st = db->prepare(sql);
    REQUIRE(st);
    st->bind(1, "a");
    auto row = st->step();
    REQUIRE(row);
    REQUIRE(*row);
    CHECK(st->text(0) == "a");
    // Dropped mid-iteration: the release must reset it.
  }
  {
    auto st = db->prepare(sql);
    REQUIRE(st);
    st->bind(1, "b");
    auto row = st->step();
    REQUIRE(row);
    REQUIRE(*row);
    CHECK(st->text(0) == "b");  // not "b" as the 2nd row of the old run, nor "a" again
    row = st->step();
    REQUIRE(row);
    REQUIRE(*row);
    CHECK(st->text(0) == "c");
    row = st->step();
    REQUIRE(row);
    CHECK_FALSE(*row);
  }
  {
    // Stepped to DONE and then released: still fine.
    auto st = db->prepare(sql);
    REQUIRE(st);
    st->bind(1, "c");
    REQUIRE(*st->step());
    CHECK(st->text(0) == "c");
  }
}

TEST_CASE("released statements forget their bindings", "[store][db]") {
  auto db = memory_db();
  const std::string sql = "INSERT INTO kv (k, v) VALUES (?, ?)";
  {
    auto st = db->prepare(sql);
    REQUIRE(st);
    st->bind(1, "leftover").bind(2, "old");
    // Not run.
  }
  auto st = db->prepare(sql);
  REQUIRE(st);
  st->bind(1, "fresh");  // ?2 not bound this time: NULL, not "old"
  REQUIRE(st->run());
  auto q = db->prepare("SELECT v FROM kv WHERE k = 'fresh'");
  REQUIRE(q);
  REQUIRE(*q->step());
  CHECK(q->is_null(0));
  CHECK_FALSE(q->opt_text(0));
}

TEST_CASE("values of every bound type come back as they went in", "[store][db]") {
  auto db = memory_db();
  const std::string with_nul("a\0b", 3);
  auto st = db->prepare("INSERT INTO kv (k, v, n, x) VALUES (?, ?, ?, ?)");
  REQUIRE(st);
  REQUIRE(st->bind(1, "k1").bind(2, with_nul).bind(3, int64_t{1} << 53).bind(4, 2.5).run());
  REQUIRE(st->bind(1, "k2")
              .bind(2, std::optional<std::string>{})
              .bind(3, true)
              .bind(4, std::optional<double>{})
              .run());
  REQUIRE(st->bind(1, "k3")
              .bind(2, std::optional<std::string>{"s"})
              .bind(3, -7)
              .bind(4, std::optional<double>{-0.125})
              .run());

  auto q = db->prepare("SELECT v, n, x FROM kv WHERE k = ?");
  REQUIRE(q);
  q->bind(1, "k1");
  REQUIRE(*q->step());
  CHECK(q->text(0) == with_nul);  // embedded NUL kept: lengths are explicit
  CHECK(q->int64(1) == (int64_t{1} << 53));
  CHECK(q->real(2) == 2.5);
  REQUIRE_FALSE(*q->step());

  q->bind(1, "k2");
  REQUIRE(*q->step());
  CHECK_FALSE(q->opt_text(0));
  CHECK(q->text(0).empty());
  CHECK(q->opt_int64(1) == 1);  // true
  CHECK_FALSE(q->opt_real(2));
  REQUIRE_FALSE(*q->step());

  q->bind(1, "k3");
  REQUIRE(*q->step());
  CHECK(q->opt_text(0) == "s");
  CHECK(q->opt_int64(1) == -7);
  CHECK(q->opt_real(2) == -0.125);
}

TEST_CASE("a constraint violation is a conflict naming the statement, and leaves it usable",
          "[store][db]") {
  auto db = memory_db();
  REQUIRE(put(*db, "a"));
  auto dup = put(*db, "a");
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == Errc::conflict);
  CHECK_THAT(dup.error().message, Contains("INSERT INTO kv"));
  CHECK_THAT(dup.error().message, Contains("UNIQUE"));
  // The same cached statement works for the next caller.
  REQUIRE(put(*db, "b"));
  CHECK(keys(*db) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("bad SQL fails at prepare or exec, as an internal error", "[store][db]") {
  auto db = memory_db();
  auto p = db->prepare("SELEKT 1");
  REQUIRE_FALSE(p);
  CHECK(p.error().code == Errc::internal);
  auto e = db->exec("CREATE TABLE kv (x)");  // exists
  REQUIRE_FALSE(e);
  CHECK_THAT(e.error().message, Contains("already exists"));
  // exec runs several statements.
  REQUIRE(db->exec("INSERT INTO kv (k) VALUES ('x'); INSERT INTO kv (k) VALUES ('y');"));
  CHECK(keys(*db) == std::vector<std::string>{"x", "y"});
}

TEST_CASE("transactions commit on success and roll back on error", "[store][db]") {
  auto db = memory_db();
  auto r = db->transaction([&]() -> Result<int> {
    if (auto p = put(*db, "a"); !p) return fail(p.error());
    if (auto p = put(*db, "b"); !p) return fail(p.error());
    return 2;
  });
  REQUIRE(r);
  CHECK(*r == 2);
  CHECK(keys(*db) == std::vector<std::string>{"a", "b"});

  auto bad = db->transaction([&]() -> Result<void> {
    if (auto p = put(*db, "c"); !p) return p;
    return fail(Error::conflict("changed my mind"));
  });
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "changed my mind");  // the caller's error, unchanged
  CHECK(keys(*db) == std::vector<std::string>{"a", "b"});

  // A failing statement inside rolls back the statements before it.
  auto dup = db->transaction([&]() -> Result<void> {
    if (auto p = put(*db, "d"); !p) return p;
    return put(*db, "a");
  });
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == Errc::conflict);
  CHECK(keys(*db) == std::vector<std::string>{"a", "b"});

  // And the connection is out of the transaction: a plain write sticks.
  REQUIRE(put(*db, "e"));
  CHECK(keys(*db) == std::vector<std::string>{"a", "b", "e"});
}

TEST_CASE("nested transactions are savepoints: an inner failure undoes only the inner part",
          "[store][db]") {
  auto db = memory_db();
  SECTION("inner fails, outer carries on and commits") {
    auto r = db->transaction([&]() -> Result<void> {
      if (auto p = put(*db, "outer1"); !p) return p;
      auto inner = db->transaction([&]() -> Result<void> {
        if (auto p = put(*db, "inner"); !p) return p;
        return fail(Error::conflict("inner fails"));
      });
      CHECK_FALSE(inner);
      return put(*db, "outer2");
    });
    REQUIRE(r);
    CHECK(keys(*db) == std::vector<std::string>{"outer1", "outer2"});
  }
  SECTION("inner succeeds, outer fails: everything rolls back") {
    auto r = db->transaction([&]() -> Result<void> {
      if (auto p = put(*db, "outer1"); !p) return p;
      auto inner = db->transaction([&]() -> Result<void> { return put(*db, "inner"); });
      REQUIRE(inner);
      return fail(Error::internal("outer fails"));
    });
    REQUIRE_FALSE(r);
    CHECK(keys(*db).empty());
  }
  SECTION("three levels: the middle one fails") {
    auto r = db->transaction([&]() -> Result<void> {
      if (auto p = put(*db, "L1"); !p) return p;
      auto mid = db->transaction([&]() -> Result<void> {
        if (auto p = put(*db, "L2"); !p) return p;
        auto deep = db->transaction([&]() -> Result<void> { return put(*db, "L3"); });
        REQUIRE(deep);
        return fail(Error::conflict("mid fails"));
      });
      CHECK_FALSE(mid);
      return put(*db, "L1b");
    });
    REQUIRE(r);
    CHECK(keys(*db) == std::vector<std::string>{"L1", "L1b"});
  }
  SECTION("after a nested failure the next top-level transaction starts cleanly") {
    auto r = db->transaction([&]() -> Result<void> {
      return db->transaction([&]() -> Result<void> { return fail(Error::conflict("no")); });
    });
    REQUIRE_FALSE(r);
    auto again = db->transaction([&]() -> Result<void> { return put(*db, "z"); });
    REQUIRE(again);
    CHECK(keys(*db) == std::vector<std::string>{"z"});
  }
}

TEST_CASE("a file database is opened in WAL mode with FULL sync and foreign keys", "[store][db]") {
  suanwang::testing::TempDir dir;
  const auto path = dir.path() / "suanwang.db";
  {
    auto db = Db::open(path);
    REQUIRE(db);
    auto st = (*db)->prepare("PRAGMA journal_mode");
    REQUIRE(st);
    REQUIRE(*st->step());
    CHECK(st->text(0) == "wal");
    CHECK(scalar(**db, "PRAGMA synchronous") == 2);  // FULL
    CHECK(scalar(**db, "PRAGMA foreign_keys") == 1);
    REQUIRE((*db)->exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42);"));
  }
  CHECK(std::filesystem::exists(path));
  // Durable across a reopen.
  auto db = Db::open(path);
  REQUIRE(db);
  CHECK(scalar(**db, "SELECT x FROM t") == 42);
}

TEST_CASE("foreign keys are enforced", "[store][db]") {
  auto db = Db::open(":memory:");
  REQUIRE(db);
  REQUIRE(
      (*db)->exec("CREATE TABLE p (id TEXT PRIMARY KEY);"
                  "CREATE TABLE c (pid TEXT REFERENCES p(id));"));
  auto r = (*db)->exec("INSERT INTO c VALUES ('nobody')");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::conflict);
}

TEST_CASE("opening a database where none can be created is unavailable", "[store][db]") {
  suanwang::testing::TempDir dir;
  auto db = Db::open(dir.path() / "no" / "such" / "dir" / "x.db");
  REQUIRE_FALSE(db);
  CHECK(db.error().code == Errc::unavailable);
  CHECK_THAT(db.error().message, Contains("x.db"));
}

}  // namespace

TEST_CASE("an empty string binds as '', not NULL", "[store][db]") {
  auto db = suanwang::testing::migrated_db();
  auto st = db->prepare("SELECT ? = '', ? IS NULL");
  REQUIRE(st);
  st->bind(1, std::string_view()).bind(2, std::string_view());
  auto row = st->step();
  REQUIRE(row);
  REQUIRE(*row);
  CHECK(st->int64(0) == 1);
  CHECK(st->int64(1) == 0);
}
