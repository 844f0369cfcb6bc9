// Names of error codes, as they appear in logs and problem+json `code` members; coded errors.
#include "gateway/core/result.hpp"

namespace suanwang {

Error Error::coded(Errc code, std::string field, i18n::Message text) {
  std::string english = i18n::render(text, i18n::Lang::en);
  return {code, std::move(english), std::move(field), std::move(text)};
}

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::not_found:
      return "not_found";
    case Errc::already_exists:
      return "already_exists";
    case Errc::conflict:
      return "conflict";
    case Errc::unauthenticated:
      return "unauthenticated";
    case Errc::forbidden:
      return "forbidden";
    case Errc::payload_too_large:
      return "payload_too_large";
    case Errc::unsupported_media:
      return "unsupported_media";
    case Errc::budget_exceeded:
      return "budget_exceeded";
    case Errc::unprocessable:
      return "unprocessable";
    case Errc::unavailable:
      return "unavailable";
    case Errc::insufficient_storage:
      return "insufficient_storage";
    case Errc::checksum_mismatch:
      return "checksum_mismatch";
    case Errc::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace suanwang
