// The server's TLS context (see tls.hpp).
#include "gateway/http/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace suanwang::http {
namespace {
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}
}  // namespace

Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const std::filesystem::path& cert, const std::filesystem::path& key) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(native, kTls13Suites) != 1) {
    return fail(Error::internal("cannot set TLS ciphers: " + openssl_error()));
  }
  if (SSL_CTX_use_certificate_chain_file(native, cert.c_str()) != 1) {
    return fail(Error::invalid("tls_cert_file", "cannot load TLS certificate chain " +
                                                    cert.string() + ": " + openssl_error()));
  }
  if (SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail(Error::invalid(
        "tls_key_file", "cannot load TLS private key " + key.string() + ": " + openssl_error()));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return fail(Error::invalid(
        "tls_key_file", "the TLS private key " + key.string() + " does not match the certificate"));
  }
  return ctx;
}

}  // namespace suanwang::http
