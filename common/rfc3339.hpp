// RFC 3339 UTC times, as the gateway's API writes them ("2026-11-21T06:10:08.123Z") and reads
// them (any offset, optional fraction). Shared by the gateway (gateway/core/clock) and the
// adapters that read a gateway's answers (peer).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace suanwang::common {

// Millisecond precision, always UTC with a 'Z'.
std::string format_rfc3339(std::chrono::system_clock::time_point t);
// YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM) with a year from 1900 to 2200; nullopt for
// anything else or an impossible date.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s);

}  // namespace suanwang::common
