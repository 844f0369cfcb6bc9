// Server-side TLS: an OpenSSL context for HTTPS with TLS 1.2 and 1.3 only, forward-secret AEAD
// cipher suites (Mozilla's "intermediate" list for TLS 1.2), no compression, no renegotiation,
// the server's cipher order. The certificate chain and key are PEM files
// (scripts/tls-selfsigned makes a pair for local use).
#pragma once

#include <filesystem>
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "gateway/core/result.hpp"

namespace suanwang::http {

Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const std::filesystem::path& cert_chain_file, const std::filesystem::path& key_file);

}  // namespace suanwang::http
