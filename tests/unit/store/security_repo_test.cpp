// The accounts-and-security rows: site credentials sealed at rest (by services::SiteVault; the
// store keeps only sealed bytes) and re-sealed on rotation, users and sessions, usage records
// written with a job's end, and the audit log.
#include <catch2/catch.hpp>

#include "gateway/runtime/job_writes.hpp"
#include "gateway/security/secret_box.hpp"
#include "gateway/services/site_vault.hpp"
#include "gateway/store/audit_repo.hpp"
#include "gateway/store/job_repo.hpp"
#include "gateway/store/site_repo.hpp"
#include "gateway/store/usage_repo.hpp"
#include "gateway/store/user_repo.hpp"
#include "store_test_support.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::store;
using suanwang::testing::make_org;
using suanwang::testing::scalar;

security::MasterKey key_of(unsigned char fill) {
  security::MasterKey k;
  k.bytes.fill(fill);
  return k;
}

struct SecurityRepoFixture {
  std::unique_ptr<Db> db = suanwang::testing::migrated_db();
  SeededRandom random{5};
  security::SecretBox box{key_of(1)};
  services::SiteVault vault{&box, random};
  SecurityRepoFixture() {
    REQUIRE(insert_org(*db, make_org("org_op", "op", model::OrgKind::operator_)));
    REQUIRE(insert_org(*db, make_org("org_u", "u")));
    REQUIRE(db->exec("INSERT INTO regions (id, name) VALUES ('r1', 'R1')"));
  }
  model::Site site(std::string id) {
    model::Site s;
    s.id = std::move(id);
    s.org_id = "org_op";
    s.name = s.id;
    s.region = "r1";
    s.adapter.type = "slurm";
    s.adapter.credentials = {{"user", "svc"}, {"token", "jwt-very-secret-" + s.id}};
    s.pricing.cpu_core_hour = 3.6;
    s.pricing.gpu_hour = {{"A800", 36}};
    return s;
  }
  std::string stored(const std::string& sql) {
    auto st = db->prepare(sql);
    REQUIRE(st);
    REQUIRE(*st->step());
    return st->text(0);
  }
};

TEST_CASE_METHOD(SecurityRepoFixture,
                 "site credentials are stored sealed and read back in the clear",
                 "[store][sites][secrets]") {
  REQUIRE(vault.insert_site(*db, site("site_1")));
  const auto spec = stored("SELECT spec_json FROM sites WHERE id = 'site_1'");
  CHECK(spec.find("jwt-very-secret") == std::string::npos);
  const auto sealed = stored("SELECT credentials_sealed FROM sites WHERE id = 'site_1'");
  CHECK(sealed.find("jwt-very-secret") == std::string::npos);
  CHECK(stored("SELECT credentials_key_id FROM sites WHERE id = 'site_1'") == box.current_key_id());
  auto back = vault.find_site(*db, "site_1");
  REQUIRE(back);
  REQUIRE(*back);
  CHECK((*back)->adapter.credentials["token"] == "jwt-very-secret-site_1");
  // Moved onto another row, the ciphertext does not open.
  REQUIRE(vault.insert_site(*db, site("site_2")));
  REQUIRE(
      db->exec("UPDATE sites SET credentials_sealed = (SELECT credentials_sealed FROM sites"
               " WHERE id = 'site_1') WHERE id = 'site_2'"));
  CHECK_FALSE(vault.find_site(*db, "site_2"));
}

TEST_CASE_METHOD(SecurityRepoFixture, "without a master key no credential is stored or read",
                 "[store][sites][secrets]") {
  const services::SiteVault keyless(nullptr, random);
  auto r = keyless.insert_site(*db, site("site_1"));
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("master key") != std::string::npos);
  // Nor does the store take credentials in the clear without their sealed form.
  auto bare = insert_site(*db, site("site_3"), SealedCredentials{});
  REQUIRE_FALSE(bare);
  CHECK(bare.error().message.find("master key") != std::string::npos);
  auto s = site("site_2");
  s.adapter.credentials = Json::object();
  CHECK(keyless.insert_site(*db, s));  // nothing secret: fine
}

TEST_CASE_METHOD(SecurityRepoFixture,
                 "re-sealing moves legacy plaintext and old-key values to the current key",
                 "[store][sites][secrets]") {
  REQUIRE(vault.insert_site(*db, site("site_old")));
  // A row as written before migration 0003: credentials in spec_json.
  REQUIRE(db->exec(
      "INSERT INTO sites (id, org_id, name, region, spec_json, status, created_at, updated_at)"
      " VALUES ('site_legacy', 'org_op', 'legacy', 'r1', '{\"name\":\"legacy\",\"region\":\"r1\","
      "\"kind\":\"hpc\",\"adapter\":{\"type\":\"slurm\",\"endpoint\":\"\",\"options\":{},"
      "\"credentials\":{\"token\":\"legacy-plaintext-token\"}},\"pricing\":{\"cpu_core_hour\":1},"
      "\"policy\":{}}', 'online', 0, 0)"));
  auto plain = site("site_plain");  // no credentials: nothing to seal, not counted
  plain.adapter.credentials = Json::object();
  REQUIRE(vault.insert_site(*db, plain));
  security::SecretBox rotated(key_of(2), {key_of(1)});
  const services::SiteVault rotating(&rotated, random);
  auto n = rotating.reseal(*db);
  REQUIRE(n);
  CHECK(*n == 2);
  CHECK(scalar(*db, "SELECT COUNT(*) FROM sites WHERE credentials_key_id = '" +
                        rotated.current_key_id() + "'") == 2);
  CHECK(stored("SELECT spec_json FROM sites WHERE id = 'site_legacy'").find("legacy-plaintext") ==
        std::string::npos);
  CHECK(*rotating.reseal(*db) == 0);  // idempotent
  // The new key alone now opens everything.
  security::SecretBox new_only(key_of(2));
  const services::SiteVault new_vault(&new_only, random);
  auto all = new_vault.list_sites(*db);
  REQUIRE(all);
  REQUIRE(all->size() == 3);
  CHECK((*new_vault.find_site(*db, "site_legacy"))->adapter.credentials["token"] ==
        "legacy-plaintext-token");
  // And the old key alone no longer does.
  security::SecretBox old_only(key_of(1));
  const services::SiteVault old_vault(&old_only, random);
  auto refused = old_vault.list_sites(*db);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::unavailable);
}

TEST_CASE_METHOD(SecurityRepoFixture, "a deleted site keeps no credentials",
                 "[store][sites][secrets]") {
  REQUIRE(vault.insert_site(*db, site("site_1")));
  REQUIRE(delete_site(*db, "site_1", from_unix_ms(1)));
  CHECK(scalar(*db, "SELECT COUNT(*) FROM sites WHERE credentials_sealed IS NOT NULL") == 0);
}

TEST_CASE_METHOD(SecurityRepoFixture,
                 "users have unique emails and sessions end by logout or expiry",
                 "[store][users]") {
  UserRecord u{"usr_1", "org_u", "ann@example.com", "Ann", "admin", from_unix_ms(1000), {}};
  REQUIRE(insert_user(*db, u, "scrypt$hash"));
  UserRecord dup = u;
  dup.id = "usr_2";
  dup.email = "ANN@example.com";
  auto r = insert_user(*db, dup, "h");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::already_exists);
  auto login = find_login(*db, "Ann@Example.com");
  REQUIRE(login);
  REQUIRE(*login);
  CHECK((*login)->password_hash == "scrypt$hash");
  CHECK((*login)->org.id == "org_u");

  SessionRecord s{"ses_1", "usr_1", from_unix_ms(1000), from_unix_ms(5000), "127.0.0.1"};
  REQUIRE(insert_session(*db, s, "hash1"));
  REQUIRE(
      insert_session(*db, {"ses_2", "usr_1", from_unix_ms(1000), from_unix_ms(5000), ""}, "hash2"));
  CHECK(*find_active_session(*db, "hash1", from_unix_ms(2000)));
  CHECK_FALSE(*find_active_session(*db, "hash1", from_unix_ms(5000)));  // expired
  REQUIRE(revoke_session(*db, "ses_1", from_unix_ms(2000)));
  CHECK_FALSE(*find_active_session(*db, "hash1", from_unix_ms(2000)));
  CHECK(*find_active_session(*db, "hash2", from_unix_ms(2000)));
  CHECK(*revoke_user_sessions(*db, "usr_1", from_unix_ms(2000)) == 1);
  CHECK_FALSE(*find_active_session(*db, "hash2", from_unix_ms(2000)));

  REQUIRE(
      insert_session(*db, {"ses_3", "usr_1", from_unix_ms(1000), from_unix_ms(5000), ""}, "hash3"));
  CHECK(*disable_user(*db, "org_u", "usr_1", from_unix_ms(3000)));
  CHECK_FALSE(*find_active_session(*db, "hash3", from_unix_ms(3000)));
  CHECK_FALSE(*find_login(*db, "ann@example.com"));
  CHECK_FALSE(*disable_user(*db, "org_op", "usr_1", from_unix_ms(3000)));  // not that org's
}

TEST_CASE_METHOD(SecurityRepoFixture, "a job's end writes its usage record in the same transaction",
                 "[store][usage]") {
  REQUIRE(vault.insert_site(*db, site("site_1")));
  model::JobRecord j;
  j.id = "job_1";
  j.org_id = "org_u";
  j.spec.command = "x";
  j.spec.resources.cpus = 2;
  j.spec.resources.accelerators = model::AcceleratorNeed{"A800", 1};
  j.state = model::JobState::running;
  j.site_id = "site_1";
  j.created_at = j.updated_at = from_unix_ms(1'700'000'000'000);
  j.started_at = from_unix_ms(1'700'000'000'000);
  REQUIRE(insert_job(*db, j, {}));
  CHECK(scalar(*db, "SELECT COUNT(*) FROM usage_records") == 0);
  auto done = j;
  done.state = model::JobState::succeeded;
  done.finished_at = from_unix_ms(1'700'000'000'000 + 1800'000);
  done.final_cost_cny = 19.8;
  model::JobEvent e;
  e.type = model::EventType::succeeded;
  REQUIRE(*runtime::write_job_change(*db, done, model::JobState::running, e));
  UsageFilter f;
  f.org_id = "org_u";
  auto rows = list_usage(*db, f);
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  const auto& u = rows->front();
  CHECK(u.site_id == "site_1");
  CHECK(u.site_org_id == "org_op");
  CHECK(u.seconds == 1800);
  CHECK(u.accelerator_model == "A800");
  CHECK(u.prices["accelerator_hour"] == 36.0);
  CHECK(u.prices["cpu_core_hour"] == 3.6);
  CHECK(u.cost_cny == 19.8);
  auto totals = usage_totals(*db, f);
  CHECK(totals->jobs == 1);
  CHECK(totals->cost_cny == 19.8);
  f.from = from_unix_ms(1'700'000'000'000 + 1800'001);
  CHECK(usage_totals(*db, f)->jobs == 0);
  auto s = settlement(*db, "site_1", std::nullopt, std::nullopt, "month");
  REQUIRE(s);
  REQUIRE(s->size() == 1);
  CHECK(s->front().org_id == "org_u");
  CHECK(s->front().period == "2023-11");
  CHECK(s->front().cost_cny == 19.8);
}

TEST_CASE_METHOD(SecurityRepoFixture, "the audit log lists an org's entries newest first",
                 "[store][audit]") {
  for (int i = 0; i < 3; ++i) {
    AuditEntry e;
    e.at = from_unix_ms(i);
    e.actor_org_id = "org_op";
    e.action = "site.create";
    e.object_type = "site";
    e.object_id = "site_" + std::to_string(i);
    e.object_org_id = "org_op";
    REQUIRE(insert_audit(*db, e));
  }
  AuditEntry other;
  other.actor_org_id = "org_u";
  other.object_org_id = "org_u";
  other.action = "job.create";
  other.object_type = "job";
  REQUIRE(insert_audit(*db, other));
  AuditFilter f;
  f.org_id = "org_op";
  auto rows = list_audit(*db, f);
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  CHECK(rows->front().object_id == "site_2");
  f.before_id = rows->front().id;
  f.limit = 1;
  CHECK(list_audit(*db, f)->front().object_id == "site_1");
  CHECK(list_audit(*db, {})->size() == 4);
}

}  // namespace
