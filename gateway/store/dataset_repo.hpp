// Datasets, their files and their uploads in the database. SQL only: the rules (who may see
// what, quotas, sealing) are DatasetService's.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "gateway/model/dataset.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

Result<void> insert_dataset(Db& db, const model::Dataset& d);
Result<std::vector<model::Dataset>> list_datasets(Db& db, std::optional<std::string_view> org_id);
Result<std::optional<model::Dataset>> find_dataset(Db& db, std::string_view id);
// Soft-deletes the dataset, deletes its files' rows (their blobs become unreferenced) and its
// uploads; false when there was no such live dataset of that org.
Result<bool> delete_dataset(Db& db, std::string_view org_id, std::string_view id, TimePoint at);
Result<void> seal_dataset(Db& db, std::string_view id, TimePoint at);

// ---- files ----
// Adds a file to an open dataset, or replaces the file at the same path; keeps the dataset's
// size the sum of its files.
Result<void> put_dataset_file(Db& db, std::string_view dataset_id, const model::DatasetFile& f);
Result<std::vector<model::DatasetFile>> list_dataset_files(Db& db, std::string_view dataset_id);
Result<std::optional<model::DatasetFile>> find_dataset_file(Db& db, std::string_view dataset_id,
                                                            std::string_view path);
// Whether any live dataset's file refers to this blob.
Result<bool> blob_referenced(Db& db, std::string_view sha256);
// Every blob a live dataset refers to (for garbage collection).
Result<std::vector<std::string>> referenced_blobs(Db& db);

// ---- storage use ----
// Bytes an org's live `files` datasets hold plus the declared lengths of its open uploads.
Result<int64_t> org_storage_used(Db& db, std::string_view org_id);
// The org's own quota, when one is set.
Result<std::optional<int64_t>> org_storage_quota(Db& db, std::string_view org_id);

// ---- uploads ----
Result<void> insert_upload(Db& db, const model::Upload& u);
Result<std::optional<model::Upload>> find_upload(Db& db, std::string_view id);
// Moves the committed offset (with the digest, when this commits the last byte); false when
// the row's offset was not `from` (another PATCH won).
Result<bool> advance_upload(Db& db, std::string_view id, int64_t from, int64_t to,
                            std::optional<std::string_view> sha256);
// Uploads with every byte committed whose file is not recorded yet (a crash came between).
Result<std::vector<model::Upload>> complete_uploads(Db& db);
Result<void> delete_upload(Db& db, std::string_view id);
Result<std::vector<model::Upload>> list_uploads(Db& db, std::string_view dataset_id);
// Incomplete uploads past their expiry (to be removed with their partial files).
Result<std::vector<model::Upload>> expired_uploads(Db& db, TimePoint now);

}  // namespace suanwang::store
