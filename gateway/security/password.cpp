// scrypt password hashing (see password.hpp).
#include "gateway/security/password.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/security/encoding.hpp"

namespace suanwang::security {
namespace {
constexpr std::size_t kSalt = 16;
constexpr std::size_t kHash = 32;

std::optional<std::string> scrypt(std::string_view password, std::string_view salt, int log_n,
                                  int r, int p) {
  if (log_n < 1 || log_n > 20 || r < 1 || r > 32 || p < 1 || p > 16) return std::nullopt;
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr),
                                                        EVP_KDF_free);
  if (!kdf) return std::nullopt;
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()),
                                                                EVP_KDF_CTX_free);
  if (!ctx) return std::nullopt;
  uint64_t n = uint64_t{1} << log_n;
  uint32_t rr = static_cast<uint32_t>(r);
  uint32_t pp = static_cast<uint32_t>(p);
  std::string pw(password);
  std::string s(salt);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pw.data(), pw.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, s.data(), s.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &rr),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &pp),
      OSSL_PARAM_construct_end()};
  std::string out(kHash, '\0');
  const int rc =
      EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params);
  OPENSSL_cleanse(pw.data(), pw.size());
  if (rc != 1) return std::nullopt;
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

int small_int(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 3) return -1;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}
}  // namespace

Result<void> check_password_policy(std::string_view password) {
  if (password.size() < 10 || password.size() > 256) {
    return fail(Error::invalid_coded("password",
                                     {"user.password_length", {{"min", "10"}, {"max", "256"}}}));
  }
  return ok();
}

Result<std::string> hash_password(std::string_view password, Random& random, int log_n) {
  const std::string salt = random.bytes(kSalt);
  auto h = scrypt(password, salt, log_n, 8, 1);
  if (!h) return fail(Error::internal("scrypt failed"));
  return "scrypt$" + std::to_string(log_n) + "$8$1$" + base64_encode(salt) + "$" +
         base64_encode(*h);
}

bool verify_password(std::string_view password, std::string_view encoded) {
  const auto parts = split(encoded, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  auto salt = base64_decode(parts[4]);
  auto want = base64_decode(parts[5]);
  if (!salt || !want || want->size() != kHash) return false;
  auto got = scrypt(password, *salt, small_int(parts[1]), small_int(parts[2]), small_int(parts[3]));
  return got && constant_time_equal(*got, *want);
}

PasswordHasher::~PasswordHasher() {
  pool_.join();
}

namespace {
boost::asio::awaitable<Result<std::string>> hash_task(std::string password, Random& random,
                                                      int log_n) {
  co_return hash_password(password, random, log_n);
}
boost::asio::awaitable<bool> verify_task(std::string password, std::string encoded) {
  co_return verify_password(password, encoded);
}
}  // namespace

boost::asio::awaitable<Result<std::string>> PasswordHasher::hash(std::string password) {
  co_return co_await boost::asio::co_spawn(pool_, hash_task(std::move(password), random_, log_n_),
                                           boost::asio::use_awaitable);
}

boost::asio::awaitable<bool> PasswordHasher::verify(std::string password, std::string encoded) {
  co_return co_await boost::asio::co_spawn(
      pool_, verify_task(std::move(password), std::move(encoded)), boost::asio::use_awaitable);
}

}  // namespace suanwang::security
