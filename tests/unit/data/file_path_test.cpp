// Paths and globs a client sends for files in datasets and job directories.
#include <catch2/catch.hpp>

#include "gateway/data/file_path.hpp"

namespace suanwang::data {

TEST_CASE("file paths: relative paths inside their root pass as given", "[data]") {
  for (const char* ok : {"a.txt", "data/train/x.csv", "模型/权重.pt", "a b/c-d_e.f", ".hidden",
                         "..dots", "a..b/c"}) {
    INFO(ok);
    auto r = check_file_path(ok, "path");
    REQUIRE(r);
    CHECK(*r == ok);
  }
}

TEST_CASE("file paths: every way out of the root or into the terminal is refused, naming the field",
          "[data]") {
  const std::string long_segment(256, 'x');
  std::string long_path;
  while (long_path.size() <= kMaxPathBytes) long_path += "abcdefgh/";
  long_path += "x";
  for (std::string bad : {std::string(""), std::string("/etc/passwd"), std::string("../x"),
                          std::string("a/../../x"), std::string("a/./b"), std::string("a//b"),
                          std::string("a/"), std::string("a\\b"), std::string("a\0b", 3),
                          std::string("a\nb"), std::string("a\x7f"), std::string("\xff\xfe"),
                          std::string("a*"), long_segment, long_path, std::string("..")}) {
    INFO(bad);
    auto r = check_file_path(bad, "inputs[0].path");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().field == "inputs[0].path");
    CHECK(r.error().message.starts_with("inputs[0].path"));
  }
}

TEST_CASE("dir paths: empty is the top, a trailing slash is added", "[data]") {
  CHECK(*check_dir_path("", "path") == "");
  CHECK(*check_dir_path("data", "path") == "data/");
  CHECK(*check_dir_path("data/", "path") == "data/");
  CHECK_FALSE(check_dir_path("../data/", "path"));
  CHECK_FALSE(check_dir_path("/data", "path"));
}

TEST_CASE("globs: * stays within a segment, ** spans segments, ? is one character", "[data]") {
  CHECK(glob_match("model/*.pt", "model/a.pt"));
  CHECK_FALSE(glob_match("model/*.pt", "model/x/a.pt"));
  CHECK_FALSE(glob_match("model/*.pt", "model/a.ptx"));
  CHECK(glob_match("*.txt", "log.txt"));
  CHECK_FALSE(glob_match("*.txt", "out/log.txt"));
  CHECK(glob_match("**/*.txt", "log.txt"));
  CHECK(glob_match("**/*.txt", "a/b/log.txt"));
  CHECK(glob_match("out/**", "out/a/b"));
  CHECK(glob_match("out/**/c", "out/a/b/c"));
  CHECK(glob_match("out/**/c", "out/c"));
  CHECK(glob_match("log?.txt", "log1.txt"));
  CHECK_FALSE(glob_match("log?.txt", "log12.txt"));
  CHECK(glob_match("result.csv", "result.csv"));
  CHECK_FALSE(glob_match("result.csv", "result.csv2"));
  CHECK(check_glob("model/*.pt", "outputs.paths[0]"));
  CHECK_FALSE(check_glob("../*.pt", "outputs.paths[0]"));
}

}  // namespace suanwang::data
