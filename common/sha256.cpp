// SHA-256 in pieces (see sha256.hpp).
#include "common/sha256.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include <vector>

namespace suanwang::common {

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
  Ctx() : md(EVP_MD_CTX_new()) {
    if (md == nullptr || EVP_DigestInit_ex(md, EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("SHA-256 unavailable in OpenSSL");  // a broken install: a bug
    }
  }
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {}
Sha256::Sha256(const Sha256& other) : ctx_(std::make_unique<Ctx>()) {
  EVP_MD_CTX_copy_ex(ctx_->md, other.ctx_->md);
}
Sha256& Sha256::operator=(const Sha256& other) {
  if (this != &other) EVP_MD_CTX_copy_ex(ctx_->md, other.ctx_->md);
  return *this;
}
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size) {
  if (size > 0) EVP_DigestUpdate(ctx_->md, data, size);
}

Digest Sha256::digest() const {
  Sha256 copy(*this);
  Digest out{};
  unsigned len = 0;
  EVP_DigestFinal_ex(copy.ctx_->md, out.data(), &len);
  return out;
}

std::string digest_hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = kHex[d[i] >> 4];
    out[2 * i + 1] = kHex[d[i] & 15];
  }
  return out;
}

std::string digest_base64(const Digest& d) {
  unsigned char out[48] = {};
  const int n = EVP_EncodeBlock(out, d.data(), static_cast<int>(d.size()));
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::optional<Digest> digest_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Digest d{};
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return d;
}

std::optional<Digest> digest_from_base64(std::string_view b64) {
  // 32 bytes are 44 characters with one '=' of padding.
  if (b64.size() != 44 || b64[43] != '=' || b64[42] == '=') return std::nullopt;
  unsigned char out[36] = {};
  const int n = EVP_DecodeBlock(out, reinterpret_cast<const unsigned char*>(b64.data()), 44);
  if (n != 33) return std::nullopt;  // EVP_DecodeBlock counts the padding as a byte
  Digest d{};
  for (std::size_t i = 0; i < 32; ++i) d[i] = out[i];
  return d;
}

std::optional<FileDigest> digest_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Sha256 h;
  std::vector<char> buf(1 << 20);
  uint64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
    total += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return FileDigest{digest_hex(h.digest()), total};
}

}  // namespace suanwang::common
