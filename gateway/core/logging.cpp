// JSON-lines logger (see logging.hpp).
#include "gateway/core/logging.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
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

}  // namespace

void Logger::log(LogLevel level, std::string_view msg, nlohmann::json fields) {
  if (!enabled(level)) return;
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
  write_line(text);
}

void Logger::write_line(std::string_view line) {
  std::unique_lock lock(mu_);
  drained_.wait(lock, [&] { return pending_.size() < kMaxPending; });
  pending_.append(line);
  if (writing_) return;  // the caller writing now takes this line with its next batch
  writing_ = true;
  std::string batch;
  while (!pending_.empty()) {
    batch.clear();
    batch.swap(pending_);
    lock.unlock();
    out_.write(batch.data(), static_cast<std::streamsize>(batch.size()));
    out_.flush();
    lock.lock();
    drained_.notify_all();
  }
  writing_ = false;
}

LogLine::LogLine(Logger& log, LogLevel level, std::string_view msg)
    : log_(log), enabled_(log.enabled(level)) {
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
  log_.write_line(text_);
  enabled_ = false;  // written once
}

}  // namespace suanwang
