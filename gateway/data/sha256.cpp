// SHA-256 in pieces (see sha256.hpp).
#include "gateway/data/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "gateway/security/encoding.hpp"

namespace suanwang::data {

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
  return security::hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

std::string digest_base64(const Digest& d) {
  return security::base64_encode(
      std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

namespace {
std::optional<Digest> from_raw(const std::optional<std::string>& raw) {
  if (!raw || raw->size() != 32) return std::nullopt;
  Digest d{};
  for (std::size_t i = 0; i < 32; ++i) d[i] = static_cast<uint8_t>((*raw)[i]);
  return d;
}
}  // namespace

std::optional<Digest> digest_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  return from_raw(security::unhex(hex));
}

std::optional<Digest> digest_from_base64(std::string_view b64) {
  return from_raw(security::base64_decode(b64));
}

}  // namespace suanwang::data
