// Media type parsing (see media_type.hpp).
#include "gateway/http/media_type.hpp"

#include <cctype>

namespace suanwang::http {
namespace {

// tchar (RFC 9110 §5.6.2).
bool is_tchar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

std::size_t token_end(std::string_view s, std::size_t i) {
  while (i < s.size() && is_tchar(s[i])) ++i;
  return i;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<MediaType> parse_media_type(std::string_view v) {
  std::size_t i = 0;
  while (i < v.size() && is_ows(v[i])) ++i;
  const std::size_t type_end = token_end(v, i);
  if (type_end == i || type_end >= v.size() || v[type_end] != '/') return std::nullopt;
  const std::size_t sub_begin = type_end + 1;
  const std::size_t sub_end = token_end(v, sub_begin);
  if (sub_end == sub_begin) return std::nullopt;
  MediaType mt{lower(v.substr(i, type_end - i)), lower(v.substr(sub_begin, sub_end - sub_begin))};
  i = sub_end;
  // *( OWS ";" OWS [ parameter ] ), parameter = token "=" ( token / quoted-string )
  for (;;) {
    while (i < v.size() && is_ows(v[i])) ++i;
    if (i == v.size()) return mt;
    if (v[i] != ';') return std::nullopt;
    ++i;
    while (i < v.size() && is_ows(v[i])) ++i;
    if (i == v.size() || v[i] == ';') continue;
    const std::size_t name_end = token_end(v, i);
    if (name_end == i || name_end >= v.size() || v[name_end] != '=') return std::nullopt;
    i = name_end + 1;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          i += 2;
        } else if (v[i] == '"') {
          ++i;
          closed = true;
          break;
        } else {
          ++i;
        }
      }
      if (!closed) return std::nullopt;
    } else {
      const std::size_t value_end = token_end(v, i);
      if (value_end == i) return std::nullopt;
      i = value_end;
    }
  }
}

}  // namespace suanwang::http
