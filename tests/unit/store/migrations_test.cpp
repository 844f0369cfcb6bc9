// Migrations and Store::open: the embedded files apply once, in order, each in its own
// transaction; a database from a newer binary is refused; a file store runs in WAL mode.
#include <catch2/catch.hpp>

#include "gateway/store/store.hpp"
#include "store_test_support.hpp"
#include "unit/adapters/adapter_test_support.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::store;
using Catch::Matchers::Contains;
using suanwang::testing::scalar;

int newest_version() {
  auto m = embedded_migrations();
  REQUIRE(m);
  REQUIRE_FALSE(m->empty());
  return m->back().version;
}

bool table_exists(Db& db, const std::string& name) {
  auto st = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  REQUIRE(st);
  st->bind(1, name);
  REQUIRE(*st->step());
  return st->int64(0) == 1;
}

TEST_CASE("the embedded migrations are numbered from 1 without gaps", "[store][migrations]") {
  auto m = embedded_migrations();
  REQUIRE(m);
  REQUIRE_FALSE(m->empty());
  for (std::size_t i = 0; i < m->size(); ++i) {
    INFO((*m)[i].name);
    CHECK((*m)[i].version == static_cast<int>(i) + 1);
    CHECK_FALSE((*m)[i].name.empty());
    CHECK_FALSE((*m)[i].sql.empty());
  }
  CHECK((*m)[0].name == "init");
}

TEST_CASE("migrate applies every migration once", "[store][migrations]") {
  auto db = Db::open(":memory:");
  REQUIRE(db);
  auto m = embedded_migrations();
  REQUIRE(m);
  auto v = migrate(**db, *m);
  REQUIRE(v);
  CHECK(*v == newest_version());
  for (const char* t : {"orgs", "api_keys", "regions", "network_links", "sites", "datasets", "jobs",
                        "job_events", "schema_migrations"}) {
    INFO(t);
    CHECK(table_exists(**db, t));
  }
  CHECK(scalar(**db, "SELECT COUNT(*) FROM schema_migrations") == static_cast<int64_t>(m->size()));
  // Again: nothing to do, nothing re-run (re-running 0001 would fail on CREATE TABLE).
  auto again = migrate(**db, *m);
  REQUIRE(again);
  CHECK(*again == newest_version());
  CHECK(scalar(**db, "SELECT COUNT(*) FROM schema_migrations") == static_cast<int64_t>(m->size()));
}

TEST_CASE("a later migration applies on top of an existing database", "[store][migrations]") {
  auto db = suanwang::testing::migrated_db();
  auto m = *embedded_migrations();
  const int next = m.back().version + 1;
  m.push_back({next, "add_notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"});
  auto v = migrate(*db, m);
  REQUIRE(v);
  CHECK(*v == next);
  CHECK(table_exists(*db, "notes"));
  CHECK(scalar(*db, "SELECT MAX(version) FROM schema_migrations") == next);
}

TEST_CASE("a failing migration changes nothing and names itself", "[store][migrations]") {
  auto db = suanwang::testing::migrated_db();
  auto m = *embedded_migrations();
  const int next = m.back().version + 1;
  m.push_back(
      {next, "half_done", "CREATE TABLE half (x INTEGER); INSERT INTO no_such_table VALUES (1);"});
  auto v = migrate(*db, m);
  REQUIRE_FALSE(v);
  CHECK_THAT(v.error().message, Contains(std::to_string(next)));
  CHECK_THAT(v.error().message, Contains("half_done"));
  // The statement that did succeed was rolled back with the rest.
  CHECK_FALSE(table_exists(*db, "half"));
  CHECK(scalar(*db, "SELECT MAX(version) FROM schema_migrations") == next - 1);
}

TEST_CASE("a database written by a newer binary is refused", "[store][migrations]") {
  auto db = suanwang::testing::migrated_db();
  REQUIRE(
      db->exec("INSERT INTO schema_migrations (version, name, applied_at) "
               "VALUES (9999, 'future', 0)"));
  auto v = migrate(*db, *embedded_migrations());
  REQUIRE_FALSE(v);
  CHECK_THAT(v.error().message, Contains("9999"));
  CHECK_THAT(v.error().message, Contains("newer"));
}

TEST_CASE("Store::open migrates an in-memory database", "[store][migrations]") {
  auto s = Store::open(":memory:");
  REQUIRE(s);
  CHECK((*s)->schema_version() == newest_version());
  const int64_t orgs =
      (*s)->blocking([](Db& db) { return scalar(db, "SELECT COUNT(*) FROM orgs"); });
  CHECK(orgs == 0);
}

TEST_CASE("a file store is in WAL mode and keeps its data and version across opens",
          "[store][migrations]") {
  suanwang::testing::TempDir dir;
  const auto path = dir.path() / "gateway.db";
  {
    auto s = Store::open(path);
    REQUIRE(s);
    CHECK((*s)->schema_version() == newest_version());
    const std::string mode = (*s)->blocking([](Db& db) {
      auto st = db.prepare("PRAGMA journal_mode");
      REQUIRE(st);
      REQUIRE(*st->step());
      return st->text(0);
    });
    CHECK(mode == "wal");
    auto inserted = (*s)->blocking(
        [](Db& db) { return insert_org(db, suanwang::testing::make_org("org_1", "first")); });
    REQUIRE(inserted);
  }
  auto s = Store::open(path);
  REQUIRE(s);
  CHECK((*s)->schema_version() == newest_version());
  const int64_t applied =
      (*s)->blocking([](Db& db) { return scalar(db, "SELECT COUNT(*) FROM schema_migrations"); });
  CHECK(applied == newest_version());
  auto org = (*s)->blocking([](Db& db) { return find_org(db, "org_1"); });
  REQUIRE(org);
  REQUIRE(*org);
  CHECK((*org)->name == "first");
}

TEST_CASE("Store::open reports a database it cannot open", "[store][migrations]") {
  suanwang::testing::TempDir dir;
  auto s = Store::open(dir.path() / "missing" / "gateway.db");
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::unavailable);
}

}  // namespace

namespace {

TEST_CASE("migration 0013 keeps every site and its sealed credentials, and allows checking",
          "[store][migrations]") {
  auto db = Db::open(":memory:");
  REQUIRE(db);
  auto all = embedded_migrations();
  REQUIRE(all);
  std::vector<Migration> before, after;
  for (const auto& m : *all) (m.version < 13 ? before : after).push_back(m);
  REQUIRE_FALSE(after.empty());
  REQUIRE(after.front().name == "site_checking");
  REQUIRE(migrate(**db, before));
  auto run = [&](const std::string& status) {
    return (*db)->exec(
        "INSERT INTO sites (id, org_id, name, region, spec_json, status, drained, created_at,"
        " updated_at, credentials_sealed, credentials_key_id) VALUES"
        " ('site_1', 'org_op', 'one', 'r1', '{}', '" +
        status + "', 1, 10, 20, 'sealed', 'k1')");
  };
  REQUIRE((*db)->exec("INSERT INTO orgs (id, name, kind, created_at) VALUES"
                      " ('org_op', 'op', 'operator', 1);"
                      "INSERT INTO regions (id, name, hub, side, lat, lon) VALUES"
                      " ('r1', 'R', '', 'east', 0, 0)"));
  CHECK_FALSE(run("checking"));  // before 0012: refused by the CHECK constraint
  REQUIRE(run("online"));

  REQUIRE(migrate(**db, *all));
  CHECK(scalar(**db, "SELECT COUNT(*) FROM sites WHERE id = 'site_1' AND status = 'online'"
                     " AND drained = 1 AND credentials_sealed = 'sealed'"
                     " AND credentials_key_id = 'k1' AND updated_at = 20") == 1);
  REQUIRE((*db)->exec("UPDATE sites SET status = 'checking' WHERE id = 'site_1'"));
  CHECK_FALSE((*db)->exec("UPDATE sites SET status = 'asleep' WHERE id = 'site_1'"));
  CHECK(scalar(**db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sites_org_name'") == 1);
}

}  // namespace
