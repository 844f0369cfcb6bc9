// Error code -> exit code, HTTP status -> error code (see exit_code.hpp).
#include "tools/cli/exit_code.hpp"

namespace suanwang::cli {

ExitCode exit_code_for(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
    case Errc::payload_too_large:
    case Errc::unsupported_media:
      return ExitCode::usage;
    case Errc::not_found:
      return ExitCode::not_found;
    case Errc::unauthenticated:
    case Errc::forbidden:
      return ExitCode::auth;
    case Errc::already_exists:
    case Errc::conflict:
      return ExitCode::conflict;
    case Errc::unprocessable:
      return ExitCode::unsatisfiable;
    case Errc::unavailable:
      return ExitCode::unavailable;
    case Errc::internal:
      return ExitCode::error;
    default:
      // A code added to Errc later: generic until it is given a meaning here.
      return ExitCode::error;
  }
}

Errc errc_for_status(int http_status) {
  switch (http_status) {
    case 400:
    case 405:
    case 431:
      return Errc::invalid_argument;
    case 401:
      return Errc::unauthenticated;
    case 403:
      return Errc::forbidden;
    case 404:
      return Errc::not_found;
    case 409:
      return Errc::conflict;
    case 413:
      return Errc::payload_too_large;
    case 415:
      return Errc::unsupported_media;
    case 402:  // over the org's budget or prepaid credit: this job cannot be run, like a 422
    case 422:
      return Errc::unprocessable;
    case 502:
    case 503:
    case 504:
      return Errc::unavailable;
    default:
      return Errc::internal;
  }
}

}  // namespace suanwang::cli
