// Byte encodings and digests the security code shares: SHA-256, hex, base64 (standard, padded)
// and base64url (unpadded), and a constant-time comparison for secrets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace suanwang::security {

std::string sha256(std::string_view data);  // 32 raw bytes
std::string hex(std::string_view raw);
std::optional<std::string> unhex(std::string_view text);
std::string base64_encode(std::string_view raw);
std::optional<std::string> base64_decode(std::string_view text);
std::string base64url(std::string_view raw);
// Equal length and equal bytes, in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace suanwang::security
