// Datasets with real files over HTTP: plain PUT, tus 1.0 uploads (creation, resume from the
// committed offset, checksum, termination), downloads with Range, ETag and Digest, sealing,
// quotas, isolation and hostile input. The real server on port 0.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "gateway/security/encoding.hpp"
#include "integration/support/test_gateway.hpp"
#include "support/run_sync.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

std::string dsf_b64(std::string_view s) {
  return security::base64_encode(s);
}
std::string dsf_sha_hex(std::string_view s) {
  return security::hex(security::sha256(s));
}
std::string dsf_sha_b64(std::string_view s) {
  return security::base64_encode(security::sha256(s));
}

std::map<std::string, std::string> dsf_tus(std::map<std::string, std::string> more = {}) {
  more["Tus-Resumable"] = "1.0.0";
  return more;
}

std::string dsf_create(HttpClient& c, const std::string& name) {
  auto r = c.post("/api/v1/datasets", json{{"name", name}});
  REQUIRE(r.status == 201);
  CHECK(r.json().at("kind") == "files");
  CHECK(r.json().at("sealed") == false);
  return r.json().at("id");
}

// A tus upload's URL (Location of the creation).
std::string dsf_begin(HttpClient& c, const std::string& ds, const std::string& path,
                      std::size_t length) {
  auto r = c.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                     dsf_tus({{"Upload-Length", std::to_string(length)},
                              {"Upload-Metadata", "path " + dsf_b64(path) + ",filename " +
                                                      dsf_b64("ignored.bin")}}));
  INFO(r.body);
  REQUIRE(r.status == 201);
  CHECK(r.header("tus-resumable") == "1.0.0");
  const std::string loc = r.header("location");
  REQUIRE(loc.starts_with("/api/v1/uploads/up_"));
  return loc;
}

HttpResponse dsf_patch(HttpClient& c, const std::string& loc, std::size_t offset,
                       const std::string& bytes, std::map<std::string, std::string> more = {}) {
  more["Upload-Offset"] = std::to_string(offset);
  more["Content-Type"] = "application/offset+octet-stream";
  return c.request("PATCH", loc, bytes, dsf_tus(more));
}

std::string dsf_big(std::size_t n) {
  std::string s(n, '\0');
  uint32_t x = 12345;
  for (auto& ch : s) {
    x = x * 1664525 + 1013904223;
    ch = static_cast<char>(x >> 24);
  }
  return s;
}

}  // namespace

TEST_CASE("a dataset's files: PUT, list, download whole and in ranges, seal",
          "[integration][data]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto c = gw.client(gw.demo_key("demo-user"));
  const std::string ds = dsf_create(c, "inputs");
  const std::string bytes = dsf_big(3 * 1024 * 1024 + 17);  // several pieces each way

  auto put = c.request("PUT", "/api/v1/datasets/" + ds + "/files/data/train.bin", bytes,
                       {{"Content-Type", "application/octet-stream"}});
  INFO(put.body);
  REQUIRE(put.status == 201);
  CHECK(put.json().at("sha256") == dsf_sha_hex(bytes));  // measured by the gateway
  CHECK(put.json().at("size_bytes") == bytes.size());

  auto small = c.request("PUT", "/api/v1/datasets/" + ds + "/files/README.txt", "hello\n",
                         {{"Repr-Digest", "sha-256=:" + dsf_sha_b64("hello\n") + ":"}});
  REQUIRE(small.status == 201);
  // A declared digest that the bytes do not have: refused, nothing recorded.
  auto lying = c.request("PUT", "/api/v1/datasets/" + ds + "/files/lie.txt", "abc",
                         {{"Digest", "sha-256=" + dsf_sha_b64("abd")}});
  CHECK(lying.status == 400);

  auto files = c.get("/api/v1/datasets/" + ds + "/files");
  REQUIRE(files.status == 200);
  REQUIRE(files.json().at("items").size() == 2);
  CHECK(files.json().at("items")[0].at("path") == "README.txt");
  CHECK(files.json().at("items")[1].at("path") == "data/train.bin");
  CHECK(c.get("/api/v1/datasets/" + ds).json().at("size_bytes") == bytes.size() + 6);

  const std::string url = "/api/v1/datasets/" + ds + "/files/data/train.bin";
  auto whole = c.get(url);
  REQUIRE(whole.status == 200);
  CHECK(whole.body == bytes);
  CHECK(whole.header("etag") == "\"" + dsf_sha_hex(bytes) + "\"");
  CHECK(whole.header("digest") == "sha-256=" + dsf_sha_b64(bytes));
  CHECK(whole.header("accept-ranges") == "bytes");

  auto head = c.request("HEAD", url, "");
  CHECK(head.status == 200);
  CHECK(head.header("content-length") == std::to_string(bytes.size()));
  CHECK(head.body.empty());

  auto part = c.request("GET", url, "", {{"Range", "bytes=100-199"}});
  REQUIRE(part.status == 206);
  CHECK(part.body == bytes.substr(100, 100));
  CHECK(part.header("content-range") ==
        "bytes 100-199/" + std::to_string(bytes.size()));
  auto tail = c.request("GET", url, "", {{"Range", "bytes=-10"}});
  REQUIRE(tail.status == 206);
  CHECK(tail.body == bytes.substr(bytes.size() - 10));
  auto beyond = c.request("GET", url, "", {{"Range", "bytes=999999999-"}});
  CHECK(beyond.status == 416);
  CHECK(beyond.header("content-range") == "bytes */" + std::to_string(bytes.size()));
  auto cached = c.request("GET", url, "", {{"If-None-Match", whole.header("etag")}});
  CHECK(cached.status == 304);
  CHECK(cached.body.empty());
  // The connection is still good after all of that.
  CHECK(c.get(url).body == bytes);

  auto sealed = c.post("/api/v1/datasets/" + ds + "/seal", json::object());
  REQUIRE(sealed.status == 200);
  CHECK(sealed.json().at("sealed") == true);
  auto after = c.request("PUT", "/api/v1/datasets/" + ds + "/files/late.txt", "x", {});
  CHECK(after.status == 409);
  CHECK(c.post("/api/v1/datasets/" + ds + "/seal", json::object()).status == 200);  // idempotent
}

TEST_CASE("tus: an upload resumes from its committed offset, checks checksums, and ends as a file",
          "[integration][data]") {
  TempDir dir;
  const std::string bytes = dsf_big(1024 * 1024 + 3);
  std::string ds, loc, key;
  {
    TestGateway gw(dir.path(), {.demo = true});
    key = gw.demo_key("demo-user");
    auto c = gw.client(key);
    ds = dsf_create(c, "resumable");

    auto opts = c.request("OPTIONS", "/api/v1/datasets/" + ds + "/uploads", "");
    CHECK(opts.status == 204);
    CHECK(opts.header("tus-version") == "1.0.0");
    CHECK(opts.header("tus-extension").find("checksum") != std::string::npos);
    CHECK(opts.header("tus-checksum-algorithm") == "sha256");

    loc = dsf_begin(c, ds, "weights/model.pt", bytes.size());
    // No protocol version: 412.
    CHECK(c.request("HEAD", loc, "").status == 412);
    auto head = c.request("HEAD", loc, "", dsf_tus());
    CHECK(head.status == 200);
    CHECK(head.header("upload-offset") == "0");
    CHECK(head.header("upload-length") == std::to_string(bytes.size()));

    // The first piece, with its checksum.
    const std::string first = bytes.substr(0, 300000);
    auto p1 = dsf_patch(c, loc, 0, first, {{"Upload-Checksum", "sha256 " + dsf_sha_b64(first)}});
    INFO(p1.body);
    REQUIRE(p1.status == 204);
    CHECK(p1.header("upload-offset") == "300000");
    // A piece whose checksum does not hold: 460, nothing committed.
    const std::string second = bytes.substr(300000, 200000);
    auto bad = dsf_patch(c, loc, 300000, second,
                         {{"Upload-Checksum", "sha256 " + dsf_sha_b64("something else")}});
    CHECK(bad.status == 460);
    // The wrong offset: 409, naming where to resume.
    auto off = dsf_patch(c, loc, 12, second);
    CHECK(off.status == 409);
    CHECK(off.json().at("detail").get<std::string>().find("300000") != std::string::npos);
    // Wrong content type: 415.
    CHECK(c.request("PATCH", loc, second,
                    dsf_tus({{"Upload-Offset", "300000"}, {"Content-Type", "text/plain"}}))
              .status == 415);
    CHECK(c.request("HEAD", loc, "", dsf_tus()).header("upload-offset") == "300000");
    gw.stop();
  }
  // The gateway restarts; the client asks where to resume and finishes.
  TestGateway gw(dir.path(), {.demo = true});
  auto c = gw.client(key);
  auto head = c.request("HEAD", loc, "", dsf_tus());
  REQUIRE(head.status == 200);
  REQUIRE(head.header("upload-offset") == "300000");
  // Too much: the body passes the upload's length. Refused, nothing committed.
  auto over = dsf_patch(c, loc, 300000, bytes.substr(300000) + "extra");
  CHECK(over.status == 413);
  CHECK(c.request("HEAD", loc, "", dsf_tus()).header("upload-offset") == "300000");
  auto rest = dsf_patch(c, loc, 300000, bytes.substr(300000));
  INFO(rest.body);
  REQUIRE(rest.status == 204);
  CHECK(rest.header("upload-offset") == std::to_string(bytes.size()));

  auto files = c.get("/api/v1/datasets/" + ds + "/files").json().at("items");
  REQUIRE(files.size() == 1);
  CHECK(files[0].at("path") == "weights/model.pt");
  CHECK(files[0].at("sha256") == dsf_sha_hex(bytes));  // the digest survived the restart
  CHECK(c.get("/api/v1/datasets/" + ds + "/files/weights/model.pt").body == bytes);
  // The finished upload is gone.
  CHECK(c.request("HEAD", loc, "", dsf_tus()).status == 404);
}

TEST_CASE("tus: termination removes an upload and its bytes; an open upload blocks sealing",
          "[integration][data]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto c = gw.client(gw.demo_key("demo-user"));
  const std::string ds = dsf_create(c, "cancelled");
  REQUIRE(c.request("PUT", "/api/v1/datasets/" + ds + "/files/a.txt", "a", {}).status == 201);
  const std::string loc = dsf_begin(c, ds, "b.txt", 10);
  REQUIRE(dsf_patch(c, loc, 0, "01234").status == 204);
  auto seal = c.post("/api/v1/datasets/" + ds + "/seal", json::object());
  CHECK(seal.status == 409);
  CHECK(seal.json().at("detail").get<std::string>().find("b.txt") != std::string::npos);
  CHECK(c.request("DELETE", loc, "", dsf_tus()).status == 204);
  CHECK(c.request("HEAD", loc, "", dsf_tus()).status == 404);
  CHECK_FALSE(std::filesystem::exists(gw.data_dir() / "blobs" / "uploads" /
                                      loc.substr(loc.rfind('/') + 1)));
  CHECK(c.post("/api/v1/datasets/" + ds + "/seal", json::object()).status == 200);
}

TEST_CASE("datasets: identical files are stored once; deleting frees unshared blobs",
          "[integration][data]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto c = gw.client(gw.demo_key("demo-user"));
  const std::string a = dsf_create(c, "one");
  const std::string b = dsf_create(c, "two");
  REQUIRE(c.request("PUT", "/api/v1/datasets/" + a + "/files/x", "same bytes", {}).status == 201);
  REQUIRE(c.request("PUT", "/api/v1/datasets/" + b + "/files/y", "same bytes", {}).status == 201);
  REQUIRE(c.request("PUT", "/api/v1/datasets/" + a + "/files/z", "only in a", {}).status == 201);
  const auto shared = gw.data_dir() / "blobs" / "sha256" / dsf_sha_hex("same bytes").substr(0, 2) /
                      dsf_sha_hex("same bytes");
  const auto own = gw.data_dir() / "blobs" / "sha256" / dsf_sha_hex("only in a").substr(0, 2) /
                   dsf_sha_hex("only in a");
  CHECK(std::filesystem::exists(shared));
  CHECK(std::filesystem::exists(own));
  REQUIRE(c.del("/api/v1/datasets/" + a).status == 204);
  boost::asio::io_context io;
  auto gc = run_sync(io, gw.app().datasets().collect_garbage(std::chrono::seconds(0)));
  REQUIRE(gc);
  CHECK(std::filesystem::exists(shared));  // still a file of "two"
  CHECK_FALSE(std::filesystem::exists(own));
  CHECK(c.get("/api/v1/datasets/" + b + "/files/y").body == "same bytes");
}

TEST_CASE("datasets: a full quota answers 507 naming the limit and the use, before any byte",
          "[integration][data]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true, .tweak = [](Config& cfg) {
                                cfg.storage_quota_bytes = 1000;
                                cfg.max_upload_bytes = 600;
                              }});
  auto c = gw.client(gw.demo_key("demo-user"));
  const std::string ds = dsf_create(c, "quota");
  REQUIRE(c.request("PUT", "/api/v1/datasets/" + ds + "/files/a", std::string(500, 'a'), {})
              .status == 201);
  auto full = c.request("PUT", "/api/v1/datasets/" + ds + "/files/b", std::string(501, 'b'), {});
  CHECK(full.status == 507);
  CHECK(full.json().at("detail").get<std::string>().find("1000") != std::string::npos);
  CHECK(full.json().at("detail").get<std::string>().find("500") != std::string::npos);
  auto big = c.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                       dsf_tus({{"Upload-Length", "601"},
                                {"Upload-Metadata", "path " + dsf_b64("c")}}));
  CHECK(big.status == 413);
  auto tus_full = c.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                            dsf_tus({{"Upload-Length", "501"},
                                     {"Upload-Metadata", "path " + dsf_b64("c")}}));
  CHECK(tus_full.status == 507);
  // Nothing half-written: one file, no stray blob or upload.
  CHECK(c.get("/api/v1/datasets/" + ds + "/files").json().at("items").size() == 1);
  CHECK(std::filesystem::is_empty(gw.data_dir() / "blobs" / "uploads"));
  CHECK(std::filesystem::is_empty(gw.data_dir() / "blobs" / "tmp"));
}

TEST_CASE("datasets: other orgs see 404, hostile paths get 400 naming the field",
          "[integration][data]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  auto op = gw.client(gw.demo_key("demo-operator"));
  const std::string ds = dsf_create(user, "private");
  REQUIRE(user.request("PUT", "/api/v1/datasets/" + ds + "/files/secret.txt", "s3cret", {})
              .status == 201);
  const std::string loc = dsf_begin(user, ds, "open.bin", 4);
  CHECK(op.get("/api/v1/datasets/" + ds + "/files").status == 404);
  CHECK(op.get("/api/v1/datasets/" + ds + "/files/secret.txt").status == 404);
  CHECK(op.request("PUT", "/api/v1/datasets/" + ds + "/files/x", "x", {}).status == 404);
  CHECK(op.request("HEAD", loc, "", dsf_tus()).status == 404);
  CHECK(dsf_patch(op, loc, 0, "abcd").status == 404);
  CHECK(op.request("DELETE", loc, "", dsf_tus()).status == 404);
  CHECK(op.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                   dsf_tus({{"Upload-Length", "1"}, {"Upload-Metadata", "path " + dsf_b64("x")}}))
            .status == 404);
  // The admin sees the dataset's metadata, not its bytes.
  auto admin = gw.client(gw.admin_key());
  CHECK(admin.get("/api/v1/datasets/" + ds).status == 200);
  CHECK(admin.get("/api/v1/datasets/" + ds + "/files/secret.txt").status == 404);

  for (const std::string bad : {"..%2Fx", "a/%2E%2E/b", "a%00b", "a%0Ab"}) {
    INFO(bad);
    auto r = user.request("PUT", "/api/v1/datasets/" + ds + "/files/" + bad, "x", {});
    CHECK(r.status == 400);
    CHECK(r.json().at("field") == "path");
  }
  for (const std::string& bad : {std::string("../etc/passwd"), std::string("/abs"),
                                std::string(300, 'n')}) {
    auto r = user.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                          dsf_tus({{"Upload-Length", "1"},
                                   {"Upload-Metadata", "path " + dsf_b64(bad)}}));
    CHECK(r.status == 400);
    CHECK(r.json().at("field") == "Upload-Metadata path");
  }
  CHECK(user.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                     dsf_tus({{"Upload-Length", "-3"}, {"Upload-Metadata", "path " + dsf_b64("x")}}))
            .status == 400);
  CHECK(user.get("/api/v1/datasets/" + ds + "/files/secret.txt").body == "s3cret");
}

}  // namespace suanwang::testing

namespace suanwang::testing {
namespace {
using nlohmann::json;

TEST_CASE("a job reads a staged dataset and its outputs come back as a dataset, digests intact",
          "[integration][data][staging]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto c = gw.client(gw.demo_key("demo-user"));
  const std::string local = local_site_id(c);
  REQUIRE_FALSE(local.empty());
  const std::string ds = dsf_create(c, "job-input");
  const std::string input = "hello staged world\n" + dsf_big(200000);
  REQUIRE(c.request("PUT", "/api/v1/datasets/" + ds + "/files/input.txt", input, {}).status ==
          201);

  json spec = {{"name", "digest"},
               {"command",
                "mkdir -p out && sha256sum data/input.txt > digest.txt && "
                "head -c 19 data/input.txt | tr a-z A-Z > out/upper.txt && cat digest.txt"},
               {"resources", {{"cpus", 1}, {"memory_gb", 0.1}, {"walltime_s", 60}}},
               {"inputs", json::array({{{"dataset", ds}, {"path", "data/"}}})},
               {"outputs", {{"paths", json::array({"digest.txt", "out/*.txt"})}}},
               {"constraints", {{"sites", json::array({local})}}}};
  // A job never starts on files that may still change.
  auto open = c.post("/api/v1/jobs", spec);
  CHECK(open.status == 409);
  CHECK(open.json().at("field") == "inputs[0].dataset");
  REQUIRE(c.post("/api/v1/datasets/" + ds + "/seal", json::object()).status == 200);
  // Paths that leave the job's directory are refused, naming the field.
  json bad = spec;
  bad["inputs"][0]["path"] = "../elsewhere/";
  auto refused = c.post("/api/v1/jobs", bad);
  CHECK(refused.status == 400);
  CHECK(refused.json().at("field") == "inputs[0].path");
  bad = spec;
  bad["outputs"]["paths"] = json::array({"/etc/*"});
  CHECK(c.post("/api/v1/jobs", bad).status == 400);

  auto made = c.post("/api/v1/jobs", spec);
  INFO(made.body);
  REQUIRE(made.status == 201);
  const std::string id = made.json().at("id");
  const json done = wait_for_state(c, id, "succeeded", std::chrono::seconds(30));
  INFO(done.dump());
  std::vector<std::string> states;
  std::string staged_reason;
  const json events = c.get("/api/v1/jobs/" + id + "/events").json().at("items");
  for (const auto& e : events) {
    states.push_back(e.at("state"));
    if (e.at("type") == "staged") staged_reason = e.at("reason");
  }
  CHECK(std::find(states.begin(), states.end(), "staging") != states.end());
  CHECK(std::find(states.begin(), states.end(), "collecting") != states.end());
  CHECK(staged_reason.find("1 file") != std::string::npos);

  auto outputs = c.get("/api/v1/jobs/" + id + "/outputs");
  INFO(outputs.body);
  REQUIRE(outputs.status == 200);
  const std::string out_ds = outputs.json().at("dataset").at("id");
  CHECK(outputs.json().at("dataset").at("sealed") == true);
  CHECK(outputs.json().at("dataset").at("job_id") == id);
  const json files = outputs.json().at("files");
  REQUIRE(files.size() == 2);
  CHECK(files[0].at("path") == "digest.txt");
  CHECK(files[1].at("path") == "out/upper.txt");
  auto digest = c.get("/api/v1/datasets/" + out_ds + "/files/digest.txt");
  REQUIRE(digest.status == 200);
  // The job read exactly the bytes that were uploaded.
  CHECK(digest.body.starts_with(dsf_sha_hex(input)));
  CHECK(c.get("/api/v1/datasets/" + out_ds + "/files/out/upper.txt").body ==
        "HELLO STAGED WORLD\n");
  // Another org cannot see them.
  auto op = gw.client(gw.demo_key("demo-operator"));
  CHECK(op.get("/api/v1/jobs/" + id + "/outputs").status == 404);
}

}  // namespace
}  // namespace suanwang::testing
