// The portal's folder when --web-dir is not given: next to the binary, then an installed
// share/suanwang/web, then the source tree's web/.
#include <catch2/catch.hpp>

#include <fstream>

#include "gateway/app/web_dir.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang;
namespace fs = std::filesystem;

void webdir_make_portal(const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream(dir / "index.html") << "<!doctype html>";
}

TEST_CASE("a binary copied with its web/ folder serves that portal", "[app][web_dir]") {
  testing::TempDir t;
  const auto source = t.path() / "src" / "web";
  webdir_make_portal(source);
  webdir_make_portal(t.path() / "opt" / "suanwang" / "web");
  CHECK(app::find_web_dir(t.path() / "opt" / "suanwang" / "suanwang", source) ==
        t.path() / "opt" / "suanwang" / "web");
}

TEST_CASE("an installed binary serves PREFIX/share/suanwang/web", "[app][web_dir]") {
  testing::TempDir t;
  webdir_make_portal(t.path() / "usr" / "share" / "suanwang" / "web");
  CHECK(app::find_web_dir(t.path() / "usr" / "bin" / "suanwang", t.path() / "gone" / "web") ==
        t.path() / "usr" / "share" / "suanwang" / "web");
}

TEST_CASE("a build serves its source tree's portal", "[app][web_dir]") {
  testing::TempDir t;
  const auto source = t.path() / "src" / "web";
  webdir_make_portal(source);
  fs::create_directories(t.path() / "src" / "build" / "release" / "web");  // no index.html
  CHECK(app::find_web_dir(t.path() / "src" / "build" / "release" / "suanwang", source) == source);
}

TEST_CASE("no portal anywhere is said, with every folder searched", "[app][web_dir]") {
  testing::TempDir t;
  const auto exe = t.path() / "bin" / "suanwang";
  CHECK_FALSE(app::find_web_dir(exe, t.path() / "gone" / "web"));
  const auto searched = app::web_dir_candidates(exe, t.path() / "gone" / "web");
  REQUIRE(searched.size() == 3);
  CHECK(searched[0] == t.path() / "bin" / "web");
  CHECK(searched[1] == t.path() / "share" / "suanwang" / "web");
  CHECK(searched[2] == t.path() / "gone" / "web");
}

TEST_CASE("the running executable is found", "[app][web_dir]") {
  const auto exe = app::current_executable();
  REQUIRE_FALSE(exe.empty());
  CHECK(fs::exists(exe));
}

}  // namespace
