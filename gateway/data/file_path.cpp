// Safe relative paths and globs (see file_path.hpp).
#include "gateway/data/file_path.hpp"

namespace suanwang::data {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2) n = 2;
  else if ((c & 0xF0) == 0xE0) n = 3;
  else if ((c & 0xF8) == 0xF0 && c <= 0xF4) n = 4;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

Result<std::string> check(std::string_view path, std::string_view field, bool allow_glob) {
  const std::string f(field);
  if (path.empty()) return fail(Error::invalid(f, f + " must not be empty"));
  if (path.size() > kMaxPathBytes) {
    return fail(Error::invalid(f, f + " is longer than " + std::to_string(kMaxPathBytes) +
                                      " bytes"));
  }
  if (path.front() == '/') {
    return fail(Error::invalid(f, f + " must be relative (it starts with '/')"));
  }
  for (std::size_t i = 0; i < path.size();) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c == 0) return fail(Error::invalid(f, f + " contains a NUL byte"));
    if (c < 0x20 || c == 0x7F) {
      return fail(Error::invalid(f, f + " contains a control character"));
    }
    if (c == '\\') return fail(Error::invalid(f, f + " contains a backslash; use '/'"));
    if (!allow_glob && (c == '*' || c == '?')) {
      return fail(Error::invalid(f, f + " contains '" + std::string(1, static_cast<char>(c)) +
                                        "', which file names here may not"));
    }
    const std::size_t n = utf8_length(path, i);
    if (n == 0) return fail(Error::invalid(f, f + " is not valid UTF-8"));
    i += n;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view seg =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty()) {
      return fail(Error::invalid(
          f, f + (slash == std::string_view::npos ? " must not end with '/'"
                                                  : " contains an empty segment ('//')")));
    }
    if (seg == "." || seg == "..") {
      return fail(Error::invalid(f, f + " must not contain '" + std::string(seg) + "' segments"));
    }
    if (seg.size() > kMaxSegmentBytes) {
      return fail(Error::invalid(f, f + " has a name longer than " +
                                        std::to_string(kMaxSegmentBytes) + " bytes"));
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::string(path);
}

}  // namespace

Result<std::string> check_file_path(std::string_view path, std::string_view field) {
  return check(path, field, false);
}

Result<std::string> check_dir_path(std::string_view path, std::string_view field) {
  if (path.empty() || path == "/" || path == "./") return std::string();
  if (path.back() == '/') path.remove_suffix(1);
  auto r = check(path, field, false);
  if (!r) return r;
  return *r + "/";
}

Result<std::string> check_glob(std::string_view glob, std::string_view field) {
  return check(glob, field, true);
}

bool glob_match(std::string_view g, std::string_view p) {
  // "**" as a whole segment matches zero or more segments.
  if (g.starts_with("**")) {
    std::string_view rest = g.substr(2);
    if (rest.empty()) return true;
    if (rest.front() == '/') {
      rest.remove_prefix(1);
      for (std::size_t i = 0;;) {
        if (glob_match(rest, p.substr(i))) return true;
        const std::size_t slash = p.find('/', i);
        if (slash == std::string_view::npos) return false;
        i = slash + 1;
      }
    }
  }
  std::size_t gi = 0, pi = 0;
  std::size_t star_g = std::string_view::npos, star_p = 0;
  while (pi < p.size()) {
    if (gi < g.size() && g[gi] == '*' && !(gi + 1 < g.size() && g[gi + 1] == '*')) {
      star_g = gi++;
      star_p = pi;
    } else if (gi < g.size() && g.substr(gi).starts_with("**") &&
               (gi == 0 || g[gi - 1] == '/')) {
      return glob_match(g.substr(gi), p.substr(pi));
    } else if (gi < g.size() && (g[gi] == p[pi] || (g[gi] == '?' && p[pi] != '/'))) {
      ++gi;
      ++pi;
    } else if (star_g != std::string_view::npos && p[star_p] != '/') {
      // '*' stays within one segment.
      gi = star_g + 1;
      pi = ++star_p;
    } else {
      return false;
    }
  }
  while (gi < g.size() && g[gi] == '*') ++gi;
  return gi == g.size();
}

}  // namespace suanwang::data
