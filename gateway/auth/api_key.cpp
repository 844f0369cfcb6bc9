// API key generation and hashing with OpenSSL.
#include "gateway/auth/api_key.hpp"

#include <openssl/evp.h>

#include <array>

namespace suanwang::auth {
namespace {
constexpr std::string_view kB64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const std::string& raw) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      out.push_back(kB64Url[(acc >> (bits - 6)) & 63]);
      bits -= 6;
    }
  }
  if (bits > 0) out.push_back(kB64Url[(acc << (6 - bits)) & 63]);
  return out;
}
}  // namespace

std::string hash_api_key(std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(secret.data(), secret.size(), md.data(), &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 15]);
  }
  return hex;
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
  return key_from_secret("sw_" + base64url(random.bytes(32)));
}

bool looks_like_api_key(std::string_view s) {
  if (s.size() < 16 || s.size() > 256) return false;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace suanwang::auth
