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

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s.substr(i));
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

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
  if (!std::isfinite(value)) {
    text_ += "null";  // as nlohmann writes them
    return *this;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  text_.append(buf, r.ptr);
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
