// The database file and its -wal and -shm are private (0600), new or from before the rule.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "gateway/app/database_file.hpp"
#include "gateway/store/store.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang;

unsigned dbfile_mode(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

TEST_CASE("a new database and its -wal and -shm are created 0600", "[app][database_file]") {
  testing::TempDir t;
  const auto db = t.path() / "suanwang.db";
  const mode_t old_umask = ::umask(022);  // the usual one, which would give 0644
  REQUIRE(app::make_database_private(db));
  {
    auto store = store::Store::open(db);  // WAL mode: the -wal and -shm files exist while open
    REQUIRE(store);
    CHECK(dbfile_mode(db) == 0600);
    CHECK(dbfile_mode(db.string() + "-wal") == 0600);
    CHECK(dbfile_mode(db.string() + "-shm") == 0600);
  }
  ::umask(old_umask);
}

TEST_CASE("an existing database readable by others is narrowed to 0600", "[app][database_file]") {
  testing::TempDir t;
  const auto db = t.path() / "suanwang.db";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string p = db.string() + suffix;
    std::ofstream(p) << "";
    ::chmod(p.c_str(), 0644);
  }
  REQUIRE(app::make_database_private(db));
  CHECK(dbfile_mode(db) == 0600);
  CHECK(dbfile_mode(db.string() + "-wal") == 0600);
  CHECK(dbfile_mode(db.string() + "-shm") == 0600);
}

TEST_CASE("a database that cannot be created is an error naming it", "[app][database_file]") {
  testing::TempDir t;
  auto r = app::make_database_private(t.path() / "missing-dir" / "suanwang.db");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Matchers::Contains("missing-dir"));
}

}  // namespace
