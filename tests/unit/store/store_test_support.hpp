// Helpers for the store tests: a migrated in-memory database and small row builders.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "gateway/model/job.hpp"
#include "gateway/model/org.hpp"
#include "gateway/store/db.hpp"
#include "gateway/store/migrations.hpp"
#include "gateway/store/org_repo.hpp"

namespace suanwang::testing {

// A fresh ":memory:" database with every embedded migration applied.
inline std::unique_ptr<store::Db> migrated_db() {
  auto db = store::Db::open(":memory:");
  REQUIRE(db);
  auto migrations = store::embedded_migrations();
  REQUIRE(migrations);
  auto v = store::migrate(**db, *migrations);
  REQUIRE(v);
  return std::move(*db);
}

inline model::Org make_org(std::string id, std::string name,
                           model::OrgKind kind = model::OrgKind::user) {
  model::Org o;
  o.id = std::move(id);
  o.name = std::move(name);
  o.kind = kind;
  o.created_at = from_unix_ms(1'700'000'000'000);
  return o;
}

// Runs one query returning a single integer.
inline int64_t scalar(store::Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  REQUIRE(st);
  auto row = st->step();
  REQUIRE(row);
  REQUIRE(*row);
  return st->int64(0);
}

}  // namespace suanwang::testing
