// Paths of files inside a dataset or a job's directory: relative, '/'-separated, with no way
// out of their root. Every path a client sends goes through check_file_path before it meets
// a file system or a database, so "../x", "/etc/passwd", NUL and control characters never do.
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/result.hpp"

namespace suanwang::data {

inline constexpr std::size_t kMaxPathBytes = 1024;
inline constexpr std::size_t kMaxSegmentBytes = 255;

// The path as given when it is a safe relative file path: not empty, at most kMaxPathBytes,
// segments of 1..kMaxSegmentBytes bytes, no "." or ".." segment, no leading or doubled '/',
// no trailing '/', valid UTF-8 without NUL or control characters, no backslash. Errors are
// 400s naming `field`.
Result<std::string> check_file_path(std::string_view path, std::string_view field);

// A directory prefix inside a job's directory ("data/", "" for the top): as check_file_path,
// but empty is allowed and a trailing '/' is added when missing.
Result<std::string> check_dir_path(std::string_view path, std::string_view field);

// A glob over paths in a job's directory: check_file_path's rules, where '*' matches within a
// segment, '?' one character and "**" any number of segments.
Result<std::string> check_glob(std::string_view glob, std::string_view field);
bool glob_match(std::string_view glob, std::string_view path);

}  // namespace suanwang::data
