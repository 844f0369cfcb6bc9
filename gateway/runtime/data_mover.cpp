// Staging and collection (see data_mover.hpp).
#include "gateway/runtime/data_mover.hpp"

#include <chrono>

#include "gateway/store/dataset_repo.hpp"

namespace suanwang::runtime {

namespace asio = boost::asio;

namespace {

// Our words (`code`) before a message from elsewhere: the English and its coded parts.
template <class Failed>
Failed failed(std::string code, i18n::Params params, std::string message) {
  std::vector<i18n::Message> detail{{std::move(code), std::move(params)},
                                    {"reason.text", {{"text", std::move(message)}}}};
  std::string english = i18n::render(detail, i18n::Lang::en);
  return Failed{std::move(english), std::move(detail)};
}

}  // namespace

asio::awaitable<lifecycle::Input> DataMover::stage(const model::JobRecord& job) {
  std::vector<adapters::StageFile> files;
  for (const auto& in : job.spec.inputs) {
    if (!in.staged) continue;
    const std::string ds = in.dataset;
    auto listed = co_await store_.run([&](store::Db& db) { return store::list_dataset_files(db, ds); });
    if (!listed) {
      co_return failed<lifecycle::StagingFailed>("reason.dataset_unreadable", {{"dataset", ds}},
                                                 listed.error().message);
    }
    for (const auto& f : *listed) {
      files.push_back({in.path + f.path, blobs_.blob_path(f.sha256).string(), f.size_bytes,
                       f.sha256});
    }
  }
  const std::string key = job.id;
  const auto started = std::chrono::steady_clock::now();
  auto r = co_await directory_.call(
      job.site_id, [&](adapters::SiteAdapter& a) { return a.stage(key, files); },
      transfer_timeout_);
  if (!r) co_return lifecycle::StagingFailed{r.error().message};
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  co_return lifecycle::Staged{r->bytes, r->files, r->modelled ? r->seconds : took, r->modelled};
}

asio::awaitable<lifecycle::Input> DataMover::collect(const model::JobRecord& job) {
  const std::string job_id = job.id;
  auto made = co_await store_.run([&](store::Db& db) { return store::find_job_outputs(db, job_id); });
  if (made && *made) {
    co_return lifecycle::Collected{(*made)->id, (*made)->size_bytes,
                                   static_cast<int>((*made)->file_count), 0};
  }
  const std::filesystem::path into = blobs_.root() / "tmp" / ("collect-" + job.id);
  std::error_code ec;
  std::filesystem::remove_all(into, ec);
  std::filesystem::create_directories(into, ec);
  const std::vector<std::string> globs = job.spec.outputs->paths;
  const std::string into_s = into.string();
  const auto started = std::chrono::steady_clock::now();
  auto r = co_await directory_.call(
      job.site_id,
      [&](adapters::SiteAdapter& a) { return a.collect(job_id, globs, into_s); },
      transfer_timeout_);
  if (!r) {
    std::filesystem::remove_all(into, ec);
    co_return lifecycle::CollectFailed{r.error().message};
  }
  // Each file into the blob store, its digest checked once more on this side of the hop.
  std::vector<model::DatasetFile> files;
  int64_t bytes = 0;
  for (const auto& f : r->files) {
    const auto expected = data::digest_from_hex(f.sha256);
    const std::filesystem::path local = f.local_path;
    auto stored = co_await disk_.run([&] { return blobs_.adopt(local, std::nullopt, expected); });
    if (!stored) {
      std::filesystem::remove_all(into, ec);
      co_return failed<lifecycle::CollectFailed>("reason.file_error", {{"path", f.path}},
                                                 stored.error().message);
    }
    files.push_back({f.path, static_cast<int64_t>(stored->size), stored->sha256, clock_.now()});
    bytes += static_cast<int64_t>(stored->size);
  }
  std::filesystem::remove_all(into, ec);
  model::Dataset d;
  d.id = ids_.next("ds");
  d.org_id = job.org_id;
  d.name = job.spec.name + "-outputs-" + job.id;
  d.kind = model::DatasetKind::files;
  d.created_at = clock_.now();
  d.sealed_at = d.created_at;
  d.job_id = job.id;
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto r2 = store::insert_dataset(db, d); !r2) return r2;
      for (const auto& f : files) {
        if (auto r2 = store::put_dataset_file(db, d.id, f); !r2) return r2;
      }
      return ok();
    });
  });
  if (!ins) {
    co_return failed<lifecycle::CollectFailed>("reason.outputs_unrecorded", {},
                                               ins.error().message);
  }
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  co_return lifecycle::Collected{d.id, bytes, static_cast<int>(files.size()),
                                 r->report.modelled ? r->report.seconds : took};
}

}  // namespace suanwang::runtime
