// Staging into and collecting from a reachable file system (see file_staging.hpp).
#include "adapters/common/file_staging.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/glob.hpp"
#include "common/sha256.hpp"

namespace suanwang::adapters {

namespace fs = std::filesystem;

namespace {

// Copies src to dst (through dst.part, renamed when whole), hashing what it writes.
AdapterResult<common::FileDigest> copy_hashing(const fs::path& src, const fs::path& dst) {
  const int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    return adapter_fail(AdapterErrc::internal,
                        "cannot read " + src.string() + ": " + std::strerror(errno));
  }
  const fs::path part = dst.string() + ".part";
  const int out = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    return adapter_fail(AdapterErrc::internal,
                        "cannot write " + part.string() + ": " + std::strerror(err));
  }
  common::Sha256 h;
  std::vector<char> buf(1 << 20);
  uint64_t total = 0;
  std::string error;
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "read " + src.string() + ": " + std::strerror(errno);
      break;
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buf.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        error = "write " + part.string() + ": " + std::strerror(errno);
        break;
      }
      done += w;
    }
    if (!error.empty()) break;
    total += static_cast<uint64_t>(n);
  }
  ::close(in);
  if (error.empty() && ::close(out) != 0) error = "close " + part.string();
  if (!error.empty()) {
    std::error_code ec;
    fs::remove(part, ec);
    return adapter_fail(AdapterErrc::internal, error);
  }
  std::error_code ec;
  fs::rename(part, dst, ec);
  if (ec) return adapter_fail(AdapterErrc::internal, "rename " + dst.string() + ": " + ec.message());
  return common::FileDigest{common::digest_hex(h.digest()), total};
}

bool inside(const fs::path& root, const fs::path& p) {
  const auto r = root.lexically_normal();
  const auto n = p.lexically_normal();
  auto [a, b] = std::mismatch(r.begin(), r.end(), n.begin(), n.end());
  return a == r.end() || (a != r.end() && a->empty());
}

}  // namespace

AdapterResult<TransferReport> stage_into(const fs::path& dir, const std::vector<StageFile>& files) {
  const auto started = std::chrono::steady_clock::now();
  TransferReport report;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return adapter_fail(AdapterErrc::internal, "cannot create " + dir.string());
  for (const auto& f : files) {
    const fs::path dst = dir / f.path;
    if (f.path.empty() || fs::path(f.path).is_absolute() || !inside(dir, dst)) {
      return adapter_fail(AdapterErrc::refused, "staged path '" + f.path + "' leaves the job's directory");
    }
    fs::create_directories(dst.parent_path(), ec);
    // Already there and whole (a retry, or a restart): checked, not copied again. A copy
    // whose bytes changed since is made again.
    if (fs::is_regular_file(fs::symlink_status(dst, ec)) &&
        fs::file_size(dst, ec) == static_cast<uintmax_t>(f.size_bytes)) {
      auto have = common::digest_file(dst.string());
      if (have && have->sha256 == f.sha256) {
        ++report.files;
        continue;
      }
    }
    fs::remove(dst, ec);
    AdapterResult<common::FileDigest> copied = adapter_fail(AdapterErrc::internal, "not copied");
    for (int attempt = 0; attempt < 2; ++attempt) {
      copied = copy_hashing(f.source, dst);
      if (copied && copied->sha256 == f.sha256) break;
    }
    if (!copied) return std::unexpected(copied.error());
    if (copied->sha256 != f.sha256) {
      fs::remove(dst, ec);
      return adapter_fail(AdapterErrc::internal,
                          "the copy of " + f.path + " has SHA-256 " + copied->sha256 +
                              ", not " + f.sha256);
    }
    report.bytes += static_cast<int64_t>(copied->size);
    ++report.files;
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

AdapterResult<Collection> collect_from(const fs::path& dir, const std::vector<std::string>& globs,
                                       const fs::path& into_dir,
                                       const std::set<std::string>& exclude) {
  const auto started = std::chrono::steady_clock::now();
  Collection c;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return adapter_fail(AdapterErrc::not_found, "the job's directory " + dir.string() + " is gone");
  }
  fs::create_directories(into_dir, ec);
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::none, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path rel = fs::relative(it->path(), dir, ec);
    if (it.depth() == 0 && exclude.contains(rel.string())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;  // never follow a link out
    const std::string path = rel.generic_string();
    if (path.ends_with(".part")) continue;
    bool wanted = false;
    for (const auto& g : globs) wanted = wanted || common::glob_match(g, path);
    if (!wanted) continue;
    const fs::path dst = into_dir / rel;
    fs::create_directories(dst.parent_path(), ec);
    auto copied = copy_hashing(it->path(), dst);
    if (!copied) return std::unexpected(copied.error());
    c.files.push_back({path, dst.string(), static_cast<int64_t>(copied->size), copied->sha256});
    c.report.bytes += static_cast<int64_t>(copied->size);
    ++c.report.files;
  }
  if (ec) return adapter_fail(AdapterErrc::internal, "cannot list " + dir.string() + ": " + ec.message());
  c.report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return c;
}

}  // namespace suanwang::adapters
