// Datasets (see dataset_service.hpp).
#include "gateway/services/dataset_service.hpp"

#include "gateway/store/dataset_repo.hpp"

#include <algorithm>

#include "gateway/data/body_receiver.hpp"
#include "gateway/services/not_found.hpp"
#include "gateway/store/audit_repo.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

asio::awaitable<Result<model::Dataset>> DatasetService::create(const Caller& caller,
                                                               const Json& body) {
  auto d = model::parse_dataset(body);
  if (!d) co_return fail(d.error());
  if (d->kind == model::DatasetKind::files) {
    if (!caller.who.is_user() && !caller.who.is_admin()) {
      // Operators run sites; data belongs to the orgs that submit work.
      co_return fail(Error::coded(Errc::forbidden, "kind", {"dataset.files_need_user_org", {}}));
    }
  }
  for (std::size_t i = 0; i < d->replicas.size(); ++i) {
    auto& r = d->replicas[i];
    const std::string f = "replicas[" + std::to_string(i) + "]";
    if (!r.site.empty()) {
      auto v = directory_.view(r.site);
      if (!v) {
        co_return fail(Error::coded(Errc::unprocessable, f + ".site",
                                    {"site.unknown", {{"field", f + ".site"}, {"site", r.site}}}));
      }
      if (!r.region.empty() && r.region != v->site.region) {
        co_return fail(Error::invalid_coded(
            f + ".region",
            {"dataset.region_mismatch",
             {{"field", f + ".region"}, {"region", r.region}, {"site_region", v->site.region}}}));
      }
      r.region = v->site.region;
    } else if (!geography_.has_region(r.region)) {
      co_return fail(
          Error::coded(Errc::unprocessable, f + ".region",
                       {"region.unknown", {{"field", f + ".region"}, {"region", r.region}}}));
    }
  }
  d->id = ids_.next("ds");
  d->org_id = caller.who.org_id;
  d->created_at = clock_.now();
  const AuditEntry created =
      audit_.entry(caller, "dataset.create", "dataset", d->id, d->org_id, {{"name", d->name}});
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto r = store::insert_dataset(db, *d); !r) return r;
      return store::insert_audit(db, created);
    });
  });
  if (!ins) co_return fail(ins.error());
  co_return std::move(*d);
}

asio::awaitable<Result<Page<model::Dataset>>> DatasetService::list(const auth::Principal& who,
                                                                   const PageRequest& page) {
  std::optional<std::string> org;
  if (!who.is_admin()) org = who.org_id;
  auto all = co_await store_.run([&](store::Db& db) {
    std::optional<std::string_view> of;
    if (org) of = *org;
    return store::list_datasets(db, of);
  });
  if (!all) co_return fail(all.error());
  co_return page_of(std::move(*all), page,
                    [](const model::Dataset& d) -> const std::string& { return d.id; });
}

asio::awaitable<Result<model::Dataset>> DatasetService::find(const auth::Principal& who,
                                                             const std::string& id) {
  auto d = co_await store_.run([&](store::Db& db) { return store::find_dataset(db, id); });
  if (!d) co_return fail(d.error());
  if (!*d || !who.owns((*d)->org_id)) co_return fail(no_dataset(id));
  co_return std::move(**d);
}

asio::awaitable<Result<void>> DatasetService::remove(const Caller& caller, const std::string& id) {
  const TimePoint now = clock_.now();
  const auth::Principal& who = caller.who;
  // Found, checked and deleted in one transaction; the audit entry gets the dataset's org there.
  const AuditEntry deleted = audit_.entry(caller, "dataset.delete", "dataset", id, "");
  auto del = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      auto d = store::find_dataset(db, id);
      if (!d) return fail(d.error());
      if (!*d || !who.owns((*d)->org_id)) return fail(no_dataset(id));
      if (auto r = store::delete_dataset(db, (*d)->org_id, id, now); !r) return fail(r.error());
      AuditEntry e = deleted;
      e.object_org_id = (*d)->org_id;
      return store::insert_audit(db, e);
    });
  });
  if (!del) co_return fail(del.error());
  // Its blobs that no other dataset shares go now (best effort: the next collection retries).
  // Blobs written or re-used within the last minute stay: an upload of the same bytes may be
  // between storing its blob and recording its file.
  (void)co_await collect_garbage(kBlobGrace);
  co_return ok();
}

namespace {

// The caller's own org's dataset (content is never shown across orgs, not even to admins).
Result<model::Dataset> own_dataset(store::Db& db, const auth::Principal& who,
                                   const std::string& id) {
  auto d = store::find_dataset(db, id);
  if (!d) return fail(d.error());
  if (!*d || (*d)->org_id != who.org_id) return fail(no_dataset(id));
  return std::move(**d);
}

Result<model::Dataset> open_files_dataset(store::Db& db, const auth::Principal& who,
                                          const std::string& id) {
  auto d = own_dataset(db, who, id);
  if (!d) return d;
  if (d->kind != model::DatasetKind::files) {
    return fail(Error::coded(Errc::conflict, "", {"dataset.declared", {{"id", id}}}));
  }
  if (d->sealed_at) {
    return fail(Error::coded(Errc::conflict, "", {"dataset.sealed", {{"id", id}}}));
  }
  return d;
}

}  // namespace

Result<void> DatasetService::check_room(store::Db& db, const std::string& org_id, int64_t more,
                                        const std::string& field) const {
  if (more > limits_.max_upload_bytes) {
    return fail(Error::coded(
        Errc::payload_too_large, field,
        {"quota.file_too_large",
         {{"size", std::to_string(more)}, {"max", std::to_string(limits_.max_upload_bytes)}}}));
  }
  auto used = store::org_storage_used(db, org_id);
  if (!used) return fail(used.error());
  auto own = store::org_storage_quota(db, org_id);
  if (!own) return fail(own.error());
  const int64_t quota = own->value_or(limits_.storage_quota_bytes);
  if (*used + more > quota) {
    return fail(Error::coded(Errc::insufficient_storage, field,
                             {"quota.storage_full",
                              {{"quota", std::to_string(quota)},
                               {"used", std::to_string(*used)},
                               {"size", std::to_string(more)},
                               {"free", std::to_string(std::max<int64_t>(0, quota - *used))}}}));
  }
  return ok();
}

asio::awaitable<Result<model::Dataset>> DatasetService::outputs_of(const auth::Principal& who,
                                                                   const std::string& job_id) {
  auto d = co_await store_.run([&](store::Db& db) { return store::find_job_outputs(db, job_id); });
  if (!d) co_return fail(d.error());
  if (!*d || (*d)->org_id != who.org_id) {
    co_return fail(Error::coded(Errc::not_found, "", {"dataset.no_outputs", {{"job", job_id}}}));
  }
  co_return std::move(**d);
}

asio::awaitable<Result<model::Dataset>> DatasetService::find_open(const auth::Principal& who,
                                                                  const std::string& id) {
  co_return co_await store_.run([&](store::Db& db) { return open_files_dataset(db, who, id); });
}

asio::awaitable<Result<std::vector<model::DatasetFile>>> DatasetService::files(
    const auth::Principal& who, const std::string& id) {
  co_return co_await store_.run([&](store::Db& db) -> Result<std::vector<model::DatasetFile>> {
    auto d = own_dataset(db, who, id);
    if (!d) return fail(d.error());
    return store::list_dataset_files(db, id);
  });
}

asio::awaitable<Result<DatasetService::OpenFile>> DatasetService::open_file(
    const auth::Principal& who, const std::string& id, const std::string& path) {
  auto f = co_await store_.run([&](store::Db& db) -> Result<model::DatasetFile> {
    auto d = own_dataset(db, who, id);
    if (!d) return fail(d.error());
    auto file = store::find_dataset_file(db, id, path);
    if (!file) return fail(file.error());
    if (!*file) {
      return fail(
          Error::coded(Errc::not_found, "path", {"dataset.no_file", {{"id", id}, {"path", path}}}));
    }
    return std::move(**file);
  });
  if (!f) co_return fail(f.error());
  OpenFile out{std::move(*f), {}};
  out.blob = blobs_.blob_path(out.file.sha256);
  co_return out;
}

Result<void> DatasetService::add_file_in(store::Db& db, const model::Dataset& d,
                                         const model::DatasetFile& f) {
  return store::put_dataset_file(db, d.id, f);
}

asio::awaitable<Result<model::DatasetFile>> DatasetService::put_file(
    const Caller& caller, const std::string& id, const std::string& path, data::ByteSource& body,
    std::optional<data::Digest> expected) {
  const auto declared = body.declared_length();
  if (!declared) {
    co_return fail(Error::invalid_coded("Content-Length", {"upload.content_length_required", {}}));
  }
  const auto length = static_cast<int64_t>(*declared);
  auto room = co_await store_.run([&](store::Db& db) -> Result<void> {
    auto d = open_files_dataset(db, caller.who, id);
    if (!d) return fail(d.error());
    return check_room(db, d->org_id, length, "Content-Length");
  });
  if (!room) co_return fail(room.error());

  // The bytes go to a temporary file, hashed as they come; nothing is visible until stored.
  auto tmp = blobs_.temp_path();
  if (!tmp) co_return fail(tmp.error());
  const std::filesystem::path tmp_path = *tmp;
  std::optional<data::FileAppender> out;
  {
    auto opened = data::FileAppender::open(tmp_path, 0);
    if (!opened) co_return fail(opened.error());
    out.emplace(std::move(*opened));
  }
  // Written and hashed as the bytes arrive (data/body_receiver: on a disk thread, beside the
  // network).
  data::Sha256 hash;
  data::Sha256* const digests[] = {&hash};
  auto received = co_await data::receive_to_file(body, *out, digests,
                                                 static_cast<uint64_t>(length), disk_);
  Result<void> failed = ok();
  if (!received) {
    failed = fail(received.error());
  } else if (received->broken) {
    failed = fail(*received->broken);
  }
  const int64_t got = static_cast<int64_t>(out->position());
  out.reset();
  if (failed && got != length) {
    failed = fail(Error::invalid_coded(
        "Content-Length",
        {"upload.body_short", {{"got", std::to_string(got)}, {"length", std::to_string(length)}}}));
  }
  if (!failed) {
    std::error_code ec;
    std::filesystem::remove(tmp_path, ec);
    co_return fail(failed.error());
  }
  const data::Digest digest = hash.digest();
  auto stored = co_await disk_.run([&] { return blobs_.adopt(tmp_path, digest, expected); });
  if (!stored) co_return fail(stored.error());
  model::DatasetFile file{path, length, stored->sha256, clock_.now()};
  const AuditEntry added = audit_.entry(caller, "dataset.file_put", "dataset", id,
                                        caller.who.org_id, {{"path", path}, {"size_bytes", length}});
  auto rec = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      // Re-checked: the dataset may have been sealed or deleted meanwhile.
      auto d = open_files_dataset(db, caller.who, id);
      if (!d) return fail(d.error());
      if (auto r = add_file_in(db, *d, file); !r) return r;
      return store::insert_audit(db, added);
    });
  });
  if (!rec) co_return fail(rec.error());
  co_return file;
}

asio::awaitable<Result<model::Dataset>> DatasetService::seal(const Caller& caller,
                                                             const std::string& id) {
  const AuditEntry sealed =
      audit_.entry(caller, "dataset.seal", "dataset", id, caller.who.org_id);
  const TimePoint now = clock_.now();
  auto r = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<model::Dataset> {
      auto d = open_files_dataset(db, caller.who, id);
      if (!d) {
        // Sealing twice is not an error: the answer is the same dataset.
        auto again = own_dataset(db, caller.who, id);
        if (again && again->kind == model::DatasetKind::files && again->sealed_at) return again;
        return d;
      }
      auto ups = store::list_uploads(db, id);
      if (!ups) return fail(ups.error());
      if (!ups->empty()) {
        std::string names;
        for (const auto& u : *ups) {
          // Numbers and a slash read the same in every language.
          names += (names.empty() ? "" : ", ") + u.path + " (" + std::to_string(u.offset) + "/" +
                   std::to_string(u.length) + " B)";
        }
        return fail(Error::coded(Errc::conflict, "",
                                 {"dataset.uploads_under_way", {{"id", id}, {"uploads", names}}}));
      }
      if (d->file_count == 0) {
        return fail(Error::coded(Errc::conflict, "", {"dataset.no_files", {{"id", id}}}));
      }
      if (auto s = store::seal_dataset(db, id, now); !s) return fail(s.error());
      if (auto a = store::insert_audit(db, sealed); !a) return fail(a.error());
      d->sealed_at = now;
      return d;
    });
  });
  co_return r;
}

asio::awaitable<Result<data::GcReport>> DatasetService::collect_garbage(
    std::chrono::seconds min_age) {
  auto refs = co_await store_.run([&](store::Db& db) { return store::referenced_blobs(db); });
  if (!refs) co_return fail(refs.error());
  const std::vector<std::string>& sorted = *refs;
  co_return co_await disk_.run([&] {
    return blobs_.collect(
        [&](std::string_view hex) {
          return std::binary_search(sorted.begin(), sorted.end(), hex,
                                    [](std::string_view a, std::string_view b) { return a < b; });
        },
        min_age);
  });
}

}  // namespace suanwang::services
