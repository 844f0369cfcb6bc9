// AES-256-GCM through OpenSSL's EVP interface (see secret_box.hpp).
#include "gateway/security/secret_box.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "gateway/security/encoding.hpp"

namespace suanwang::security {
namespace {
constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
constexpr std::string_view kVersion = "v1";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

std::string MasterKey::id() const {
  std::string material = "suanwang master key id";
  material.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return hex(sha256(material)).substr(0, 16);
}

SecretBox::SecretBox(MasterKey current, std::vector<MasterKey> previous) {
  current_id_ = current.id();
  keys_.push_back({current_id_, current});
  for (auto& k : previous) keys_.push_back({k.id(), k});
}

Result<std::string> SecretBox::seal(std::string_view plaintext, std::string_view aad,
                                    Random& random) const {
  const MasterKey& key = keys_.front().key;
  const std::string nonce = random.bytes(kNonce);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  std::copy(nonce.begin(), nonce.end(), out.begin());
  int len = 0;
  int total = 0;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes.data(), u8(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), dst + kNonce, &len, u8(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      (total = len, EVP_EncryptFinal_ex(ctx.get(), dst + kNonce + total, &len) == 1) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, dst + kNonce + total + len) == 1;
  if (!ok) return fail(Error::internal("AES-256-GCM sealing failed"));
  return std::string(kVersion) + ":" + current_id_ + ":" + base64_encode(out);
}

std::string SecretBox::key_id_of(std::string_view sealed) {
  if (!sealed.starts_with(std::string(kVersion) + ":")) return {};
  sealed.remove_prefix(kVersion.size() + 1);
  const auto colon = sealed.find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(sealed.substr(0, colon));
}

Result<std::string> SecretBox::open(std::string_view sealed, std::string_view aad) const {
  const std::string id = key_id_of(sealed);
  if (id.empty()) return fail(Error::internal("a sealed secret is malformed"));
  const MasterKey* key = nullptr;
  for (const auto& k : keys_) {
    if (k.id == id) key = &k.key;
  }
  if (key == nullptr) {
    return fail(Error::unavailable("a secret is sealed with master key " + id +
                                   ", which is not loaded (rotate with the previous key, see "
                                   "README 'Security model')"));
  }
  auto raw = base64_decode(sealed.substr(kVersion.size() + 2 + id.size()));
  if (!raw || raw->size() < kNonce + kTag) {
    return fail(Error::internal("a sealed secret is malformed"));
  }
  const std::size_t n = raw->size() - kNonce - kTag;
  std::string plain(n, '\0');
  auto* src = reinterpret_cast<unsigned char*>(raw->data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  int total = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key->bytes.data(), src) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        src + kNonce, static_cast<int>(n)) == 1 &&
      (total = len,
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, src + kNonce + n) == 1) &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + total,
                          &len) == 1;
  if (!ok) return fail(Error::internal("a sealed secret failed authentication"));
  return plain;
}

}  // namespace suanwang::security
