// Forward-only schema migrations: schema/migrations/NNNN_name.sql, compiled into the binary,
// applied at start in one transaction each, the version recorded in schema_migrations.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

// The embedded migrations, sorted by version; fails on a malformed file name or a duplicate.
Result<std::vector<Migration>> embedded_migrations();

// Applies those not yet applied. Fails, changing nothing further, if the database records a
// version this binary does not know (a newer binary wrote it).
Result<int> migrate(Db& db, const std::vector<Migration>& migrations);

}  // namespace suanwang::store
