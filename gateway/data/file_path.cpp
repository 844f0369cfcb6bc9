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

// A bad path, coded (path.*) with the field it came in.
Error bad_path(const std::string& field, const char* code, i18n::Params more = {}) {
  i18n::Params params{{"field", field}};
  for (auto& p : more) params.push_back(std::move(p));
  return Error::invalid_coded(field, {code, std::move(params)});
}

Result<std::string> check(std::string_view path, std::string_view field, bool allow_glob) {
  const std::string f(field);
  if (path.empty()) return fail(bad_path(f, "path.empty"));
  if (path.size() > kMaxPathBytes) {
    return fail(bad_path(f, "path.too_long", {{"max", std::to_string(kMaxPathBytes)}}));
  }
  if (path.front() == '/') return fail(bad_path(f, "path.absolute"));
  for (std::size_t i = 0; i < path.size();) {
    const auto c = static_cast<unsigned char>(path[i]);
    const std::string offset = std::to_string(i);
    if (c == 0) return fail(bad_path(f, "path.nul_byte", {{"offset", offset}}));
    if (c < 0x20 || c == 0x7F) return fail(bad_path(f, "path.control_char", {{"offset", offset}}));
    if (c == '\\') return fail(bad_path(f, "path.backslash"));
    if (!allow_glob && (c == '*' || c == '?')) {
      return fail(bad_path(f, "path.wildcard", {{"char", std::string(1, static_cast<char>(c))}}));
    }
    const std::size_t n = utf8_length(path, i);
    if (n == 0) return fail(bad_path(f, "path.not_utf8", {{"offset", offset}}));
    i += n;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view seg =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty()) {
      return fail(bad_path(
          f, slash == std::string_view::npos ? "path.trailing_slash" : "path.empty_segment"));
    }
    if (seg == "." || seg == "..") {
      return fail(bad_path(f, "path.dot_segment", {{"segment", std::string(seg)}}));
    }
    if (seg.size() > kMaxSegmentBytes) {
      return fail(bad_path(
          f, "path.segment_too_long",
          {{"max", std::to_string(kMaxSegmentBytes)}, {"name", std::string(seg.substr(0, 32))}}));
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

}  // namespace suanwang::data
