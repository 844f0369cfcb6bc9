// API keys: "sw_" + 43 base64url characters (256 random bits). Only the SHA-256 of a key is
// stored; with 256-bit secrets a fast hash is enough (no dictionary to attack).
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/random.hpp"

namespace suanwang::auth {

struct NewKey {
  std::string secret;  // shown once, to its creator
  std::string prefix;  // kept, to tell keys apart
  std::string hash;    // kept: hex SHA-256 of `secret`
};

NewKey generate_api_key(Random& random);
// Wraps a given secret (SUANWANG_ADMIN_KEY); REQUIRES: looks_like_api_key(secret) or the
// caller accepts any non-empty string.
NewKey key_from_secret(std::string secret);
std::string hash_api_key(std::string_view secret);
std::string key_prefix(std::string_view secret);
bool looks_like_api_key(std::string_view s);

}  // namespace suanwang::auth
