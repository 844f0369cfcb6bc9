// Orgs and API keys in the database: names are unique, keys are stored only as SHA-256
// hashes, and revoked keys stop authenticating.
#include <catch2/catch.hpp>

#include "gateway/auth/api_key.hpp"
#include "gateway/core/random.hpp"
#include "store_test_support.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::store;
using suanwang::testing::make_org;
using suanwang::testing::scalar;

ApiKeyRecord key_record(std::string id, std::string org, const auth::NewKey& k) {
  ApiKeyRecord r;
  r.id = std::move(id);
  r.org_id = std::move(org);
  r.name = "ci";
  r.prefix = k.prefix;
  r.created_at = from_unix_ms(1'700'000'000'000);
  return r;
}

TEST_CASE("orgs insert, read back and keep names unique", "[store][orgs]") {
  auto db = suanwang::testing::migrated_db();
  auto op = make_org("org_2", "gz-operator", model::OrgKind::operator_);
  op.budget_cny = 1000.5;
  REQUIRE(insert_org(*db, op));
  REQUIRE(insert_org(*db, make_org("org_1", "admin", model::OrgKind::admin)));

  auto got = find_org(*db, "org_2");
  REQUIRE(got);
  REQUIRE(*got);
  CHECK((*got)->name == "gz-operator");
  CHECK((*got)->kind == model::OrgKind::operator_);
  CHECK((*got)->budget_cny == 1000.5);
  CHECK((*got)->created_at == op.created_at);

  auto by_name = find_org_by_name(*db, "admin");
  REQUIRE(*by_name);
  CHECK((*by_name)->id == "org_1");
  CHECK_FALSE((*by_name)->budget_cny);
  CHECK_FALSE(*find_org(*db, "org_9"));
  CHECK_FALSE(*find_org_by_name(*db, "nobody"));

  auto dup = insert_org(*db, make_org("org_3", "admin"));
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == Errc::already_exists);
  CHECK(dup.error().field == "name");

  auto all = list_orgs(*db);
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].id == "org_1");  // by id
  CHECK((*all)[1].id == "org_2");
  CHECK(*count_orgs(*db) == 2);
  // The kind column accepts only the three kinds.
  CHECK_FALSE(db->exec("INSERT INTO orgs VALUES ('org_x', 'x', 'root', NULL, 0)"));
}

TEST_CASE("an API key is stored as its SHA-256 only", "[store][orgs][auth]") {
  auto db = suanwang::testing::migrated_db();
  REQUIRE(insert_org(*db, make_org("org_1", "acme")));
  SeededRandom random(11);
  const auto k = auth::generate_api_key(random);
  REQUIRE(insert_api_key(*db, key_record("key_1", "org_1", k), k.hash));

  // No column of the row holds the secret or any long piece of it.
  auto st = db->prepare("SELECT id, org_id, name, prefix, hash, created_at FROM api_keys");
  REQUIRE(st);
  REQUIRE(*st->step());
  const std::string tail = k.secret.substr(k.secret.size() - 20);
  for (int col = 0; col < 6; ++col) {
    INFO("column " << col << ": " << st->text(col));
    CHECK(st->text(col).find(tail) == std::string::npos);
  }
  CHECK(st->text(4) == auth::hash_api_key(k.secret));
  CHECK(st->text(4).size() == 64);
  CHECK(st->text(3) == k.prefix);
  CHECK(k.prefix.size() < k.secret.size());
}

TEST_CASE("keys are found by hash, listed per org, touched and revoked", "[store][orgs][auth]") {
  auto db = suanwang::testing::migrated_db();
  REQUIRE(insert_org(*db, make_org("org_1", "acme", model::OrgKind::operator_)));
  REQUIRE(insert_org(*db, make_org("org_2", "other")));
  SeededRandom random(12);
  const auto k1 = auth::generate_api_key(random);
  const auto k2 = auth::generate_api_key(random);
  REQUIRE(insert_api_key(*db, key_record("key_1", "org_1", k1), k1.hash));
  REQUIRE(insert_api_key(*db, key_record("key_2", "org_1", k2), k2.hash));

  auto owner = find_active_key(*db, k1.hash);
  REQUIRE(owner);
  REQUIRE(*owner);
  CHECK((*owner)->key.id == "key_1");
  CHECK((*owner)->key.org_id == "org_1");
  CHECK((*owner)->key.prefix == k1.prefix);
  CHECK((*owner)->org.id == "org_1");
  CHECK((*owner)->org.kind == model::OrgKind::operator_);
  // Looking up by the secret itself (not its hash) finds nothing.
  CHECK_FALSE(*find_active_key(*db, k1.secret));
  CHECK_FALSE(*find_active_key(*db, auth::hash_api_key("sw_unknown_key_0123456789")));

  // The same hash cannot be stored twice.
  auto dup = insert_api_key(*db, key_record("key_3", "org_1", k1), k1.hash);
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == Errc::conflict);
  // A key must belong to an existing org.
  const auto k4 = auth::generate_api_key(random);
  CHECK_FALSE(insert_api_key(*db, key_record("key_4", "org_nope", k4), k4.hash));

  REQUIRE(touch_api_key(*db, "key_1", from_unix_ms(1'700'000'100'000)));
  auto keys = list_api_keys(*db, "org_1");
  REQUIRE(keys);
  REQUIRE(keys->size() == 2);
  CHECK((*keys)[0].id == "key_1");
  CHECK((*keys)[0].last_used_at == from_unix_ms(1'700'000'100'000));
  CHECK_FALSE((*keys)[1].last_used_at);
  CHECK(list_api_keys(*db, "org_2")->empty());

  // Another org cannot revoke it.
  CHECK_FALSE(*revoke_api_key(*db, "org_2", "key_1", from_unix_ms(1'700'000'200'000)));
  CHECK(*find_active_key(*db, k1.hash));

  CHECK(*revoke_api_key(*db, "org_1", "key_1", from_unix_ms(1'700'000'200'000)));
  CHECK_FALSE(*find_active_key(*db, k1.hash));
  CHECK(*find_active_key(*db, k2.hash));  // the other key still works
  CHECK_FALSE(*revoke_api_key(*db, "org_1", "key_1", from_unix_ms(1'700'000'300'000)));
  keys = list_api_keys(*db, "org_1");
  CHECK((*keys)[0].revoked_at == from_unix_ms(1'700'000'200'000));  // the first revocation
  CHECK_FALSE(*revoke_api_key(*db, "org_1", "key_nope", from_unix_ms(0)));
}

}  // namespace
