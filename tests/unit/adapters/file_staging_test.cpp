// Staging into and collecting from a job's directory (adapters/common/file_staging): copies are
// checked against their digests, a changed copy is made again, nothing leaves the directory,
// and links a job made are not followed.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "adapters/common/file_staging.hpp"
#include "common/sha256.hpp"
#include "support/temp_dir.hpp"

namespace suanwang::adapters {
namespace {

namespace fs = std::filesystem;

void fst_write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string fst_read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

StageFile fst_file(const fs::path& src, const std::string& path) {
  auto d = common::digest_file(src.string());
  REQUIRE(d);
  return {path, src.string(), static_cast<int64_t>(d->size), d->sha256};
}

}  // namespace

TEST_CASE("staging copies each file, checks it, and copies again only what changed",
          "[adapters][staging]") {
  testing::TempDir tmp;
  const fs::path blobs = tmp.path() / "blobs";
  const fs::path job = tmp.path() / "job";
  fst_write(blobs / "a", std::string(3 * 1024 * 1024 + 1, 'a'));
  fst_write(blobs / "b", "bee\n");
  const std::vector<StageFile> files = {fst_file(blobs / "a", "data/a.bin"),
                                        fst_file(blobs / "b", "data/sub/b.txt")};
  auto first = stage_into(job, files);
  REQUIRE(first);
  CHECK(first->files == 2);
  CHECK(first->bytes == 3 * 1024 * 1024 + 1 + 4);
  CHECK(fst_read(job / "data/sub/b.txt") == "bee\n");

  // A retry finds both whole: nothing is copied.
  auto again = stage_into(job, files);
  REQUIRE(again);
  CHECK(again->files == 2);
  CHECK(again->bytes == 0);

  // A byte flipped in a staged copy is detected and the file staged again.
  {
    std::fstream f(job / "data/a.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(12345);
    f.put('X');
  }
  auto repaired = stage_into(job, files);
  REQUIRE(repaired);
  CHECK(repaired->bytes == 3 * 1024 * 1024 + 1);
  CHECK(fst_read(job / "data/a.bin") == fst_read(blobs / "a"));
}

TEST_CASE("staging refuses a source that is not what it should be, and paths out of the job",
          "[adapters][staging]") {
  testing::TempDir tmp;
  fst_write(tmp.path() / "src", "actual bytes");
  StageFile lying = fst_file(tmp.path() / "src", "x.txt");
  lying.sha256 = std::string(64, '0');
  auto r = stage_into(tmp.path() / "job", {lying});
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("SHA-256") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.path() / "job" / "x.txt"));
  CHECK_FALSE(fs::exists(tmp.path() / "job" / "x.txt.part"));

  auto out = stage_into(tmp.path() / "job", {fst_file(tmp.path() / "src", "../escaped.txt")});
  REQUIRE_FALSE(out);
  CHECK(out.error().code == AdapterErrc::refused);
  CHECK_FALSE(fs::exists(tmp.path() / "escaped.txt"));
}

TEST_CASE("collection takes the files the globs name, with digests, and follows no link",
          "[adapters][staging]") {
  testing::TempDir tmp;
  const fs::path job = tmp.path() / "job";
  fst_write(job / "model/w1.pt", "weights-1");
  fst_write(job / "model/deep/w2.pt", "weights-2");
  fst_write(job / "log.txt", "the log\n");
  fst_write(job / "job.json", "{}");          // the adapter's own file
  fst_write(job / "out.txt.part", "partial");  // a copy cut short
  fst_write(tmp.path() / "secret", "not the job's");
  fs::create_symlink(tmp.path() / "secret", job / "leak.txt");

  const fs::path into = tmp.path() / "collected";
  auto c = collect_from(job, {"model/*.pt", "*.txt", "job.json"}, into, {"job.json"});
  REQUIRE(c);
  std::vector<std::string> paths;
  for (const auto& f : c->files) {
    paths.push_back(f.path);
    CHECK(common::digest_file(f.local_path)->sha256 == f.sha256);
  }
  std::sort(paths.begin(), paths.end());
  CHECK(paths == std::vector<std::string>{"log.txt", "model/w1.pt"});
  CHECK(fst_read(into / "model/w1.pt") == "weights-1");
  CHECK(c->report.files == 2);
  CHECK(c->report.bytes == 9 + 8);

  auto deep = collect_from(job, {"model/**"}, tmp.path() / "deep", {});
  REQUIRE(deep);
  CHECK(deep->files.size() == 2);

  auto gone = collect_from(tmp.path() / "no-such-job", {"*"}, tmp.path() / "x", {});
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == AdapterErrc::not_found);
}

}  // namespace suanwang::adapters
