// The peer adapter's data mapping (adapters/peer/peer_api, datasets and outputs): what it sends
// to stage a job's inputs as a dataset of the peer and to collect the peer job's outputs, and
// how it checks the peer's answers (paths that could leave a directory, digests that are not
// digests, malformed pages), plus the records that let a restarted gateway find both again.
#include <catch2/catch.hpp>

#include <fstream>

#include "adapters/peer/peer_api.hpp"
#include "adapters/peer/peer_records.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::adapters::peer;
using nlohmann::json;

const std::string kShaA(64, 'a');
// SHA-256 of "abc".
const std::string kShaAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

json pd_file(const std::string& path, int64_t size = 3, const std::string& sha = kShaA) {
  return {{"path", path},
          {"size_bytes", size},
          {"sha256", sha},
          {"created_at", "2026-12-07T10:00:00.000Z"}};
}

json pd_dataset(const std::string& id, bool sealed) {
  return {{"id", id},
          {"name", "suanwang-in-job_1"},
          {"kind", "files"},
          {"size_bytes", 3},
          {"file_count", 1},
          {"sealed", sealed},
          {"replicas", json::array()}};
}

}  // namespace

TEST_CASE("peer data: safe relative paths only", "[adapters][peer][data]") {
  for (const char* ok :
       {"a", "data/x.bin", "out/deep/er/file.txt", "with space/ü.txt", "..a/b..", ".hidden"}) {
    INFO(ok);
    CHECK(is_safe_relative_path(ok));
  }
  for (const std::string& bad :
       {std::string(), std::string("/etc/passwd"), std::string("../x"), std::string("a/../b"),
        std::string("a/./b"), std::string("a//b"), std::string("a/"), std::string("a\\b"),
        std::string("a\nb"), std::string("a\0b", 3), std::string(256, 'x'), std::string(1025, 'x'),
        std::string(".."), std::string(".")}) {
    INFO(bad);
    CHECK_FALSE(is_safe_relative_path(bad));
  }
  CHECK(is_safe_relative_path(std::string(255, 'x') + "/" + std::string(255, 'y')));
}

TEST_CASE("peer data: targets, names and the digest header", "[adapters][peer][data]") {
  CHECK(inputs_dataset_name("job_01ABC") == "suanwang-in-job_01ABC");
  CHECK_FALSE(inputs_dataset_name("job/../x"));
  CHECK_FALSE(inputs_dataset_name(""));
  CHECK(dataset_target("ds_1") == "/api/v1/datasets/ds_1");
  CHECK(seal_target("ds_1") == "/api/v1/datasets/ds_1/seal");
  CHECK(outputs_target("job_9") == "/api/v1/jobs/job_9/outputs");
  // Each segment percent-encoded, the slashes between them kept.
  CHECK(file_target("ds_1", "data/a b+c%/ü.txt") ==
        "/api/v1/datasets/ds_1/files/data/a%20b%2Bc%25/%C3%BC.txt");
  CHECK(datasets_target(500, "") == "/api/v1/datasets?page_size=500");
  CHECK(datasets_target(500, "ds_9") == "/api/v1/datasets?page_size=500&page_token=ds_9");
  CHECK(files_target("ds_1", 100, "data/x y") ==
        "/api/v1/datasets/ds_1/files?page_size=100&page_token=data%2Fx%20y");
  CHECK(repr_digest(kShaAbc) == "sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:");
  CHECK_FALSE(repr_digest("abc"));
  CHECK_FALSE(repr_digest(std::string(64, 'z')));
}

TEST_CASE("peer data: the job body mounts the staged dataset and asks for the outputs",
          "[adapters][peer][data]") {
  JobRequest j;
  j.key = "job_1";
  j.command = "sha256sum data/x > digest.txt";
  j.staged_inputs = true;
  j.output_globs = {"*.txt", "out/**"};
  const json b = job_body(j, PeerOptions{}, "ds_peer");
  REQUIRE(b.at("inputs").size() == 1);
  CHECK(b.at("inputs")[0] == json({{"dataset", "ds_peer"}, {"path", ""}}));
  CHECK(b.at("outputs") == json({{"paths", {"*.txt", "out/**"}}}));
  // A job without files says nothing of them: the body other peers always got.
  JobRequest plain;
  plain.key = "job_2";
  plain.command = "true";
  const json p = job_body(plain, PeerOptions{});
  CHECK_FALSE(p.contains("inputs"));
  CHECK_FALSE(p.contains("outputs"));
}

TEST_CASE("peer data: datasets, pages and uploaded files are read and checked",
          "[adapters][peer][data]") {
  auto d = parse_dataset(201, pd_dataset("ds_1", false).dump(), "dataset creation");
  REQUIRE(d);
  CHECK(d->id == "ds_1");
  CHECK(d->name == "suanwang-in-job_1");
  CHECK_FALSE(d->sealed);
  CHECK(d->file_count == 1);
  CHECK(parse_dataset(200, pd_dataset("ds_1", true).dump(), "seal")->sealed);

  json bad_id = pd_dataset("../ds", false);
  auto r = parse_dataset(200, bad_id.dump(), "dataset");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == AdapterErrc::bad_response);
  CHECK_THAT(r.error().message, Catch::Contains("dataset.id"));
  json bad_sealed = pd_dataset("ds_1", false);
  bad_sealed["sealed"] = "yes";
  CHECK_FALSE(parse_dataset(200, bad_sealed.dump(), "dataset"));
  auto quota = parse_dataset(507, R"({"detail":"quota full"})", "dataset creation");
  REQUIRE_FALSE(quota);
  CHECK_THAT(quota.error().message, Catch::Contains("quota full"));

  const json page = {{"items", {pd_dataset("ds_1", false), pd_dataset("ds_2", true)}},
                     {"next_page_token", "ds_2"}};
  auto p = parse_dataset_page(200, page.dump());
  REQUIRE(p);
  REQUIRE(p->datasets.size() == 2);
  CHECK(p->datasets[1].sealed);
  CHECK(p->next_page_token == "ds_2");
  json last = page;
  last["next_page_token"] = nullptr;
  CHECK_FALSE(parse_dataset_page(200, last.dump())->next_page_token);
  json hostile_token = page;
  hostile_token["next_page_token"] = "ds_2&page_size=1";
  CHECK_FALSE(parse_dataset_page(200, hostile_token.dump()));

  const json files = {{"items", {pd_file("data/x"), pd_file("data/y", 0)}},
                      {"next_page_token", "data/y"}};
  auto fp = parse_file_page(200, files.dump());
  REQUIRE(fp);
  REQUIRE(fp->files.size() == 2);
  CHECK(fp->files[0].path == "data/x");
  CHECK(fp->files[0].size_bytes == 3);
  CHECK(fp->files[0].sha256 == kShaA);
  CHECK(fp->next_page_token == "data/y");

  auto put = parse_put_file(201, pd_file("data/x", 3, kShaAbc).dump());
  REQUIRE(put);
  CHECK(put->sha256 == kShaAbc);
  // The peer refused the bytes (a digest that does not match them): refused, with its words.
  auto refused = parse_put_file(400, R"({"detail":"Repr-Digest does not match the body"})");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == AdapterErrc::refused);
  CHECK_THAT(refused.error().message, Catch::Contains("does not match"));
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, json>>{{"sha256", "ABC"},
                                                 {"sha256", std::string(64, 'A')},
                                                 {"size_bytes", -1},
                                                 {"size_bytes", "3"},
                                                 {"path", "../../etc/passwd"}}) {
    json f = pd_file("data/x");
    f[key] = value;
    INFO(f.dump());
    auto e = parse_put_file(201, f.dump());
    REQUIRE_FALSE(e);
    CHECK(e.error().code == AdapterErrc::bad_response);
    CHECK_THAT(e.error().message, Catch::Contains("file." + key));
  }
}

TEST_CASE("peer data: a job's outputs, with hostile paths refused", "[adapters][peer][data]") {
  json body = {{"dataset", pd_dataset("ds_out", true)},
               {"files", {pd_file("digest.txt"), pd_file("out/a/b.txt", 10)}}};
  auto o = parse_outputs(200, body.dump());
  REQUIRE(o);
  CHECK(o->dataset.id == "ds_out");
  CHECK(o->dataset.sealed);
  REQUIRE(o->files.size() == 2);
  CHECK(o->files[1].path == "out/a/b.txt");
  CHECK(o->files[1].size_bytes == 10);

  auto missing = parse_outputs(404, R"x({"detail":"job job_9 has no collected outputs (yet)"})x");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == AdapterErrc::not_found);

  for (const char* path : {"/etc/passwd", "../outside.txt", "out/../../x", "a//b"}) {
    json hostile = body;
    hostile["files"][1]["path"] = path;
    INFO(path);
    auto e = parse_outputs(200, hostile.dump());
    REQUIRE_FALSE(e);
    CHECK(e.error().code == AdapterErrc::bad_response);
    CHECK_THAT(e.error().message, Catch::Contains("files[1].path"));
  }
  json twice = body;
  twice["files"][1]["path"] = "digest.txt";
  CHECK_FALSE(parse_outputs(200, twice.dump()));
  json no_files = body;
  no_files.erase("files");
  CHECK_FALSE(parse_outputs(200, no_files.dump()));
  CHECK_FALSE(parse_outputs(200, "[]"));
}

TEST_CASE("peer states of jobs with files: staging waits, collecting still runs",
          "[adapters][peer][data]") {
  for (const auto& [state, want] : std::vector<std::pair<std::string, RemoteState>>{
           {"staging", RemoteState::queued}, {"collecting", RemoteState::running}}) {
    const json j = {{"id", "job_1"}, {"state", state}};
    INFO(state);
    REQUIRE(parse_submit(201, j.dump()));
    auto st = parse_job(200, j.dump());
    REQUIRE(st);
    CHECK(st->state == want);
  }
}

TEST_CASE("peer records: a key's dataset and job survive a new adapter, corrupt ones do not",
          "[adapters][peer][data]") {
  suanwang::testing::TempDir dir;
  {
    PeerRecords records(dir.path());
    CHECK(records.kept());
    CHECK_FALSE(records.find("job_1"));
    REQUIRE(records.save("job_1", KeyRecord{"ds_7", false, "job_peer_9"}));
    REQUIRE(records.save("job_2", KeyRecord{"", true, ""}));
  }
  PeerRecords again(dir.path());
  auto r = again.find("job_1");
  REQUIRE(r);
  CHECK(r->inputs == "ds_7");
  CHECK_FALSE(r->creating);
  CHECK(r->remote_id == "job_peer_9");
  REQUIRE(again.find("job_2"));
  CHECK(again.find("job_2")->creating);
  // A key that is not a job id never becomes a file name.
  CHECK_FALSE(again.save("../escape", KeyRecord{}));
  CHECK_FALSE(again.find("../escape"));
  { std::ofstream(dir.path() / "keys" / "job_3.json") << "{not json"; }
  CHECK_FALSE(again.find("job_3"));
  { std::ofstream(dir.path() / "keys" / "job_4.json") << R"({"inputs":"../x","remote_id":7})"; }
  REQUIRE(again.find("job_4"));
  CHECK(again.find("job_4")->inputs.empty());
  CHECK(again.find("job_4")->remote_id.empty());
  PeerRecords none("");
  CHECK_FALSE(none.kept());
  CHECK(none.save("job_1", KeyRecord{"ds_7", false, ""}));
  CHECK_FALSE(none.find("job_1"));
}
