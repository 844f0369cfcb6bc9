// ByteSource: bytes that arrive in pieces (an upload's request body), as the data plane reads
// them; api/ adapts the HTTP server's body reader to it, so the data plane knows no HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include <boost/asio/awaitable.hpp>

#include "gateway/core/result.hpp"

namespace suanwang::data {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to buf.size() bytes; 0 at the end. Fails when the sender stopped or sent too much.
  virtual boost::asio::awaitable<Result<std::size_t>> read(std::span<char> buf) = 0;
  // The length the sender declared, when it did.
  virtual std::optional<uint64_t> declared_length() const = 0;
};

}  // namespace suanwang::data
