// The peer adapter's collect() against a scripted peer (a loopback server answering from a
// table): a download whose bytes are not the ones the peer lists is fetched once more and then
// refused, leaving nothing behind; a listing with a path that leaves the directory is refused
// before any download; files the globs do not name are not fetched.
#include <catch2/catch.hpp>

#include "adapters/peer/peer_adapter.hpp"
#include "adapters/peer/peer_records.hpp"
#include "common/sha256.hpp"
#include "support/replay_http_server.hpp"
#include "support/run_sync.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::adapters;
using nlohmann::json;

std::string pc_sha(const std::string& s) {
  common::Sha256 h;
  h.update(s);
  return common::digest_hex(h.digest());
}

json pc_outputs(json files) {
  return {
      {"dataset", {{"id", "ds_out"}, {"name", "x-outputs"}, {"kind", "files"}, {"sealed", true}}},
      {"files", std::move(files)}};
}

json pc_file(const std::string& path, const std::string& bytes) {
  return {{"path", path}, {"size_bytes", bytes.size()}, {"sha256", pc_sha(bytes)}};
}

struct PcRig {
  testing::TempDir dir;
  testing::ReplayHttpServer peer;
  boost::asio::io_context io;
  std::unique_ptr<SiteAdapter> adapter;

  PcRig() {
    // What an earlier submit wrote down: the key's job at the peer.
    REQUIRE(peer::PeerRecords(dir.path() / "site").save("job_1", {"", false, "job_at_peer"}));
    AdapterConfig c;
    c.type = "peer";
    c.endpoint = peer.endpoint();
    c.credentials = {{"api_key", "sw_test"}};
    AdapterContext ctx{io.get_executor(), [] { return std::chrono::system_clock::now(); },
                       (dir.path() / "site").string(), 0};
    auto a = peer::factory().create(c, ctx);
    REQUIRE(a);
    adapter = std::move(*a);
  }
  AdapterResult<Collection> collect(const std::vector<std::string>& globs) {
    return testing::run_sync(io, adapter->collect("job_1", globs, (dir.path() / "into").string()));
  }
  int downloads(const std::string& path) const {
    int n = 0;
    for (const auto& s : peer.seen()) n += s.target == "/api/v1/datasets/ds_out/files/" + path;
    return n;
  }
};

}  // namespace

TEST_CASE("peer collect: bytes that are not the listed ones are refused, nothing left behind",
          "[adapters][peer][data]") {
  PcRig rig;
  const std::string good = "digest of the inputs\n";
  rig.peer.answer(
      "GET", "/api/v1/jobs/job_at_peer/outputs",
      {200, "application/json",
       pc_outputs({pc_file("digest.txt", good), pc_file("out/big.bin", "listed")}).dump()});
  rig.peer.answer("GET", "/api/v1/datasets/ds_out/files/digest.txt",
                  {200, "application/octet-stream", good});
  // Same length, other bytes: only the digest tells.
  rig.peer.answer("GET", "/api/v1/datasets/ds_out/files/out/big.bin",
                  {200, "application/octet-stream", "LISTED"});

  auto only_digest = rig.collect({"*.txt"});
  REQUIRE(only_digest);
  REQUIRE(only_digest->files.size() == 1);
  CHECK(only_digest->files[0].sha256 == pc_sha(good));
  CHECK(rig.downloads("out/big.bin") == 0);  // not named by the globs: not fetched

  auto c = rig.collect({"*.txt", "out/**"});
  REQUIRE_FALSE(c);
  CHECK(c.error().code == AdapterErrc::bad_response);
  CHECK_THAT(c.error().message, Catch::Contains("out/big.bin"));
  CHECK_THAT(c.error().message, Catch::Contains(pc_sha("LISTED")));
  CHECK(rig.downloads("out/big.bin") == 2);  // once more, then refused
  CHECK_FALSE(std::filesystem::exists(rig.dir.path() / "into" / "out" / "big.bin"));
  CHECK_FALSE(std::filesystem::exists(rig.dir.path() / "into" / "out" / "big.bin.part"));
}

TEST_CASE("peer collect: a listing with a path out of the directory is refused before any byte",
          "[adapters][peer][data]") {
  PcRig rig;
  rig.peer.answer("GET", "/api/v1/jobs/job_at_peer/outputs",
                  {200, "application/json",
                   pc_outputs({pc_file("ok.txt", "x"), pc_file("../../escape.txt", "x")}).dump()});
  auto c = rig.collect({"**"});
  REQUIRE_FALSE(c);
  CHECK(c.error().code == AdapterErrc::bad_response);
  CHECK_THAT(c.error().message, Catch::Contains("files[1].path"));
  CHECK(rig.downloads("ok.txt") == 0);
  // A job the peer has no outputs for: not_found, in the peer's words.
  rig.peer.answer("GET", "/api/v1/jobs/job_at_peer/outputs",
                  {404, "application/json", R"({"detail":"job job_at_peer has no outputs"})"});
  auto none = rig.collect({"**"});
  REQUIRE_FALSE(none);
  CHECK(none.error().code == AdapterErrc::not_found);
}
