// Logger, its rotating log file, and the terminal's text form of a line (see logging.hpp).
#include "gateway/core/logging.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <ostream>

#include "gateway/core/clock.hpp"

namespace suanwang {
namespace {

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

// {"ts":"…","level":"…","msg":"…"  (no closing brace)
std::string line_head(LogLevel level, std::string_view msg) {
  std::string s;
  s.reserve(256);
  s += "{\"ts\":\"";
  s += format_rfc3339(std::chrono::system_clock::now());
  s += "\",\"level\":\"";
  s += level_name(level);
  s += "\",\"msg\":";
  append_json_string(s, msg);
  return s;
}

int open_log_file(const std::filesystem::path& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

// A field value on the terminal: plain words bare, anything else as JSON.
void append_text_value(std::string& out, const nlohmann::ordered_json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    bool bare = !s.empty();
    for (unsigned char c : s) {
      if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
        bare = false;
        break;
      }
    }
    if (bare) {
      out += s;
      return;
    }
  }
  out += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

// ---- RotatingFile ----------------------------------------------------------------------------

RotatingFile::RotatingFile(std::filesystem::path path, std::size_t max_bytes, int keep, int fd,
                           std::size_t size)
    : path_(std::move(path)), max_bytes_(max_bytes), keep_(keep), fd_(fd), size_(size) {}

RotatingFile::~RotatingFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<RotatingFile>> RotatingFile::open(std::filesystem::path path,
                                                         std::size_t max_bytes, int keep) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const int fd = open_log_file(path);
  if (fd < 0) {
    return fail(Error::unavailable("cannot open the log file " + path.string() + ": " +
                                   std::strerror(errno)));
  }
  struct stat st {};
  const std::size_t size = ::fstat(fd, &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
  return std::unique_ptr<RotatingFile>(
      new RotatingFile(std::move(path), max_bytes, keep < 0 ? 0 : keep, fd, size));
}

std::string RotatingFile::rotate() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  if (keep_ == 0) std::filesystem::remove(path_, ec);
  // PATH.{keep-1} replaces PATH.{keep} (the oldest goes), …, PATH becomes PATH.1.
  for (int i = keep_; i >= 1; --i) {
    const std::filesystem::path from =
        i == 1 ? path_ : std::filesystem::path(path_.string() + "." + std::to_string(i - 1));
    const std::filesystem::path to(path_.string() + "." + std::to_string(i));
    std::filesystem::rename(from, to, ec);  // a missing one (not rotated that far yet) is fine
  }
  fd_ = open_log_file(path_);
  size_ = 0;
  if (fd_ < 0) return "cannot open " + path_.string() + ": " + std::strerror(errno);
  return {};
}

std::string RotatingFile::write(std::string_view batch) {
  if (fd_ < 0 || (size_ > 0 && size_ + batch.size() > max_bytes_)) {
    if (auto err = rotate(); !err.empty()) return err;
  }
  while (!batch.empty()) {
    const ssize_t n = ::write(fd_, batch.data(), batch.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return "cannot write " + path_.string() + ": " + std::strerror(errno);
    }
    size_ += static_cast<std::size_t>(n);
    batch.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// ---- Logger ----------------------------------------------------------------------------------

Logger::Logger(std::ostream& out, LogLevel min_level)
    : Logger(out, LogOutputs{min_level, LogFormat::json, nullptr}) {}

Logger::Logger(std::ostream& terminal, LogOutputs outputs)
    : out_(terminal),
      min_level_(outputs.level),
      terminal_format_(outputs.terminal_format),
      file_(std::move(outputs.file)),
      to_file_(file_ != nullptr) {}

Logger::~Logger() = default;

void Logger::log(LogLevel level, std::string_view msg, nlohmann::json fields, LogChannel channel) {
  if (!enabled(level, channel)) return;
  std::string text = line_head(level, msg);
  if (fields.is_object()) {
    for (const auto& [k, v] : fields.items()) {
      if (k == "ts" || k == "level" || k == "msg") continue;
      text.push_back(',');
      append_json_string(text, k);
      text.push_back(':');
      // Replace invalid UTF-8 rather than throw: log text may come from outside.
      text += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  text += "}\n";
  write_line(text, level, channel);
}

void Logger::write_line(std::string_view line, LogLevel level, LogChannel channel) {
  const bool terminal = to_terminal(level, channel);
  const bool file = to_file_ && level >= min_level_;
  if (!terminal && !file) return;
  // The text form is made by the caller, outside the lock.
  const std::string text =
      terminal && terminal_format_ == LogFormat::text ? render_log_text(line) : std::string();
  std::unique_lock lock(mu_);
  drained_.wait(lock,
                [&] { return terminal_pending_.size() + file_pending_.size() < kMaxPending; });
  if (terminal) terminal_pending_.append(terminal_format_ == LogFormat::text ? text : line);
  if (file) file_pending_.append(line);
  if (writing_) return;  // the caller writing now takes this line with its next batch
  writing_ = true;
  std::string to_terminal_batch;
  std::string to_file_batch;
  while (!terminal_pending_.empty() || !file_pending_.empty()) {
    to_terminal_batch.clear();
    to_file_batch.clear();
    to_terminal_batch.swap(terminal_pending_);
    to_file_batch.swap(file_pending_);
    lock.unlock();
    if (!to_file_batch.empty()) {
      const std::string err = file_->write(to_file_batch);
      if (!err.empty() && !file_failed_) {
        // Said once on the terminal (until the file works again): lines are being lost.
        std::string report = line_head(LogLevel::error, "log file write failed; lines are lost");
        report += ",\"error\":";
        append_json_string(report, err);
        report += "}\n";
        to_terminal_batch += terminal_format_ == LogFormat::text ? render_log_text(report) : report;
      }
      file_failed_ = !err.empty();
    }
    if (!to_terminal_batch.empty()) {
      out_.write(to_terminal_batch.data(), static_cast<std::streamsize>(to_terminal_batch.size()));
      out_.flush();
    }
    lock.lock();
    drained_.notify_all();
  }
  writing_ = false;
}

// ---- LogLine ---------------------------------------------------------------------------------

LogLine::LogLine(Logger& log, LogLevel level, std::string_view msg, LogChannel channel)
    : log_(log), level_(level), channel_(channel), enabled_(log.enabled(level, channel)) {
  if (enabled_) text_ = line_head(level, msg);
}

void LogLine::key(std::string_view k) {
  text_.push_back(',');
  append_json_string(text_, k);
  text_.push_back(':');
}

LogLine& LogLine::add(std::string_view k, std::string_view value) {
  if (!enabled_) return *this;
  key(k);
  append_json_string(text_, value);
  return *this;
}

template <class Integer>
LogLine& LogLine::add_integer(std::string_view k, Integer value) {
  if (!enabled_) return *this;
  key(k);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  text_.append(buf, r.ptr);
  return *this;
}
template LogLine& LogLine::add_integer<int64_t>(std::string_view, int64_t);
template LogLine& LogLine::add_integer<uint64_t>(std::string_view, uint64_t);

LogLine& LogLine::add(std::string_view k, double value) {
  if (!enabled_) return *this;
  key(k);
  append_json_number(text_, value);
  return *this;
}

LogLine& LogLine::add(std::string_view k, bool value) {
  if (!enabled_) return *this;
  key(k);
  text_ += value ? "true" : "false";
  return *this;
}

void LogLine::write() {
  if (!enabled_) return;
  text_ += "}\n";
  log_.write_line(text_, level_, channel_);
  enabled_ = false;  // written once
}

// ---- the terminal's text form ----------------------------------------------------------------

std::string render_log_text(std::string_view json_line) {
  // Ordered: the fields in the order the line has them.
  const auto j = nlohmann::ordered_json::parse(json_line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    std::string raw(json_line);
    if (raw.empty() || raw.back() != '\n') raw.push_back('\n');
    return raw;
  }
  std::string out;
  out.reserve(128);
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char clock_text[16];
  std::strftime(clock_text, sizeof clock_text, "%H:%M:%S", &local);
  out += clock_text;
  out.push_back(' ');
  const std::string level = j.value("level", std::string("info"));
  std::string label = level == "warn"    ? "WARN"
                      : level == "error" ? "ERROR"
                      : level == "debug" ? "DEBUG"
                                         : "INFO";
  label.resize(5, ' ');
  out += label;
  out.push_back(' ');
  const std::string msg = j.value("msg", std::string());
  if (msg == "access" && j.contains("method") && j.contains("path")) {
    // GET /api/v1/sites?page_size=5 200 1.3 ms: the request line's words as they are (a
    // request target holds no spaces), control characters shown as '?'.
    for (const char* key : {"method", "path"}) {
      const auto& v = j[key];
      if (!v.is_string()) {
        append_text_value(out, v);
      } else {
        for (unsigned char c : v.get_ref<const std::string&>()) {
          out.push_back(c < ' ' || c == 0x7f ? '?' : static_cast<char>(c));
        }
      }
      out.push_back(' ');
    }
    out.pop_back();
    if (j.contains("status")) {
      out.push_back(' ');
      append_text_value(out, j["status"]);
    }
    if (const auto d = j.find("duration_ms"); d != j.end() && d->is_number()) {
      char ms[32];
      std::snprintf(ms, sizeof ms, " %.1f ms", d->get<double>());
      out += ms;
    }
    out.push_back('\n');
    return out;
  }
  out += msg;
  bool first = true;
  for (const auto& [k, v] : j.items()) {
    if (k == "ts" || k == "level" || k == "msg") continue;
    out += first ? "  " : " ";
    first = false;
    out += k;
    out.push_back('=');
    append_text_value(out, v);
  }
  out.push_back('\n');
  return out;
}

}  // namespace suanwang
