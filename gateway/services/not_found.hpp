// The "no such object" errors several services (and their API handlers) share, coded once so
// each reads the same in every language. An object of another org is answered the same way as
// one that does not exist.
#pragma once

#include <string>

#include "gateway/core/result.hpp"

namespace suanwang::services {

inline Error no_org(const std::string& id) {
  return Error::coded(Errc::not_found, "", {"org.not_found", {{"id", id}}});
}

inline Error no_site(const std::string& id) {
  return Error::coded(Errc::not_found, "", {"site.not_found", {{"id", id}}});
}

inline Error no_dataset(const std::string& id) {
  return Error::coded(Errc::not_found, "", {"dataset.not_found", {{"id", id}}});
}

}  // namespace suanwang::services
