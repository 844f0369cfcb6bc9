// Sha256: SHA-256 over bytes fed in pieces (OpenSSL EVP), for files that never sit in memory
// whole. Copyable, so a running digest can be forked (a tus PATCH is hashed on a copy that
// becomes the upload's state only once the PATCH's own checksum holds).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace suanwang::data {

using Digest = std::array<uint8_t, 32>;

std::string digest_hex(const Digest& d);
std::string digest_base64(const Digest& d);
std::optional<Digest> digest_from_hex(std::string_view hex);
std::optional<Digest> digest_from_base64(std::string_view b64);

class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256& other);
  Sha256& operator=(const Sha256& other);
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // The digest of everything fed so far; the object is left as it was (finish on a copy).
  Digest digest() const;

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace suanwang::data
