// Result<T>: the value-or-error type every fallible gateway function returns (house rule 2).
// Error codes are domain words; gateway/api/errors.cpp maps them to HTTP status in one place.
#pragma once

#include <expected>
#include <string>
#include <utility>

#include "gateway/core/i18n.hpp"

namespace suanwang {

enum class Errc {
  invalid_argument,   // the caller's input is malformed or out of range
  not_found,          // no such object, or not visible to the caller
  already_exists,     // a unique name or key is taken
  conflict,           // the object's state does not allow this now
  unauthenticated,    // no or bad credentials
  forbidden,          // authenticated, but the role does not allow it
  payload_too_large,  // a body or field exceeds its limit
  unsupported_media,  // the body is not in a format the endpoint reads (JSON)
  budget_exceeded,    // the org's remaining budget does not cover the estimated cost
  unprocessable,      // well-formed but cannot be satisfied (e.g. no feasible site)
  unavailable,        // a dependency (site, disk) is not answering now
  insufficient_storage,  // a storage quota, or the disk, has no room for this
  checksum_mismatch,     // bytes do not have the digest their sender declared
  internal,           // a bug or an unexpected system failure
};

const char* errc_name(Errc code);

struct Error {
  Errc code = Errc::internal;
  std::string message;  // a sentence for humans; never contains secrets
  std::string field;    // JSON pointer-ish path of the offending field, when one is to blame
  // The same sentence as a catalog code and parameters, when it has one: the API renders it in
  // the caller's language (`message` stays English, for logs).
  i18n::Message text;

  // A coded error; `message` is its English rendering.
  static Error coded(Errc code, std::string field, i18n::Message text);
  static Error invalid_coded(std::string field, i18n::Message text) {
    return coded(Errc::invalid_argument, std::move(field), std::move(text));
  }

  static Error invalid(std::string field, std::string message) {
    return {Errc::invalid_argument, std::move(message), std::move(field)};
  }
  static Error not_found(std::string message) { return {Errc::not_found, std::move(message), {}}; }
  static Error conflict(std::string message) { return {Errc::conflict, std::move(message), {}}; }
  static Error internal(std::string message) { return {Errc::internal, std::move(message), {}}; }
  static Error forbidden(std::string message) { return {Errc::forbidden, std::move(message), {}}; }
  static Error unavailable(std::string message) {
    return {Errc::unavailable, std::move(message), {}};
  }
};

template <class T>
using Result = std::expected<T, Error>;

// A Result<void> success, spelled once.
inline Result<void> ok() {
  return {};
}

inline std::unexpected<Error> fail(Error e) {
  return std::unexpected<Error>(std::move(e));
}

}  // namespace suanwang
