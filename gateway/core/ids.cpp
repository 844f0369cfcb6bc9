// ULID-layout ids (see ids.hpp).
#include "gateway/core/ids.hpp"

#include <array>
#include <cstdint>

#include "gateway/core/random.hpp"

namespace suanwang {
namespace {
constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t kBodyLen = 26;
}  // namespace

std::string IdGenerator::next(std::string_view prefix) {
  std::array<unsigned char, 16> raw{};
  const uint64_t ms = static_cast<uint64_t>(to_unix_ms(clock_.now()));
  for (int i = 0; i < 6; ++i) raw[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  random_.fill(raw.data() + 6, 10);
  // 128 bits -> 26 base32 chars, most significant first (the first char carries 3 bits).
  std::string body(kBodyLen, '0');
  __extension__ typedef unsigned __int128 U128;  // GCC extension; fine on every target we build
  U128 v = 0;
  for (unsigned char b : raw) v = (v << 8) | b;
  for (std::size_t i = 0; i < kBodyLen; ++i) {
    body[kBodyLen - 1 - i] = kAlphabet[static_cast<std::size_t>(v & 31)];
    v >>= 5;
  }
  std::string id;
  id.reserve(prefix.size() + 1 + kBodyLen);
  id.append(prefix).append("_").append(body);
  return id;
}

bool is_valid_id(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kBodyLen) return false;
  if (!id.starts_with(prefix) || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace suanwang
