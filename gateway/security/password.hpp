// Passwords: scrypt (OpenSSL's EVP_KDF "SCRYPT"), N = 2^15, r = 8, p = 1 (32 MiB, tens of ms),
// a 16-byte random salt and a 32-byte hash, stored as "scrypt$<log2 N>$<r>$<p>$<salt>$<hash>"
// (base64). Only the hash is ever stored. Hashing is slow on purpose: callers on I/O threads go
// through PasswordHasher, which runs it on its own thread.
#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "gateway/core/random.hpp"
#include "gateway/core/result.hpp"

namespace suanwang::security {

constexpr int kScryptLogN = 15;

// 10 to 256 characters; names the field "password".
Result<void> check_password_policy(std::string_view password);
Result<std::string> hash_password(std::string_view password, Random& random,
                                  int log_n = kScryptLogN);
// False for a wrong password and for a malformed or unknown encoding.
bool verify_password(std::string_view password, std::string_view encoded);

// Runs hashing and verification off the I/O threads, one at a time (each takes 32 MiB).
class PasswordHasher {
 public:
  explicit PasswordHasher(Random& random, int log_n = kScryptLogN)
      : random_(random), log_n_(log_n), pool_(1) {}
  ~PasswordHasher();
  boost::asio::awaitable<Result<std::string>> hash(std::string password);
  boost::asio::awaitable<bool> verify(std::string password, std::string encoded);

 private:
  Random& random_;
  int log_n_;
  boost::asio::thread_pool pool_;
};

}  // namespace suanwang::security
