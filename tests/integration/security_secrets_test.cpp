// Secrets at rest over real HTTP: the database files (main and WAL) never hold a password, an
// API key, a session token or a site credential in plaintext; credentials never come back in
// responses or the log; and rotating the master key re-seals them so only the new key is needed.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "gateway/app/secrets.hpp"
#include "gateway/security/master_key.hpp"
#include "gateway/store/site_repo.hpp"
#include "integration/support/security_support.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every byte the database keeps on disk.
std::string database_bytes(const fs::path& data_dir) {
  std::string all;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const auto p = data_dir / (std::string("suanwang.db") + suffix);
    if (fs::exists(p)) all += file_bytes(p);
  }
  return all;
}

const std::string kSlurmToken = "eyJhbGciOiJIUzI1NiJ9.slurm-jwt-token-7f3a9c";
const std::string kPeerKey = "sw_peer_api_key_4b1d2e9f0a8c7d6e5f4a3b2c";
}  // namespace

TEST_CASE("the database never holds a password or API key or session or credential in plaintext",
          "[integration][security][secrets]") {
  TempDir dir;
  std::vector<std::string> secrets = {kSlurmToken, kPeerKey};
  std::string site_id;
  {
    TestGateway gw(dir.path());
    secrets.push_back(gw.admin_key());
    auto admin = gw.client(gw.admin_key());
    put_one_region(admin, "cn-test");
    const auto op = make_org_with_key(admin, "center", "operator");
    const auto user = make_org_with_key(admin, "acme", "user");
    secrets.push_back(op.key);
    secrets.push_back(user.key);
    const std::string password = "horse-battery-Staple-9912";
    secrets.push_back(password);
    auto user_client = gw.client(user.key);
    make_user(user_client, user.org_id, "dev@acme.example", password);
    auto anon = gw.client();
    const Browser b = sign_in(anon, "dev@acme.example", password);
    secrets.push_back(b.cookie.substr(b.cookie.find('=') + 1));
    auto named = as_browser(anon, b, "POST", "/api/v1/api-keys", json{{"name", "ci"}});
    REQUIRE(named.status == 201);
    secrets.push_back(named.json().at("key"));

    auto opc = gw.client(op.key);
    auto site =
        opc.post("/api/v1/sites",
                 local_site_body("East", "cn-test", {{"user", "svc"}, {"token", kSlurmToken}}));
    INFO(site.body);
    REQUIRE(site.status == 201);
    site_id = site.json().at("id");
    CHECK(site.json().at("adapter").at("credentials_set") == true);
    // A change of credentials through PATCH is sealed too.
    auto patched = opc.patch("/api/v1/sites/" + site_id,
                             {{"adapter", {{"credentials", {{"api_key", kPeerKey}}}}}});
    INFO(patched.body);
    REQUIRE(patched.status == 200);
    // Never in responses: the site as its owner, the admin and others see it, and the audit log.
    for (auto* c : {&opc, &admin, &user_client}) {
      for (const std::string& target : {"/api/v1/sites/" + site_id, std::string("/api/v1/sites"),
                                        std::string("/api/v1/audit")}) {
        auto r = c->get(target);
        CHECK(r.body.find(kSlurmToken) == std::string::npos);
        CHECK(r.body.find(kPeerKey) == std::string::npos);
      }
    }
    // The adapter still gets its credentials (from the sealed column).
    auto stored = gw.app().store().blocking(
        [&](store::Db& db) { return gw.app().site_vault().find_site(db, site_id); });
    REQUIRE(stored);
    REQUIRE(*stored);
    CHECK((**stored).adapter.credentials.at("api_key") == kPeerKey);
    CHECK((**stored).adapter.credentials.at("token") == kSlurmToken);
    // Scanned while running (WAL not yet checkpointed) and again after a clean stop.
    const std::string live = database_bytes(dir.path());
    // A positive control: what was stored in the clear is found, so the scan sees the data.
    CHECK(live.find("dev@acme.example") != std::string::npos);
    for (const auto& s : secrets) {
      INFO("found in the live database files: " << s.substr(0, 6) << "...");
      CHECK(live.find(s) == std::string::npos);
    }
  }
  const std::string bytes = database_bytes(dir.path());
  REQUIRE(bytes.size() > 10000);
  CHECK(bytes.find("dev@acme.example") != std::string::npos);
  for (const auto& s : secrets) {
    INFO("found in the database files: " << s.substr(0, 6) << "...");
    CHECK(bytes.find(s) == std::string::npos);
  }
  const std::string log = file_bytes(dir.path() / "gateway.log");
  CHECK(log.find(kSlurmToken) == std::string::npos);
  CHECK(log.find(kPeerKey) == std::string::npos);
  // The master key is outside the database, in a private file.
  const auto perms = fs::status(dir.path() / "master.key").permissions();
  CHECK((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  const std::string master = file_bytes(dir.path() / "master.key");
  CHECK(bytes.find(master.substr(0, 64)) == std::string::npos);
}

TEST_CASE("rotating the master key re-seals credentials so only the new key is needed",
          "[integration][security][secrets]") {
  TempDir dir;
  std::string site_id;
  {
    TestGateway gw(dir.path());
    auto admin = gw.client(gw.admin_key());
    put_one_region(admin, "cn-test");
    const auto op = make_org_with_key(admin, "center", "operator");
    auto site = gw.client(op.key).post(
        "/api/v1/sites", local_site_body("East", "cn-test", {{"token", kSlurmToken}}));
    REQUIRE(site.status == 201);
    site_id = site.json().at("id");
  }
  // The operator's rotation: a new key file, then `suanwang rotate-master-key`.
  const auto old_key = dir.path() / "master.key.old";
  fs::rename(dir.path() / "master.key", old_key);
  const auto new_key = dir.path() / "new-master.key";
  REQUIRE(security::write_private_file(new_key, std::string(64, 'c') + "\n"));
  Config config;
  config.data_dir = dir.path();
  config.master_key_file = new_key;
  config.previous_master_key_file = old_key;
  std::ostringstream log_text;
  Logger log(log_text);
  SecureRandom random;
  auto n = app::rotate_master_key(config, random, log);
  INFO(log_text.str());
  REQUIRE(n);
  CHECK(*n == 1);
  CHECK(*app::rotate_master_key(config, random, log) == 0);  // nothing left to do

  // With only the old key the gateway refuses to start, naming the missing key.
  {
    Config old_only = config;
    old_only.master_key_file = old_key;
    old_only.previous_master_key_file.clear();
    old_only.listen_port = 0;
    SystemClock clock;
    auto app = app::App::create(old_only, log, clock, random);
    REQUIRE_FALSE(app);
    CHECK(app.error().message.find("not loaded") != std::string::npos);
  }
  // With the new key alone it starts and the site keeps its credentials.
  TestGateway gw(dir.path(), {.tweak = [&](Config& c) { c.master_key_file = new_key; }});
  auto stored = gw.app().store().blocking(
      [&](store::Db& db) { return gw.app().site_vault().find_site(db, site_id); });
  REQUIRE(stored);
  REQUIRE(*stored);
  CHECK((**stored).adapter.credentials.at("token") == kSlurmToken);
}

}  // namespace suanwang::testing
