// UploadService: resumable uploads of files into open datasets, as the tus 1.0 protocol sees
// them (core, creation, termination, checksum with sha256). An upload's bytes go to its own
// file in the blob store; the offset in the database is what is committed, moved only after
// the bytes are fsynced, so after a broken connection or a crash the client resumes from it
// (bytes past it are cut off). The SHA-256 is computed as the bytes arrive (and recomputed from
// the file after a restart); with the last byte the upload becomes a blob and a file of its
// dataset. Room is taken from the org's quota when the upload is created.
//
// Threading: any executor. One request at a time writes an upload (a second gets 409).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/data/byte_source.hpp"
#include "gateway/data/sha256.hpp"
#include "gateway/model/dataset.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/dataset_service.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

class UploadService {
 public:
  UploadService(store::Store& store, DatasetService& datasets, IdGenerator& ids,
                const Clock& clock, AuditService& audit, std::chrono::milliseconds ttl)
      : store_(store), datasets_(datasets), ids_(ids), clock_(clock), audit_(audit), ttl_(ttl) {}

  // A new upload of `length` bytes to `path` in an open dataset of the caller's org.
  boost::asio::awaitable<Result<model::Upload>> create(const Caller& caller,
                                                       const std::string& dataset_id,
                                                       const std::string& path, int64_t length,
                                                       std::string metadata);
  // The caller's org's upload (404 for anyone else's). An upload with every byte committed is
  // finished first (its file recorded), so the answer never shows a half-done end.
  boost::asio::awaitable<Result<model::Upload>> find(const auth::Principal& who,
                                                     const std::string& id);
  // Appends the body at `offset`, which must be the committed offset (409 otherwise). With
  // `checksum` (the tus Upload-Checksum, sha256 of this body) nothing is committed unless the
  // body matches it whole; without, what arrived before a broken connection is committed.
  boost::asio::awaitable<Result<model::Upload>> append(const Caller& caller, const std::string& id,
                                                       int64_t offset, data::ByteSource& body,
                                                       std::optional<data::Digest> checksum);
  // Cancels an upload and removes its bytes (tus termination).
  boost::asio::awaitable<Result<void>> terminate(const Caller& caller, const std::string& id);
  // At start-up and now and then: finishes complete uploads a crash interrupted, removes
  // expired ones with their bytes. Returns how many were removed.
  boost::asio::awaitable<Result<int>> tidy();

 private:
  // The running digest of an upload's committed bytes, and whether a request is writing it.
  struct Running {
    int64_t offset = 0;
    std::optional<data::Sha256> hash;
    bool busy = false;
  };
  boost::asio::awaitable<Result<model::Upload>> finish(const model::Upload& u);
  Result<model::Upload> own_upload(store::Db& db, const auth::Principal& who,
                                   const std::string& id) const;

  store::Store& store_;
  DatasetService& datasets_;
  IdGenerator& ids_;
  const Clock& clock_;
  AuditService& audit_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<std::string, Running, std::less<>> running_;  // REQUIRES: mu_ held
};

}  // namespace suanwang::services
