// BlobStore: the gateway's content-addressed file store under <data-dir>/blobs (DESIGN §8).
// A blob is named by its SHA-256 and written once: bytes go to a temporary file, which is
// hashed, checked against what was expected, fsynced and renamed into place, then the
// directory is fsynced, so a crash leaves either no blob or the whole one. Identical files
// are stored once. Partial uploads (tus) live beside it until they are complete.
//
//   <root>/sha256/<first two hex digits>/<64 hex digits>   the blobs
//   <root>/uploads/<upload id>                             partial uploads
//   <root>/tmp/                                            files being written
//
// Threading: the methods block on the disk (write, fsync, rename, hash); call them from a
// thread that may block (DiskWork), not an I/O thread. Distinct blobs and uploads may be used
// from several threads at once; collect() must not run beside adopt() (the caller's lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gateway/core/result.hpp"
#include "gateway/data/sha256.hpp"

namespace suanwang::data {

struct BlobInfo {
  std::string sha256;  // hex
  uint64_t size = 0;
};

struct GcReport {
  uint64_t blobs_removed = 0;
  uint64_t bytes_freed = 0;
  uint64_t blobs_kept = 0;
};

class BlobStore {
 public:
  // Creates the folders when missing and removes temporary files a crash left behind.
  static Result<BlobStore> open(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path blob_path(std::string_view sha256_hex) const;
  bool has(std::string_view sha256_hex) const;

  // Moves a finished file into the store: fsync, hash (or trust `known` when the caller hashed
  // the same bytes as they arrived), compare with `expected` when given (a mismatch removes the
  // file and fails), rename into place — or drop it when the blob is already there.
  Result<BlobInfo> adopt(const std::filesystem::path& file, std::optional<Digest> known,
                         std::optional<Digest> expected);

  // A new temporary file for bytes to be adopted: the caller writes it, then adopt()s it.
  Result<std::filesystem::path> temp_path();

  // Re-reads a blob and checks its name: false when a byte changed on disk.
  Result<bool> verify(std::string_view sha256_hex) const;

  // Removes blobs for which `referenced` is false and whose file is older than `min_age`
  // (a blob adopted a moment ago may not be recorded yet), and temporary files older than it.
  Result<GcReport> collect(const std::function<bool(std::string_view sha256_hex)>& referenced,
                           std::chrono::seconds min_age);

  // Bytes the blobs take on disk.
  uint64_t bytes_stored() const;

  // ---- partial uploads ----
  std::filesystem::path upload_path(std::string_view upload_id) const;
  // Opens an upload's file for appending at `offset`, creating it; the file is first cut to
  // `offset` (bytes past the last committed offset are a write that was not committed).
  Result<class FileAppender> upload_appender(std::string_view upload_id, uint64_t offset) const;
  // The SHA-256 state over an upload's first `length` bytes (after a restart, or when the
  // running one was lost).
  Result<Sha256> upload_rehash(std::string_view upload_id, uint64_t length) const;
  // Feeds bytes [from, from + length) of an upload's file, as they are on disk, to each of
  // `digests` (one read for all of them). Fails when the file is shorter.
  Result<void> upload_hash_range(std::string_view upload_id, uint64_t from, uint64_t length,
                                 std::span<Sha256* const> digests) const;
  void upload_remove(std::string_view upload_id);

 private:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

// An open file written from an offset on; close on destruction.
class FileAppender {
 public:
  // Creates `p` when missing, cuts it to `offset` and writes from there.
  static Result<FileAppender> open(const std::filesystem::path& p, uint64_t offset);
  FileAppender(FileAppender&& o) noexcept : fd_(o.fd_), pos_(o.pos_), path_(std::move(o.path_)) {
    o.fd_ = -1;
  }
  FileAppender& operator=(FileAppender&&) = delete;
  ~FileAppender();

  Result<void> write(std::span<const char> bytes);
  // Cuts the file back to `length` (a write that must not count).
  Result<void> truncate(uint64_t length);
  // fdatasync: what was written survives a crash.
  Result<void> sync();
  uint64_t position() const { return pos_; }

 private:
  FileAppender(int fd, uint64_t pos, std::filesystem::path p) : fd_(fd), pos_(pos), path_(std::move(p)) {}
  int fd_ = -1;
  uint64_t pos_ = 0;
  std::filesystem::path path_;
};

// fsync of a file or a directory by path.
Result<void> sync_path(const std::filesystem::path& p, bool directory);

// SHA-256 and length of a file read in pieces.
Result<BlobInfo> hash_file(const std::filesystem::path& p);

}  // namespace suanwang::data
