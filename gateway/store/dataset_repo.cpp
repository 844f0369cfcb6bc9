// Dataset, file and upload rows (see dataset_repo.hpp).
#include "gateway/store/dataset_repo.hpp"

#include "gateway/core/json.hpp"

namespace suanwang::store {
namespace {

constexpr const char* kDatasetSelect =
    "SELECT d.id, d.org_id, d.name, d.size_bytes, d.replicas_json, d.created_at, d.kind,"
    " d.sealed_at, d.job_id,"
    " (SELECT COUNT(*) FROM dataset_files f WHERE f.dataset_id = d.id) FROM datasets d";

Result<model::Dataset> read_dataset(const Statement& st) {
  model::Dataset d;
  d.id = st.text(0);
  d.org_id = st.text(1);
  d.name = st.text(2);
  d.size_bytes = st.int64(3);
  auto reps = parse_json(st.text(4), 8);
  if (!reps || !reps->is_array()) {
    return fail(Error::internal("stored dataset " + d.id + " is unreadable"));
  }
  for (const auto& r : *reps) d.replicas.push_back({r.value("region", ""), r.value("site", "")});
  d.created_at = from_unix_ms(st.int64(5));
  d.kind = st.text(6) == "files" ? model::DatasetKind::files : model::DatasetKind::declared;
  if (auto s = st.opt_int64(7)) d.sealed_at = from_unix_ms(*s);
  d.job_id = st.opt_text(8).value_or("");
  d.file_count = st.int64(9);
  return d;
}

model::DatasetFile read_file(const Statement& st) {
  return {st.text(0), st.int64(1), st.text(2), from_unix_ms(st.int64(3))};
}

constexpr const char* kUploadSelect =
    "SELECT id, org_id, dataset_id, path, length, \"offset\", metadata, created_at, expires_at,"
    " sha256 FROM uploads";

model::Upload read_upload(const Statement& st) {
  model::Upload u;
  u.id = st.text(0);
  u.org_id = st.text(1);
  u.dataset_id = st.text(2);
  u.path = st.text(3);
  u.length = st.int64(4);
  u.offset = st.int64(5);
  u.metadata = st.text(6);
  u.created_at = from_unix_ms(st.int64(7));
  u.expires_at = from_unix_ms(st.int64(8));
  u.sha256 = st.opt_text(9).value_or("");
  return u;
}

template <class T, class Read>
Result<std::vector<T>> all_rows(Statement& st, Read read) {
  std::vector<T> out;
  for (;;) {
    auto row = st.step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto v = read(st);
    if constexpr (requires { v.has_value(); v.error(); }) {
      if (!v) return fail(v.error());
      out.push_back(std::move(*v));
    } else {
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace

Result<void> insert_dataset(Db& db, const model::Dataset& d) {
  auto st = db.prepare(
      "INSERT INTO datasets (id, org_id, name, size_bytes, replicas_json, created_at, kind,"
      " sealed_at, job_id) VALUES (?,?,?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  Json reps = Json::array();
  for (const auto& r : d.replicas) reps.push_back({{"region", r.region}, {"site", r.site}});
  std::optional<int64_t> sealed;
  if (d.sealed_at) sealed = to_unix_ms(*d.sealed_at);
  std::optional<std::string> job;
  if (!d.job_id.empty()) job = d.job_id;
  st->bind(1, d.id)
      .bind(2, d.org_id)
      .bind(3, d.name)
      .bind(4, d.size_bytes)
      .bind(5, reps.dump())
      .bind(6, to_unix_ms(d.created_at))
      .bind(7, model::dataset_kind_name(d.kind))
      .bind(8, sealed)
      .bind(9, job);
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(
        Error::coded(Errc::already_exists, "name", {"dataset.name_taken", {{"name", d.name}}}));
  }
  return r;
}

Result<std::vector<model::Dataset>> list_datasets(Db& db, std::optional<std::string_view> org_id) {
  auto st = db.prepare(std::string(kDatasetSelect) +
                       " WHERE d.deleted_at IS NULL AND (?1 IS NULL OR d.org_id = ?1) ORDER BY d.id");
  if (!st) return fail(st.error());
  if (org_id) {
    st->bind(1, *org_id);
  } else {
    st->bind_null(1);
  }
  return all_rows<model::Dataset>(*st, read_dataset);
}

namespace {
// The first live dataset `where` (one '?' bound to `value`) selects, if any.
Result<std::optional<model::Dataset>> one_dataset(Db& db, const char* where,
                                                  std::string_view value) {
  auto st = db.prepare(std::string(kDatasetSelect) + " WHERE " + where +
                       " AND d.deleted_at IS NULL ORDER BY d.id LIMIT 1");
  if (!st) return fail(st.error());
  st->bind(1, value);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<model::Dataset>{};
  auto d = read_dataset(*st);
  if (!d) return fail(d.error());
  return std::optional<model::Dataset>{std::move(*d)};
}
}  // namespace

Result<std::optional<model::Dataset>> find_dataset(Db& db, std::string_view id) {
  return one_dataset(db, "d.id = ?", id);
}

Result<std::optional<model::Dataset>> find_job_outputs(Db& db, std::string_view job_id) {
  return one_dataset(db, "d.job_id = ?", job_id);
}

Result<bool> delete_dataset(Db& db, std::string_view org_id, std::string_view id, TimePoint at) {
  auto st = db.prepare(
      "UPDATE datasets SET deleted_at = ? WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(at)).bind(2, id).bind(3, org_id);
  if (auto r = st->run(); !r) return fail(r.error());
  if (db.changes() == 0) return false;
  for (const char* sql : {"DELETE FROM dataset_files WHERE dataset_id = ?",
                          "DELETE FROM uploads WHERE dataset_id = ?"}) {
    auto del = db.prepare(sql);
    if (!del) return fail(del.error());
    del->bind(1, id);
    if (auto r = del->run(); !r) return fail(r.error());
  }
  return true;
}

Result<void> seal_dataset(Db& db, std::string_view id, TimePoint at) {
  auto st = db.prepare("UPDATE datasets SET sealed_at = ? WHERE id = ? AND sealed_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(at)).bind(2, id);
  return st->run();
}

Result<void> put_dataset_file(Db& db, std::string_view dataset_id, const model::DatasetFile& f) {
  auto st = db.prepare(
      "INSERT INTO dataset_files (dataset_id, path, size_bytes, sha256, created_at)"
      " VALUES (?,?,?,?,?) ON CONFLICT (dataset_id, path) DO UPDATE SET"
      " size_bytes = excluded.size_bytes, sha256 = excluded.sha256,"
      " created_at = excluded.created_at");
  if (!st) return fail(st.error());
  st->bind(1, dataset_id)
      .bind(2, f.path)
      .bind(3, f.size_bytes)
      .bind(4, f.sha256)
      .bind(5, to_unix_ms(f.created_at));
  if (auto r = st->run(); !r) return r;
  auto size = db.prepare(
      "UPDATE datasets SET size_bytes = (SELECT COALESCE(SUM(size_bytes), 0) FROM dataset_files"
      " WHERE dataset_id = ?1) WHERE id = ?1");
  if (!size) return fail(size.error());
  size->bind(1, dataset_id);
  return size->run();
}

Result<std::vector<model::DatasetFile>> list_dataset_files(Db& db, std::string_view dataset_id) {
  auto st = db.prepare(
      "SELECT path, size_bytes, sha256, created_at FROM dataset_files WHERE dataset_id = ?"
      " ORDER BY path");
  if (!st) return fail(st.error());
  st->bind(1, dataset_id);
  return all_rows<model::DatasetFile>(*st, read_file);
}

Result<std::optional<model::DatasetFile>> find_dataset_file(Db& db, std::string_view dataset_id,
                                                            std::string_view path) {
  auto st = db.prepare(
      "SELECT path, size_bytes, sha256, created_at FROM dataset_files"
      " WHERE dataset_id = ? AND path = ?");
  if (!st) return fail(st.error());
  st->bind(1, dataset_id).bind(2, path);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<model::DatasetFile>{};
  return std::optional<model::DatasetFile>{read_file(*st)};
}

Result<bool> blob_referenced(Db& db, std::string_view sha256) {
  auto st = db.prepare("SELECT 1 FROM dataset_files WHERE sha256 = ? LIMIT 1");
  if (!st) return fail(st.error());
  st->bind(1, sha256);
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row;
}

Result<std::vector<std::string>> referenced_blobs(Db& db) {
  auto st = db.prepare("SELECT DISTINCT sha256 FROM dataset_files ORDER BY sha256");
  if (!st) return fail(st.error());
  return all_rows<std::string>(*st, [](const Statement& s) { return s.text(0); });
}

Result<int64_t> org_storage_used(Db& db, std::string_view org_id) {
  auto st = db.prepare(
      "SELECT (SELECT COALESCE(SUM(size_bytes), 0) FROM datasets WHERE org_id = ?1 AND"
      " kind = 'files' AND deleted_at IS NULL) +"
      " (SELECT COALESCE(SUM(length), 0) FROM uploads WHERE org_id = ?1)");
  if (!st) return fail(st.error());
  st->bind(1, org_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row ? st->int64(0) : int64_t{0};
}

Result<std::optional<int64_t>> org_storage_quota(Db& db, std::string_view org_id) {
  auto st = db.prepare("SELECT storage_quota_bytes FROM orgs WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, org_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<int64_t>{};
  return st->opt_int64(0);
}

Result<void> insert_upload(Db& db, const model::Upload& u) {
  auto st = db.prepare(
      "INSERT INTO uploads (id, org_id, dataset_id, path, length, \"offset\", metadata,"
      " created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, u.id)
      .bind(2, u.org_id)
      .bind(3, u.dataset_id)
      .bind(4, u.path)
      .bind(5, u.length)
      .bind(6, u.offset)
      .bind(7, u.metadata)
      .bind(8, to_unix_ms(u.created_at))
      .bind(9, to_unix_ms(u.expires_at));
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(Error::coded(Errc::conflict, "path", {"upload.path_busy", {{"path", u.path}}}));
  }
  return r;
}

Result<std::optional<model::Upload>> find_upload(Db& db, std::string_view id) {
  auto st = db.prepare(std::string(kUploadSelect) + " WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<model::Upload>{};
  return std::optional<model::Upload>{read_upload(*st)};
}

Result<bool> advance_upload(Db& db, std::string_view id, int64_t from, int64_t to,
                            std::optional<std::string_view> sha256) {
  auto st = db.prepare(
      "UPDATE uploads SET \"offset\" = ?, sha256 = ? WHERE id = ? AND \"offset\" = ?");
  if (!st) return fail(st.error());
  st->bind(1, to).bind(2, sha256).bind(3, id).bind(4, from);
  if (auto r = st->run(); !r) return fail(r.error());
  return db.changes() > 0;
}

Result<void> delete_upload(Db& db, std::string_view id) {
  auto st = db.prepare("DELETE FROM uploads WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, id);
  return st->run();
}

Result<std::vector<model::Upload>> list_uploads(Db& db, std::string_view dataset_id) {
  auto st = db.prepare(std::string(kUploadSelect) + " WHERE dataset_id = ? ORDER BY path");
  if (!st) return fail(st.error());
  st->bind(1, dataset_id);
  return all_rows<model::Upload>(*st, read_upload);
}

Result<std::vector<model::Upload>> complete_uploads(Db& db) {
  auto st = db.prepare(std::string(kUploadSelect) + " WHERE sha256 IS NOT NULL ORDER BY id");
  if (!st) return fail(st.error());
  return all_rows<model::Upload>(*st, read_upload);
}

Result<std::vector<model::Upload>> expired_uploads(Db& db, TimePoint now) {
  auto st = db.prepare(std::string(kUploadSelect) +
                       " WHERE expires_at <= ? AND sha256 IS NULL ORDER BY id");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(now));
  return all_rows<model::Upload>(*st, read_upload);
}

}  // namespace suanwang::store
