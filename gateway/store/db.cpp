// SQLite connection and statement wrappers (see db.hpp).
#include "gateway/store/db.hpp"

namespace suanwang::store {
namespace {
Error sqlite_error(sqlite3* db, std::string_view what) {
  const int code = sqlite3_extended_errcode(db);
  Errc errc = Errc::internal;
  if ((code & 0xff) == SQLITE_CONSTRAINT) errc = Errc::conflict;
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_FULL ||
      (code & 0xff) == SQLITE_IOERR) {
    errc = Errc::unavailable;
  }
  return Error{errc, std::string(what) + ": " + sqlite3_errmsg(db), {}};
}
}  // namespace

Statement::~Statement() {
  if (s_ != nullptr) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

Statement& Statement::bind(int i, std::string_view v) {
  // An empty view may have no data pointer, which SQLite would bind as NULL, not ''.
  sqlite3_bind_text(s_, i, v.data() != nullptr ? v.data() : "", static_cast<int>(v.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}
Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    // Reset at once so the statement can be re-bound: sqlite3_bind_* on a finished,
    // un-reset statement fails (SQLITE_MISUSE) and the next step would reuse old values.
    sqlite3_reset(s_);
    return false;
  }
  // The statement's text (values are bound, never inlined) says which write failed.
  std::string sql = sqlite3_sql(s_);
  if (sql.size() > 120) sql = sql.substr(0, 120) + "...";
  Error e = sqlite_error(sqlite3_db_handle(s_), "step [" + sql + "]");  // before reset clears it
  sqlite3_reset(s_);
  return fail(std::move(e));
}

Result<void> Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return fail(r.error());
    if (!*r) return ok();
  }
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(s_, col) == SQLITE_NULL;
}
std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(s_, col);
  const int n = sqlite3_column_bytes(s_, col);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}
int64_t Statement::int64(int col) const {
  return sqlite3_column_int64(s_, col);
}
double Statement::real(int col) const {
  return sqlite3_column_double(s_, col);
}
std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
std::optional<int64_t> Statement::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}
std::optional<double> Statement::opt_real(int col) const {
  if (is_null(col)) return std::nullopt;
  return real(col);
}

Result<std::unique_ptr<Db>> Db::open(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Db> db(new Db(raw));
  if (rc != SQLITE_OK) {
    return fail(Error::unavailable("cannot open database " + path.string() + ": " +
                                   (raw ? sqlite3_errmsg(raw) : "out of memory")));
  }
  sqlite3_busy_timeout(raw, 5000);
  // WAL lets readers proceed during writes; synchronous=FULL makes each COMMIT durable
  // against power loss as well as process death (DESIGN §6). secure_delete overwrites deleted
  // content, so replaced secrets (legacy plaintext credentials) do not linger in free pages.
  // A 16 MB page cache: enough for the hot pages (recent jobs, the indexes' upper levels) under
  // a submission load; SQLite's 2 MB default made reads hundreds of thousands of pread calls a
  // second when the dispatcher still re-read active jobs, and more than 16 MB only holds cold
  // pages of a million-job table that the OS caches anyway.
  if (auto r = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                        "PRAGMA cache_size=-16384; "
                        "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                        "PRAGMA secure_delete=ON;");
      !r) {
    return fail(r.error());
  }
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<void> Db::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    Error e = sqlite_error(db_, "exec");
    if (err != nullptr) {
      e.message = std::string("exec: ") + err;
      sqlite3_free(err);
    }
    return fail(std::move(e));
  }
  return ok();
}

Result<void> Db::exec_cached(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return fail(st.error());
  return st->run();
}

Result<Statement> Db::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
      return fail(sqlite_error(db_, "prepare"));
    }
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(it->second);
}

}  // namespace suanwang::store
