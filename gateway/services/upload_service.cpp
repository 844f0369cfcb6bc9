// Resumable uploads (see upload_service.hpp).
#include "gateway/services/upload_service.hpp"

#include <vector>

#include "gateway/data/blob_store.hpp"
#include "gateway/data/body_receiver.hpp"
#include "gateway/services/not_found.hpp"
#include "gateway/store/audit_repo.hpp"
#include "gateway/store/dataset_repo.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

Result<model::Upload> UploadService::own_upload(store::Db& db, const auth::Principal& who,
                                                const std::string& id) const {
  auto u = store::find_upload(db, id);
  if (!u) return fail(u.error());
  if (!*u || (*u)->org_id != who.org_id) {
    return fail(Error::coded(Errc::not_found, "", {"upload.not_found", {{"id", id}}}));
  }
  return std::move(**u);
}

asio::awaitable<Result<model::Upload>> UploadService::create(const Caller& caller,
                                                             const std::string& dataset_id,
                                                             const std::string& path,
                                                             int64_t length,
                                                             std::string metadata) {
  model::Upload u;
  u.id = ids_.next("up");
  u.org_id = caller.who.org_id;
  u.dataset_id = dataset_id;
  u.path = path;
  u.length = length;
  u.metadata = std::move(metadata);
  u.created_at = clock_.now();
  u.expires_at = u.created_at + ttl_;
  const AuditEntry created =
      audit_.entry(caller, "dataset.upload_create", "dataset", dataset_id, caller.who.org_id,
                   {{"upload", u.id}, {"path", path}, {"length", length}});
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      auto d = store::find_dataset(db, dataset_id);
      if (!d) return fail(d.error());
      if (!*d || (*d)->org_id != caller.who.org_id) {
        return fail(no_dataset(dataset_id));
      }
      if ((*d)->kind != model::DatasetKind::files || (*d)->sealed_at) {
        return fail(Error::coded(
            Errc::conflict, "",
            {(*d)->sealed_at ? "dataset.sealed" : "dataset.declared", {{"id", dataset_id}}}));
      }
      // The whole length is taken from the quota now, so a full quota refuses the upload
      // before a byte is written, never half-way.
      if (auto room = datasets_.check_room(db, u.org_id, length, "Upload-Length"); !room) {
        return room;
      }
      if (auto r = store::insert_upload(db, u); !r) return r;
      return store::insert_audit(db, created);
    });
  });
  if (!ins) co_return fail(ins.error());
  {
    std::lock_guard lock(mu_);
    running_[u.id] = Running{0, data::Sha256(), false};
  }
  if (length == 0) co_return co_await finish(u);
  co_return u;
}

asio::awaitable<Result<model::Upload>> UploadService::find(const auth::Principal& who,
                                                           const std::string& id) {
  auto u = co_await store_.run([&](store::Db& db) { return own_upload(db, who, id); });
  if (!u) co_return fail(u.error());
  if (!u->sha256.empty()) co_return co_await finish(*u);
  co_return u;
}

asio::awaitable<Result<model::Upload>> UploadService::append(const Caller& caller,
                                                             const std::string& id,
                                                             int64_t offset,
                                                             data::ByteSource& body,
                                                             std::optional<data::Digest> checksum) {
  auto found = co_await store_.run([&](store::Db& db) { return own_upload(db, caller.who, id); });
  if (!found) co_return fail(found.error());
  model::Upload u = std::move(*found);
  if (!u.sha256.empty()) co_return co_await finish(u);
  if (offset != u.offset) {
    co_return fail(Error::coded(
        Errc::conflict, "Upload-Offset",
        {"upload.wrong_offset",
         {{"offset", std::to_string(offset)}, {"committed", std::to_string(u.offset)}}}));
  }
  // One writer at a time; the running digest is taken for the duration.
  std::optional<data::Sha256> hash;
  {
    std::lock_guard lock(mu_);
    Running& r = running_[id];
    if (r.busy) {
      co_return fail(Error::coded(Errc::conflict, "", {"upload.busy", {{"id", id}}}));
    }
    r.busy = true;
    if (r.hash && r.offset == u.offset) hash = std::move(r.hash);
    r.hash.reset();
  }
  struct Release {
    UploadService* self;
    const std::string& id;
    ~Release() {
      std::lock_guard lock(self->mu_);
      auto it = self->running_.find(id);
      if (it != self->running_.end()) it->second.busy = false;
    }
  } release{this, id};

  data::BlobStore& blobs = datasets_.blobs();
  if (!hash) {
    // After a restart: the digest of the committed bytes, from the file.
    auto rehashed = co_await datasets_.disk().run([&] { return blobs.upload_rehash(id, u.offset); });
    if (!rehashed) co_return fail(rehashed.error());
    hash = std::move(*rehashed);
  }
  std::optional<data::FileAppender> out;
  {
    auto opened = data::FileAppender::open(blobs.upload_path(id), static_cast<uint64_t>(u.offset));
    if (!opened) co_return fail(opened.error());
    out.emplace(std::move(*opened));
  }

  // The bytes go to the file and into the digests as they arrive: the running digest, and the
  // body's own when it has a checksum (data/body_receiver: on a disk thread, beside the network).
  const int64_t room = u.length - u.offset;
  data::Sha256 running = *hash;  // becomes the upload's digest only if this body counts
  std::optional<data::Sha256> piece_hash;
  if (checksum) piece_hash.emplace();
  std::vector<data::Sha256*> digests = {&running};
  if (piece_hash) digests.push_back(&*piece_hash);
  data::DiskWork& disk = datasets_.disk();
  auto received = co_await data::receive_to_file(body, *out, digests,
                                                 static_cast<uint64_t>(room), disk);
  if (!received) {
    (void)out->truncate(static_cast<uint64_t>(u.offset));
    if (received.error().code != Errc::payload_too_large) co_return fail(received.error());
    co_return fail(Error::coded(
        Errc::payload_too_large, "Content-Length",
        {"upload.past_length",
         {{"length", std::to_string(u.length)}, {"committed", std::to_string(u.offset)}}}));
  }
  const int64_t got = static_cast<int64_t>(received->bytes);
  const std::optional<Error> broken = received->broken;
  // With a checksum, the body counts whole or not at all.
  if (checksum && broken) {
    (void)out->truncate(static_cast<uint64_t>(u.offset));
    co_return fail(*broken);
  }
  if (broken && got == 0) co_return fail(*broken);
  // Commit: the bytes are made durable, then the offset moves.
  if (auto s = co_await disk.run([&] { return out->sync(); }); !s) {
    (void)out->truncate(static_cast<uint64_t>(u.offset));
    co_return fail(s.error());
  }
  if (piece_hash && piece_hash->digest() != *checksum) {
    (void)out->truncate(static_cast<uint64_t>(u.offset));
    co_return fail(Error::coded(Errc::checksum_mismatch, "Upload-Checksum",
                                {"upload.checksum_mismatch",
                                 {{"actual", data::digest_base64(piece_hash->digest())},
                                  {"expected", data::digest_base64(*checksum)}}}));
  }
  out.reset();
  const int64_t to = u.offset + got;
  std::optional<std::string> digest;
  if (to == u.length) digest = data::digest_hex(running.digest());
  auto moved = co_await store_.run([&](store::Db& db) {
    std::optional<std::string_view> d;
    if (digest) d = *digest;
    return store::advance_upload(db, id, u.offset, to, d);
  });
  if (!moved) co_return fail(moved.error());
  if (!*moved) {
    co_return fail(Error::coded(Errc::conflict, "", {"upload.changed", {{"id", id}}}));
  }
  {
    std::lock_guard lock(mu_);
    Running& r = running_[id];
    r.offset = to;
    r.hash = std::move(running);
  }
  u.offset = to;
  if (digest) {
    u.sha256 = *digest;
    co_return co_await finish(u);
  }
  if (broken) co_return fail(*broken);
  co_return u;
}

asio::awaitable<Result<model::Upload>> UploadService::finish(const model::Upload& u) {
  data::BlobStore& blobs = datasets_.blobs();
  const std::filesystem::path partial = blobs.upload_path(u.id);
  std::optional<data::Digest> known;
  if (!u.sha256.empty()) known = data::digest_from_hex(u.sha256);
  // Stored as a blob (idempotent: after a crash the blob may be there and the partial gone).
  auto stored = co_await datasets_.disk().run([&]() -> Result<data::BlobInfo> {
    std::error_code ec;
    if (!std::filesystem::exists(partial, ec)) {
      if (u.length == 0) {
        // An empty file has no partial: write the empty blob.
        auto a = data::FileAppender::open(partial, 0);
        if (!a) return fail(a.error());
      } else if (!u.sha256.empty() && blobs.has(u.sha256)) {
        return data::BlobInfo{u.sha256, static_cast<uint64_t>(u.length)};
      } else {
        return fail(Error::internal("upload " + u.id + " lost its bytes"));
      }
    }
    return blobs.adopt(partial, known, std::nullopt);
  });
  if (!stored) co_return fail(stored.error());
  model::DatasetFile file{u.path, u.length, stored->sha256, clock_.now()};
  auto rec = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      auto d = store::find_dataset(db, u.dataset_id);
      if (!d) return fail(d.error());
      if (auto del = store::delete_upload(db, u.id); !del) return del;
      // A dataset deleted or sealed meanwhile takes no more files; the blob is collected.
      if (!*d || (*d)->sealed_at) return ok();
      return datasets_.add_file_in(db, **d, file);
    });
  });
  if (!rec) co_return fail(rec.error());
  {
    std::lock_guard lock(mu_);
    running_.erase(u.id);
  }
  model::Upload done = u;
  done.offset = u.length;
  done.sha256 = stored->sha256;
  co_return done;
}

asio::awaitable<Result<void>> UploadService::terminate(const Caller& caller,
                                                       const std::string& id) {
  const AuditEntry ended = audit_.entry(caller, "dataset.upload_cancel", "upload", id,
                                        caller.who.org_id);
  auto del = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      auto u = own_upload(db, caller.who, id);
      if (!u) return fail(u.error());
      if (auto r = store::delete_upload(db, id); !r) return r;
      return store::insert_audit(db, ended);
    });
  });
  if (!del) co_return fail(del.error());
  {
    std::lock_guard lock(mu_);
    running_.erase(id);
  }
  datasets_.blobs().upload_remove(id);
  co_return ok();
}

asio::awaitable<Result<int>> UploadService::tidy() {
  auto complete = co_await store_.run([&](store::Db& db) { return store::complete_uploads(db); });
  if (!complete) co_return fail(complete.error());
  for (const auto& u : *complete) (void)co_await finish(u);
  const TimePoint now = clock_.now();
  auto expired = co_await store_.run([&](store::Db& db) { return store::expired_uploads(db, now); });
  if (!expired) co_return fail(expired.error());
  int removed = 0;
  for (const auto& u : *expired) {
    auto del = co_await store_.run([&](store::Db& db) { return store::delete_upload(db, u.id); });
    if (!del) continue;
    datasets_.blobs().upload_remove(u.id);
    ++removed;
  }
  co_return removed;
}

}  // namespace suanwang::services
