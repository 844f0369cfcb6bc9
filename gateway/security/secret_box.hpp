// SecretBox: AES-256-GCM sealing of secrets at rest (site credentials) under master keys kept
// outside the database. A sealed value is text: "v1:<key id>:<base64(nonce | ciphertext | tag)>",
// so the id of the key that sealed it sits beside the ciphertext and rotation can tell which
// values still need re-sealing. The key id is the first 16 hex digits of SHA-256("suanwang
// master key id" | key): stable, and useless for recovering the key.
//
// `aad` binds a sealed value to its owner (e.g. "site:<id>"), so a ciphertext copied onto
// another row does not open. Thread-safe: a SecretBox is immutable after construction.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/random.hpp"
#include "gateway/core/result.hpp"

namespace suanwang::security {

struct MasterKey {
  std::array<unsigned char, 32> bytes{};
  std::string id() const;
};

class SecretBox {
 public:
  // `current` seals; `current` and `previous` open (previous keys are there only to be rotated
  // away from).
  SecretBox(MasterKey current, std::vector<MasterKey> previous = {});

  const std::string& current_key_id() const { return current_id_; }
  Result<std::string> seal(std::string_view plaintext, std::string_view aad, Random& random) const;
  // Errc::unavailable when the key that sealed it is not loaded; Errc::internal when the value
  // is malformed or fails authentication. Messages never contain the plaintext.
  Result<std::string> open(std::string_view sealed, std::string_view aad) const;
  // The key id a sealed value names ("" when malformed).
  static std::string key_id_of(std::string_view sealed);

 private:
  struct Loaded {
    std::string id;
    MasterKey key;
  };
  std::string current_id_;
  std::vector<Loaded> keys_;  // keys_[0] is the current key
};

}  // namespace suanwang::security
