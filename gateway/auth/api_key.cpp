// API key generation and hashing with OpenSSL.
#include "gateway/auth/api_key.hpp"

#include "gateway/security/encoding.hpp"

namespace suanwang::auth {

std::string hash_api_key(std::string_view secret) {
  return security::hex(security::sha256(secret));
}

std::string key_prefix(std::string_view secret) {
  return std::string(secret.substr(0, 10));
}

NewKey key_from_secret(std::string secret) {
  NewKey k;
  k.prefix = key_prefix(secret);
  k.hash = hash_api_key(secret);
  k.secret = std::move(secret);
  return k;
}

NewKey generate_api_key(Random& random) {
  return key_from_secret("sw_" + security::base64url(random.bytes(32)));
}

bool looks_like_api_key(std::string_view s) {
  if (s.size() < 16 || s.size() > 256) return false;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace suanwang::auth
