// DatasetService: datasets, private to their org (admins see their metadata, never their
// bytes). A declared dataset's replica names a known site (its region is the site's) or a known
// region. A `files` dataset's files are uploaded (whole here, or resumably through
// UploadService), measured by the gateway (size, SHA-256), stored once in the blob store, and
// sealed when complete. Storage counts against the org's quota.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/config.hpp"
#include "gateway/data/blob_store.hpp"
#include "gateway/data/byte_source.hpp"
#include "gateway/data/disk_work.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/federation/geography.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/model/dataset.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

// How recently written or re-used blobs are kept by a collection (see collect_garbage).
inline constexpr std::chrono::seconds kBlobGrace{60};

class DatasetService {
 public:
  // What the data plane is allowed (from Config).
  struct Limits {
    int64_t storage_quota_bytes = int64_t{10} << 30;  // per org, unless the org has its own
    int64_t max_upload_bytes = int64_t{64} << 30;     // per file
  };

  DatasetService(store::Store& store, const federation::SiteDirectory& directory,
                 const federation::Geography& geography, IdGenerator& ids, const Clock& clock,
                 AuditService& audit, data::BlobStore& blobs, data::DiskWork& disk, Limits limits)
      : store_(store),
        directory_(directory),
        geography_(geography),
        ids_(ids),
        clock_(clock),
        audit_(audit),
        blobs_(blobs),
        disk_(disk),
        limits_(limits) {}

  boost::asio::awaitable<Result<model::Dataset>> create(const Caller& caller, const Json& body);
  // The caller's org's datasets (admins: every org's), in id order.
  boost::asio::awaitable<Result<Page<model::Dataset>>> list(const auth::Principal& who,
                                                            const PageRequest& page);
  boost::asio::awaitable<Result<model::Dataset>> find(const auth::Principal& who,
                                                      const std::string& id);
  boost::asio::awaitable<Result<void>> remove(const Caller& caller, const std::string& id);

  // ---- files ----
  // A `files` dataset of the caller's own org that is still open (404 / 409 otherwise).
  boost::asio::awaitable<Result<model::Dataset>> find_open(const auth::Principal& who,
                                                           const std::string& id);
  // The files of a dataset of the caller's org, in path order.
  boost::asio::awaitable<Result<std::vector<model::DatasetFile>>> files(const auth::Principal& who,
                                                                        const std::string& id);
  struct OpenFile {
    model::DatasetFile file;
    std::filesystem::path blob;  // where its bytes are
  };
  boost::asio::awaitable<Result<OpenFile>> open_file(const auth::Principal& who,
                                                     const std::string& id,
                                                     const std::string& path);
  // Stores one whole file (a plain PUT): the bytes go to a temporary file, are measured and
  // stored; the file appears in the dataset only once all of it is stored. `expected` is the
  // digest the client says the bytes have (checked, never trusted).
  boost::asio::awaitable<Result<model::DatasetFile>> put_file(const Caller& caller,
                                                              const std::string& id,
                                                              const std::string& path,
                                                              data::ByteSource& body,
                                                              std::optional<data::Digest> expected);
  // Records a stored blob as a file of an open dataset (UploadService, when an upload ends).
  Result<void> add_file_in(store::Db& db, const model::Dataset& d, const model::DatasetFile& f);
  // Makes a files dataset immutable: no upload may be under way, and it must hold a file.
  boost::asio::awaitable<Result<model::Dataset>> seal(const Caller& caller, const std::string& id);

  // ---- storage ----
  // Refuses (507, naming the quota and the use) when `more` bytes would pass the org's quota,
  // and (413) a single file larger than max_upload_bytes. Run inside the transaction that
  // takes the room.
  Result<void> check_room(store::Db& db, const std::string& org_id, int64_t more,
                          const std::string& field) const;
  // Removes blobs no dataset refers to any more and not written or re-used within `min_age`
  // (a blob adopted a moment ago may not have its row yet; adoption touches the file).
  boost::asio::awaitable<Result<data::GcReport>> collect_garbage(std::chrono::seconds min_age);

  data::BlobStore& blobs() { return blobs_; }
  data::DiskWork& disk() { return disk_; }
  const Limits& limits() const { return limits_; }

 private:
  store::Store& store_;
  const federation::SiteDirectory& directory_;
  const federation::Geography& geography_;
  IdGenerator& ids_;
  const Clock& clock_;
  AuditService& audit_;
  data::BlobStore& blobs_;
  data::DiskWork& disk_;
  Limits limits_;
};

}  // namespace suanwang::services
