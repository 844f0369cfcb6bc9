// The content-addressed blob store (see blob_store.hpp).
#include "gateway/data/blob_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace suanwang::data {

namespace fs = std::filesystem;

namespace {

Error disk_error(std::string_view what, const fs::path& p, int err) {
  // A full disk is the one failure the client can act on (507 names it).
  if (err == ENOSPC || err == EDQUOT) {
    return Error::coded(Errc::insufficient_storage, "",
                        {"quota.disk_full", {{"operation", std::string(what)}}});
  }
  return Error::internal(std::string(what) + " " + p.string() + ": " + std::strerror(err));
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

constexpr std::size_t kChunk = 1 << 20;

}  // namespace

Result<void> sync_path(const fs::path& p, bool directory) {
  const int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return fail(disk_error("open", p, errno));
  const int rc = directory ? ::fsync(fd) : ::fdatasync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return fail(disk_error("fsync", p, err));
  return ok();
}

Result<BlobInfo> hash_file(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(disk_error("open", p, errno));
  Sha256 h;
  std::vector<char> buf(kChunk);
  uint64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return fail(disk_error("read", p, err));
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
    total += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return BlobInfo{digest_hex(h.digest()), total};
}

// ---- FileAppender ----

Result<FileAppender> FileAppender::open(const fs::path& p, uint64_t offset) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(disk_error("open", p, errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) < offset) {
    ::close(fd);
    return fail(Error::internal("upload file " + p.string() + " is shorter than its offset " +
                                std::to_string(offset)));
  }
  // Cut only when there is something to cut: a truncate is a metadata change the next fsync
  // must journal, and most appends (the next tus piece) start at the file's end.
  const bool longer = static_cast<uint64_t>(st.st_size) > offset;
  if ((longer && ::ftruncate(fd, static_cast<off_t>(offset)) != 0) ||
      ::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    const int err = errno;
    ::close(fd);
    return fail(disk_error("truncate", p, err));
  }
  return FileAppender(fd, offset, p);
}

FileAppender::~FileAppender() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> FileAppender::write(std::span<const char> bytes) {
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      // Leave nothing half-written past what counted.
      (void)::ftruncate(fd_, static_cast<off_t>(pos_));
      (void)::lseek(fd_, static_cast<off_t>(pos_), SEEK_SET);
      return fail(disk_error("write", path_, err));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  pos_ += bytes.size();
  return ok();
}

Result<void> FileAppender::truncate(uint64_t length) {
  if (::ftruncate(fd_, static_cast<off_t>(length)) != 0 ||
      ::lseek(fd_, static_cast<off_t>(length), SEEK_SET) < 0) {
    return fail(disk_error("truncate", path_, errno));
  }
  pos_ = length;
  return ok();
}

Result<void> FileAppender::sync() {
  if (::fdatasync(fd_) != 0) return fail(disk_error("fsync", path_, errno));
  return ok();
}

// ---- BlobStore ----

Result<BlobStore> BlobStore::open(fs::path root) {
  std::error_code ec;
  for (const char* sub : {"sha256", "uploads", "tmp"}) {
    fs::create_directories(root / sub, ec);
    if (ec) return fail(Error::internal("cannot create " + (root / sub).string() + ": " + ec.message()));
    fs::permissions(root / sub, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  // Temporary files are writes a crash interrupted: nothing refers to them.
  for (auto it = fs::directory_iterator(root / "tmp", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code rm;
    fs::remove(it->path(), rm);
  }
  return BlobStore(std::move(root));
}

fs::path BlobStore::blob_path(std::string_view hex) const {
  return root_ / "sha256" / std::string(hex.substr(0, 2)) / std::string(hex);
}

bool BlobStore::has(std::string_view hex) const {
  std::error_code ec;
  return is_hex64(hex) && fs::is_regular_file(blob_path(hex), ec);
}

Result<fs::path> BlobStore::temp_path() {
  static std::atomic<uint64_t> counter{0};
  char name[64];
  std::snprintf(name, sizeof name, "t%d-%llu", static_cast<int>(::getpid()),
                static_cast<unsigned long long>(counter.fetch_add(1)));
  return root_ / "tmp" / name;
}

Result<BlobInfo> BlobStore::adopt(const fs::path& file, std::optional<Digest> known,
                                  std::optional<Digest> expected) {
  if (auto s = sync_path(file, false); !s) return fail(s.error());
  BlobInfo info;
  std::error_code ec;
  if (known) {
    info.sha256 = digest_hex(*known);
    info.size = fs::file_size(file, ec);
    if (ec) return fail(Error::internal("cannot stat " + file.string() + ": " + ec.message()));
  } else {
    auto h = hash_file(file);
    if (!h) return fail(h.error());
    info = *h;
  }
  if (expected && digest_hex(*expected) != info.sha256) {
    fs::remove(file, ec);
    return fail(Error::invalid_coded(
        "sha256", {"upload.sha256_mismatch",
                   {{"actual", info.sha256}, {"expected", digest_hex(*expected)}}}));
  }
  const fs::path dest = blob_path(info.sha256);
  if (fs::is_regular_file(dest, ec)) {
    // Stored once: the same bytes are already here. Touch it so a collection running now
    // does not take it as old and unreferenced.
    fs::last_write_time(dest, fs::file_time_type::clock::now(), ec);
    fs::remove(file, ec);
    return info;
  }
  fs::create_directories(dest.parent_path(), ec);
  if (ec) return fail(Error::internal("cannot create " + dest.parent_path().string()));
  if (::rename(file.c_str(), dest.c_str()) != 0) return fail(disk_error("rename", dest, errno));
  if (auto s = sync_path(dest.parent_path(), true); !s) return fail(s.error());
  return info;
}

Result<bool> BlobStore::verify(std::string_view hex) const {
  if (!is_hex64(hex)) return false;
  auto h = hash_file(blob_path(hex));
  if (!h) return fail(h.error());
  return h->sha256 == hex;
}

Result<GcReport> BlobStore::collect(const std::function<bool(std::string_view)>& referenced,
                                    std::chrono::seconds min_age) {
  GcReport report;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  auto old_enough = [&](const fs::directory_entry& e) {
    std::error_code tec;
    const auto t = e.last_write_time(tec);
    return !tec && now - t >= min_age;
  };
  for (auto shard = fs::directory_iterator(root_ / "sha256", ec);
       !ec && shard != fs::directory_iterator(); shard.increment(ec)) {
    std::error_code sec;
    for (auto it = fs::directory_iterator(shard->path(), sec);
         !sec && it != fs::directory_iterator(); it.increment(sec)) {
      const std::string name = it->path().filename().string();
      if (referenced(name) || !old_enough(*it)) {
        ++report.blobs_kept;
        continue;
      }
      std::error_code rec;
      const uint64_t size = it->file_size(rec);
      if (fs::remove(it->path(), rec)) {
        ++report.blobs_removed;
        report.bytes_freed += size;
      }
    }
  }
  if (ec) return fail(Error::internal("cannot list " + (root_ / "sha256").string()));
  for (auto it = fs::directory_iterator(root_ / "tmp", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code rec;
    if (old_enough(*it)) fs::remove(it->path(), rec);
  }
  return report;
}

uint64_t BlobStore::bytes_stored() const {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_ / "sha256", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code sec;
    if (it->is_regular_file(sec)) total += it->file_size(sec);
  }
  return total;
}

fs::path BlobStore::upload_path(std::string_view upload_id) const {
  return root_ / "uploads" / std::string(upload_id);
}

Result<FileAppender> BlobStore::upload_appender(std::string_view upload_id,
                                                uint64_t offset) const {
  return FileAppender::open(upload_path(upload_id), offset);
}

Result<Sha256> BlobStore::upload_rehash(std::string_view upload_id, uint64_t length) const {
  Sha256 h;
  std::error_code ec;
  if (length == 0 && !fs::exists(upload_path(upload_id), ec)) return h;
  Sha256* const digests[] = {&h};
  if (auto r = upload_hash_range(upload_id, 0, length, digests); !r) return fail(r.error());
  return h;
}

Result<void> BlobStore::upload_hash_range(std::string_view upload_id, uint64_t from,
                                          uint64_t length,
                                          std::span<Sha256* const> digests) const {
  const fs::path p = upload_path(upload_id);
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(disk_error("open", p, errno));
  std::vector<char> buf(kChunk);
  uint64_t at = from;
  uint64_t left = length;
  while (left > 0) {
    const ssize_t n =
        ::pread(fd, buf.data(), std::min<uint64_t>(buf.size(), left), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return fail(Error::internal("upload file " + p.string() + " is shorter than its offset"));
    }
    for (Sha256* d : digests) d->update(buf.data(), static_cast<std::size_t>(n));
    at += static_cast<uint64_t>(n);
    left -= static_cast<uint64_t>(n);
  }
  ::close(fd);
  return ok();
}

void BlobStore::upload_remove(std::string_view upload_id) {
  std::error_code ec;
  fs::remove(upload_path(upload_id), ec);
}

}  // namespace suanwang::data
