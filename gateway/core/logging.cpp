// JSON-lines logger (see logging.hpp).
#include "gateway/core/logging.hpp"

#include <chrono>
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
}  // namespace

void Logger::log(LogLevel level, std::string_view msg, nlohmann::json fields) {
  if (!enabled(level)) return;
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = format_rfc3339(std::chrono::system_clock::now());
  line["level"] = level_name(level);
  line["msg"] = msg;
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  // Replace invalid UTF-8 rather than throw: log text may come from outside.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mu_);
  out_ << text << '\n';
  out_.flush();
}

}  // namespace suanwang
