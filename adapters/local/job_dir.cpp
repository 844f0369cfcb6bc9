// On-disk layout and atomic file helpers for local jobs.
#include "adapters/local/job_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "adapters/common/job_json.hpp"
#include "adapters/common/small_file.hpp"

namespace suanwang::adapters::local {
namespace {

template <class Int>
std::optional<Int> parse_int(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string errno_text(const char* what, const std::filesystem::path& path) {
  return std::string(what) + " " + path.string() + ": " + std::strerror(errno);
}

}  // namespace

JobPaths::JobPaths(std::filesystem::path job_dir)
    : dir(std::move(job_dir)),
      job_json(dir / "job.json"),
      script(dir / "job.sh"),
      claim(dir / "start.claim"),
      output(dir / "output.log"),
      pid(dir / "pid"),
      exit_code(dir / "exit_code"),
      canceled(dir / "canceled"),
      walltime(dir / "walltime_exceeded"),
      start_failed(dir / "start_failed"),
      ended_at(dir / "ended_at"),
      container_env(dir / "container.env"),
      container_error(dir / "container_error") {}

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > 200) return false;
  // No ".", "..", hidden names or names that look like options.
  if (key.front() == '.' || key.front() == '-') return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string record_to_text(const JobRecord& record) {
  nlohmann::json j = {
      {"request", job_to_json(record.request)},
      {"seq", record.seq},
      {"submitted_at_ms", to_unix_ms(record.submitted_at)},
  };
  if (record.started_at) j["started_at_ms"] = to_unix_ms(*record.started_at);
  return j.dump(2) + "\n";
}

AdapterResult<JobRecord> record_from_text(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return adapter_fail(AdapterErrc::bad_response, "job.json is not a JSON object");
  }
  try {
    JobRecord record;
    auto request = job_from_json(j.at("request"));
    if (!request) return std::unexpected(request.error());
    record.request = std::move(*request);
    record.seq = j.value("seq", uint64_t{0});
    record.submitted_at = from_unix_ms(j.value("submitted_at_ms", int64_t{0}));
    if (auto it = j.find("started_at_ms"); it != j.end() && !it->is_null()) {
      record.started_at = from_unix_ms(it->get<int64_t>());
    }
    return record;
  } catch (const nlohmann::json::exception& e) {
    return adapter_fail(AdapterErrc::bad_response,
                        std::string("job.json is malformed: ") + e.what());
  }
}

std::string pid_to_text(const PidRecord& record) {
  return std::to_string(record.pid) + " " + std::to_string(record.start_ticks) + "\n";
}

std::optional<PidRecord> pid_from_text(std::string_view text) {
  const auto space = text.find(' ');
  auto pid = parse_int<pid_t>(text.substr(0, space));
  if (!pid || *pid <= 0) return std::nullopt;
  PidRecord record{*pid, 0};
  if (space != std::string_view::npos) {
    record.start_ticks = parse_int<uint64_t>(text.substr(space + 1)).value_or(0);
  }
  return record;
}

AdapterResult<void> write_file_atomic(const std::filesystem::path& path, std::string_view content,
                                      mode_t mode) {
  auto tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return adapter_fail(AdapterErrc::internal, errno_text("cannot create", tmp));
  size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto message = errno_text("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return adapter_fail(AdapterErrc::internal, std::move(message));
    }
    done += static_cast<size_t>(n);
  }
  // The umask must not weaken or widen what the caller asked for (job.sh must be executable).
  ::fchmod(fd, mode);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto message = errno_text("cannot rename onto", path);
    ::unlink(tmp.c_str());
    return adapter_fail(AdapterErrc::internal, std::move(message));
  }
  return {};
}

AdapterResult<bool> create_exclusive(const std::filesystem::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return adapter_fail(AdapterErrc::internal, errno_text("cannot create", path));
  }
  // The content is informative only; the file's existence is the claim.
  [[maybe_unused]] const auto n = ::write(fd, content.data(), content.size());
  ::close(fd);
  return true;
}

bool file_exists(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::optional<TimePoint> file_mtime(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return TimePoint{} + std::chrono::duration_cast<TimePoint::duration>(
                           std::chrono::seconds(st.st_mtim.tv_sec) +
                           std::chrono::nanoseconds(st.st_mtim.tv_nsec));
}

int64_t to_unix_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_unix_ms(int64_t ms) {
  return TimePoint{} +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms));
}

std::optional<TimePoint> time_from_text(std::string_view text) {
  auto ms = parse_int<int64_t>(text);
  if (!ms) return std::nullopt;
  return from_unix_ms(*ms);
}

}  // namespace suanwang::adapters::local
