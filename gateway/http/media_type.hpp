// Media types as RFC 9110 §8.3.1 defines them: `type "/" subtype *( OWS ";" OWS parameter )`,
// type and subtype case-insensitive, parameters (charset, ...) allowed. The API reads request
// bodies by exact media type, never by a substring: "application/jsonx" is not JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace suanwang::http {

struct MediaType {
  std::string type;     // lower case
  std::string subtype;  // lower case
  std::string essence() const { return type + "/" + subtype; }
};

// nullopt when `value` is not a media type (empty, no slash, a character outside a token,
// a malformed parameter).
std::optional<MediaType> parse_media_type(std::string_view value);

}  // namespace suanwang::http
