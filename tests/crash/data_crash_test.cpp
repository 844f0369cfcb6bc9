// Crash safety of the data plane (DESIGN §6, "data is never silently wrong"): the real
// `suanwang serve` binary is SIGKILLed at moments the test observes on disk — with bytes of a
// tus PATCH written past the committed offset, with a job's input half-copied into its
// directory, with a job's output half-copied back — and restarted on the same data dir.
// An upload then resumes from the offset HEAD reports and ends with the source's SHA-256; a
// job reaches `succeeded` having started once (its command appends a line to a file outside
// its directory), on inputs its own script verified, with outputs whose digests are the ones
// it wrote. Sizes and cut points come from a seeded generator; the seed is printed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <thread>

#include <catch2/catch.hpp>

#include "crash/crash_server.hpp"
#include "gateway/security/encoding.hpp"
#include "integration/support/http_client.hpp"
#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::string dcr_sha_hex(std::string_view s) {
  return security::hex(security::sha256(s));
}
std::string dcr_sha_b64(std::string_view s) {
  return security::base64_encode(security::sha256(s));
}

std::string dcr_bytes(std::size_t n, std::mt19937& rng) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; i += 4) {
    const uint32_t x = static_cast<uint32_t>(rng());
    std::memcpy(s.data() + i, &x, std::min<std::size_t>(4, n - i));
  }
  return s;
}

// `s` with every byte XORed with `mask`: bytes that differ from the source's everywhere.
std::string dcr_masked(std::string_view s, unsigned char mask) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(static_cast<unsigned char>(ch) ^ mask);
  return out;
}

// The byte at `offset` of a file, if it is that long.
std::optional<char> dcr_byte_at(const fs::path& p, std::size_t offset) {
  std::ifstream in(p, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  if (!in.get(c)) return std::nullopt;
  return c;
}

// Faster federation loops than the defaults, so a job's life takes seconds.
std::vector<std::string> dcr_config(const fs::path& dir) {
  const fs::path p = dir / "config.json";
  std::ofstream(p) << R"({"reconcile_interval_ms": 200, "capacity_interval_ms": 500})";
  return {"--config", p.string()};
}

std::string dcr_key(const fs::path& dir) {
  std::ifstream in(dir / "data" / "demo-keys.json");
  return json::parse(in).at("demo-user").at("api_key");
}

// A request sent in part: its header and the first bytes of its body go out, and the
// connection stays open (the gateway waits for the rest) until this object goes.
class DcrPartialRequest {
 public:
  DcrPartialRequest(uint16_t port, const std::string& head, std::string_view body_part) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    send_all(head);
    send_all(body_part);
  }
  ~DcrPartialRequest() { ::close(fd_); }
  DcrPartialRequest(const DcrPartialRequest&) = delete;
  DcrPartialRequest& operator=(const DcrPartialRequest&) = delete;

 private:
  void send_all(std::string_view s) {
    while (!s.empty()) {
      const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      REQUIRE(n > 0);
      s.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  int fd_ = -1;
};

// The header of a tus PATCH of `length` bytes at `offset` (with the body's checksum if given).
std::string dcr_patch_head(const std::string& loc, const std::string& key, std::size_t offset,
                           std::size_t length, const std::string& checksum_b64 = {}) {
  std::string h = "PATCH " + loc + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  h += "Authorization: Bearer " + key + "\r\nTus-Resumable: 1.0.0\r\n";
  h += "Content-Type: application/offset+octet-stream\r\n";
  h += "Upload-Offset: " + std::to_string(offset) + "\r\n";
  h += "Content-Length: " + std::to_string(length) + "\r\n";
  if (!checksum_b64.empty()) h += "Upload-Checksum: sha256 " + checksum_b64 + "\r\n";
  return h + "\r\n";
}

std::map<std::string, std::string> dcr_tus(std::map<std::string, std::string> more = {}) {
  more["Tus-Resumable"] = "1.0.0";
  return more;
}

// Polls (every millisecond, for at most `limit`) for a regular file under `root` whose name
// passes `pred`; the first one found, or "" when none appeared.
fs::path dcr_watch_for(const fs::path& root, const std::function<bool(const fs::path&)>& pred,
                       std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code fec;
      if (it->is_regular_file(fec) && pred(it->path())) return it->path();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

int dcr_count_lines(const fs::path& p) {
  std::ifstream in(p);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

}  // namespace

TEST_CASE(
    "crash: SIGKILL mid-PATCH - the upload resumes from its committed offset with its digest "
    "intact",
    "[crash][data]") {
  TempDir dir;
  fs::create_directories(dir.path() / "data");
  const auto seed = std::random_device{}();
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  std::cout << "upload crash test seed " << seed << std::endl;
  const auto config = dcr_config(dir.path());

  constexpr std::size_t kPiece = 1024 * 1024;
  // A cut PATCH sends at least this much, so that the gateway has written some of it past the
  // committed offset (it may hold the last few hundred KiB in memory) when the kill comes. The
  // kill comes within 10 s, before the gateway's read timeout (15 s) would end the PATCH.
  constexpr std::size_t kCutAtLeast = 1024 * 1024;
  const std::string bytes = dcr_bytes(6 * kPiece + rng() % kPiece, rng);
  std::string key, ds, loc;
  std::size_t committed = 0;
  fs::path partial;
  {
    CrashServer server(dir.path(), 1, config);
    key = dcr_key(dir.path());
    HttpClient c(server.port(), key);
    auto made = c.post("/api/v1/datasets", json{{"name", "crash-upload"}});
    REQUIRE(made.status == 201);
    ds = made.json().at("id");
    auto created = c.request(
        "POST", "/api/v1/datasets/" + ds + "/uploads", "",
        dcr_tus({{"Upload-Length", std::to_string(bytes.size())},
                 {"Upload-Metadata", "path " + security::base64_encode("in/weights.bin")}}));
    INFO(created.body);
    REQUIRE(created.status == 201);
    loc = created.header("location");
    partial = dir.path() / "data" / "blobs" / "uploads" / loc.substr(loc.rfind('/') + 1);
    // One to three whole pieces, each with its checksum, answered 204: committed.
    const std::size_t pieces = 1 + rng() % 3;
    for (std::size_t i = 0; i < pieces; ++i) {
      const std::string piece = bytes.substr(committed, kPiece);
      auto r = c.request("PATCH", loc, piece,
                         dcr_tus({{"Upload-Offset", std::to_string(committed)},
                                  {"Content-Type", "application/offset+octet-stream"},
                                  {"Upload-Checksum", "sha256 " + dcr_sha_b64(piece)}}));
      REQUIRE(r.status == 204);
      committed += piece.size();
      REQUIRE(r.header("upload-offset") == std::to_string(committed));
    }
    // Then a PATCH of the rest without a checksum, cut off mid-body by the kill, once the
    // gateway has written some of it past the committed offset. Its bytes are not the
    // source's, so that any of them taken for committed would show in the digest.
    const std::size_t rest = bytes.size() - committed;
    const std::size_t sent = kCutAtLeast + rng() % (rest - kCutAtLeast - 64 * 1024);
    DcrPartialRequest cut(server.port(), dcr_patch_head(loc, key, committed, rest),
                          dcr_masked(std::string_view(bytes).substr(committed, sent), 0xff));
    INFO("committed " << committed << ", sent " << sent << " more");
    const char first = static_cast<char>(static_cast<unsigned char>(bytes[committed]) ^ 0xff);
    REQUIRE(eventually([&] { return dcr_byte_at(partial, committed) == first; },
                       std::chrono::seconds(10)));
    server.kill();
  }
  {
    CrashServer server(dir.path(), 2, config);
    HttpClient c(server.port(), key);
    auto head = c.request("HEAD", loc, "", dcr_tus());
    REQUIRE(head.status == 200);
    // Bytes of a PATCH that never ended were never committed.
    REQUIRE(head.header("upload-offset") == std::to_string(committed));
    // A second cut: the rest with its checksum (it counts whole or not at all), killed again.
    const std::string rest = bytes.substr(committed);
    const std::size_t sent = kCutAtLeast + rng() % (rest.size() - kCutAtLeast - 64 * 1024);
    DcrPartialRequest cut(server.port(),
                          dcr_patch_head(loc, key, committed, rest.size(), dcr_sha_b64(rest)),
                          dcr_masked(std::string_view(rest).substr(0, sent), 0x55));
    INFO("committed " << committed << ", sent " << sent << " more with a checksum");
    // The first cut's bytes are still in the file past the offset: wait for this one's.
    const char first = static_cast<char>(static_cast<unsigned char>(rest[0]) ^ 0x55);
    REQUIRE(eventually([&] { return dcr_byte_at(partial, committed) == first; },
                       std::chrono::seconds(10)));
    server.kill();
  }
  CrashServer server(dir.path(), 3, config);
  HttpClient c(server.port(), key);
  auto head = c.request("HEAD", loc, "", dcr_tus());
  REQUIRE(head.status == 200);
  REQUIRE(head.header("upload-offset") == std::to_string(committed));
  // Resume from the reported offset, in pieces, as the CLI does.
  std::size_t offset = std::stoull(head.header("upload-offset"));
  while (offset < bytes.size()) {
    const std::string piece = bytes.substr(offset, kPiece);
    auto r = c.request("PATCH", loc, piece,
                       dcr_tus({{"Upload-Offset", std::to_string(offset)},
                                {"Content-Type", "application/offset+octet-stream"},
                                {"Upload-Checksum", "sha256 " + dcr_sha_b64(piece)}}));
    INFO(r.body);
    REQUIRE(r.status == 204);
    offset += piece.size();
    REQUIRE(r.header("upload-offset") == std::to_string(offset));
  }
  auto files = c.get("/api/v1/datasets/" + ds + "/files");
  REQUIRE(files.status == 200);
  REQUIRE(files.json().at("items").size() == 1);
  CHECK(files.json().at("items")[0].at("sha256") == dcr_sha_hex(bytes));
  auto got = c.get("/api/v1/datasets/" + ds + "/files/in/weights.bin");
  REQUIRE(got.status == 200);
  CHECK(got.body.size() == bytes.size());
  CHECK(dcr_sha_hex(got.body) == dcr_sha_hex(bytes));
  CHECK_FALSE(fs::exists(partial));
}

namespace {

enum class DcrKillAt { staging, collection };

// A job on the local site reads a sealed input (checking its SHA-256 itself) and writes an
// output of `output_bytes`; the gateway is SIGKILLed while the input is being copied into the
// job's directory (staging) or the output out of it (collection), then restarted.
void dcr_job_killed(DcrKillAt at, std::size_t input_bytes, std::size_t output_bytes) {
  TempDir dir;
  fs::create_directories(dir.path() / "data");
  const auto seed = std::random_device{}();
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  std::cout << "job crash test seed " << seed << std::endl;
  const auto config = dcr_config(dir.path());
  const fs::path starts = dir.path() / "starts.log";
  const fs::path written = dir.path() / "written.sha256";
  const std::string input = dcr_bytes(input_bytes + rng() % 4096, rng);
  std::string key, id;
  {
    CrashServer server(dir.path(), 1, config);
    key = dcr_key(dir.path());
    HttpClient c(server.port(), key);
    const std::string local = local_site_id(c);
    REQUIRE_FALSE(local.empty());
    auto made = c.post("/api/v1/datasets", json{{"name", "crash-input"}});
    REQUIRE(made.status == 201);
    const std::string ds = made.json().at("id");
    auto put = c.request("PUT", "/api/v1/datasets/" + ds + "/files/in.bin", input, {});
    INFO(put.body);
    REQUIRE(put.status == 201);
    REQUIRE(c.post("/api/v1/datasets/" + ds + "/seal", json::object()).status == 200);
    // The script refuses an input whose bytes are not the uploaded ones (exit 3: the job
    // fails), so `succeeded` means it ran on verified bytes.
    const std::string cmd =
        "echo start >> '" + starts.string() + "' && echo '" + dcr_sha_hex(input) +
        "  data/in.bin' | sha256sum -c --status || exit 3; "
        "mkdir -p out && head -c " +
        std::to_string(output_bytes) +
        " /dev/urandom > out/result.bin && sha256sum out/result.bin > '" + written.string() + "'";
    const json spec = {{"name", "crash-data"},
                       {"command", cmd},
                       {"resources", {{"cpus", 1}, {"memory_gb", 0.1}, {"walltime_s", 300}}},
                       {"inputs", json::array({{{"dataset", ds}, {"path", "data/"}}})},
                       {"outputs", {{"paths", json::array({"out/*.bin"})}}},
                       {"constraints", {{"sites", json::array({local})}}}};
    auto job = c.post("/api/v1/jobs", spec);
    INFO(job.body);
    REQUIRE(job.status == 201);
    id = job.json().at("id");
    // The kill moment, seen on disk: a copy under way (a ".part" file) of the input into the
    // job's directory, or of the output into the gateway's collection folder.
    const fs::path watched = at == DcrKillAt::staging
                                 ? dir.path() / "data" / "sites"
                                 : dir.path() / "data" / "blobs" / "tmp" / ("collect-" + id);
    const fs::path seen = dcr_watch_for(
        watched, [](const fs::path& p) { return p.filename().string().ends_with(".bin.part"); },
        std::chrono::seconds(60));
    INFO("watched " << watched);
    REQUIRE_FALSE(seen.empty());
    server.kill();
    std::cout << "job crash test: killed while " << seen << " was being written" << std::endl;
  }
  CrashServer server(dir.path(), 2, config);
  HttpClient c(server.port(), key);
  const json done = wait_for_state(c, id, "succeeded", std::chrono::seconds(120));
  INFO(done.dump());
  CHECK(dcr_count_lines(starts) == 1);  // started once, kill or not
  const json events = c.get("/api/v1/jobs/" + id + "/events").json().at("items");
  int staged = 0;
  for (const auto& e : events) staged += e.at("type") == "staged" ? 1 : 0;
  CHECK(staged == 1);

  // The outputs are the bytes the job wrote: their digest as the job computed it, as the
  // gateway recorded it, and of what it serves.
  std::string job_digest;
  {
    std::ifstream in(written);
    in >> job_digest;
  }
  REQUIRE(job_digest.size() == 64);
  auto outputs = c.get("/api/v1/jobs/" + id + "/outputs");
  INFO(outputs.body);
  REQUIRE(outputs.status == 200);
  const json files = outputs.json().at("files");
  REQUIRE(files.size() == 1);
  CHECK(files[0].at("path") == "out/result.bin");
  CHECK(files[0].at("size_bytes") == output_bytes);
  CHECK(files[0].at("sha256") == job_digest);
  const std::string out_ds = outputs.json().at("dataset").at("id");
  auto body = c.get("/api/v1/datasets/" + out_ds + "/files/out/result.bin");
  REQUIRE(body.status == 200);
  CHECK(dcr_sha_hex(body.body) == job_digest);
}

}  // namespace

TEST_CASE("crash: SIGKILL while a job's input is staged - it runs once on verified bytes",
          "[crash][data]") {
  dcr_job_killed(DcrKillAt::staging, 48 * 1024 * 1024, 4096);
}

TEST_CASE(
    "crash: SIGKILL while a job's outputs are collected - it ends once with its digests intact",
    "[crash][data]") {
  dcr_job_killed(DcrKillAt::collection, 4096, 48 * 1024 * 1024);
}

}  // namespace suanwang::testing
