// Random sources: OpenSSL's RAND_bytes for production, a seeded engine for tests.
#include "gateway/core/random.hpp"

#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

namespace suanwang {

std::string Random::bytes(std::size_t n) {
  std::string out(n, '\0');
  fill(out.data(), n);
  return out;
}

void SecureRandom::fill(void* out, std::size_t n) {
  // RAND_bytes fails only when the OS entropy source is broken; continuing would hand out
  // guessable keys, so this is an invariant violation, not a recoverable error.
  if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(n)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
}

void SeededRandom::fill(void* out, std::size_t n) {
  std::lock_guard lock(mu_);
  auto* p = static_cast<unsigned char*>(out);
  while (n > 0) {
    const uint64_t v = engine_();
    const std::size_t k = n < sizeof v ? n : sizeof v;
    std::memcpy(p, &v, k);
    p += k;
    n -= k;
  }
}

}  // namespace suanwang
