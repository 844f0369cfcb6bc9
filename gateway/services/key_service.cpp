// API keys (see key_service.hpp).
#include "gateway/services/key_service.hpp"

#include <algorithm>

#include "gateway/auth/api_key.hpp"
#include "gateway/core/json.hpp"
#include "gateway/services/not_found.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

asio::awaitable<Result<CreatedKey>> KeyService::create(const Caller& caller,
                                                       const Result<Json>& body) {
  const auth::Principal& who = caller.who;
  if (!body) co_return fail(body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return fail(v.error());
  if (auto v = r.reject_unknown({"name", "org_id"}); !v) co_return fail(v.error());
  auto name = r.string("name", 64);
  if (!name) co_return fail(name.error());
  auto org_id = r.opt_string("org_id", 64);
  if (!org_id) co_return fail(org_id.error());
  const std::string org = org_id->value_or(who.org_id);
  if (!who.owns(org)) co_return fail(no_org(org));
  // A signed-in user's keys are the user's own (named keys, revoked with the user); an org
  // member may only make keys for itself.
  if (!who.is_admin() && !who.is_org_admin() && who.user_id.empty()) {
    co_return fail(Error::coded(Errc::forbidden, "", {"key.may_not_create", {}}));
  }
  auto key = auth::generate_api_key(random_);
  ApiKeyRecord rec{ids_.next("key"), org, *name, key.prefix, clock_.now(), {}, {}};
  if (!who.user_id.empty() && org == who.org_id) rec.user_id = who.user_id;
  const AuditEntry created = audit_.entry(caller, "api_key.create", "api_key", rec.id, org,
                                          {{"name", rec.name}, {"prefix", rec.prefix}});
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      auto exists = store::find_org(db, org);
      if (!exists) return fail(exists.error());
      if (!*exists) return fail(no_org(org));
      if (auto i = store::insert_api_key(db, rec, key.hash); !i) return i;
      return store::insert_audit(db, created);
    });
  });
  if (!ins) co_return fail(ins.error());
  co_return CreatedKey{std::move(rec), std::move(key.secret)};
}

asio::awaitable<Result<Page<ApiKeyRecord>>> KeyService::list(const auth::Principal& who,
                                                             std::optional<std::string> org_id,
                                                             const PageRequest& page) {
  const std::string org = org_id.value_or(who.org_id);
  if (!who.owns(org)) co_return fail(no_org(org));
  auto keys = co_await store_.run([&](store::Db& db) { return store::list_api_keys(db, org); });
  if (!keys) co_return fail(keys.error());
  // Members see their own keys; org admins and platform admins every key of the org.
  if (!who.is_admin() && !who.is_org_admin()) {
    std::erase_if(*keys, [&](const ApiKeyRecord& k) { return k.user_id != who.user_id; });
  }
  co_return page_of(std::move(*keys), page,
                    [](const ApiKeyRecord& k) -> const std::string& { return k.id; });
}

asio::awaitable<Result<void>> KeyService::revoke(const Caller& caller, const std::string& id) {
  const auth::Principal& who = caller.who;
  const TimePoint now = clock_.now();
  // Looked up, checked and revoked in one transaction; the audit entry is completed there
  // with the key's org.
  AuditEntry revoked = audit_.entry(caller, "api_key.revoke", "api_key", id, who.org_id);
  auto done = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      std::string org = who.org_id;
      if (who.is_admin()) {
        // Admins may revoke any key: its org is the key's own.
        auto owner = store::find_api_key_org(db, id);
        if (!owner) return fail(owner.error());
        if (*owner) org = **owner;
      } else if (!who.is_org_admin()) {
        // A member revokes only its own keys; another member's key is "no such key".
        auto mine = store::list_api_keys(db, org);
        if (!mine) return fail(mine.error());
        const bool own = std::any_of(mine->begin(), mine->end(), [&](const ApiKeyRecord& k) {
          return k.id == id && k.user_id && *k.user_id == who.user_id;
        });
        if (!own) return fail(Error::coded(Errc::not_found, "", {"key.not_found", {{"id", id}}}));
      }
      auto r = store::revoke_api_key(db, org, id, now);
      if (!r) return fail(r.error());
      if (!*r) return fail(Error::coded(Errc::not_found, "", {"key.not_found", {{"id", id}}}));
      AuditEntry entry = revoked;
      entry.object_org_id = org;
      return store::insert_audit(db, entry);
    });
  });
  if (!done) co_return fail(done.error());
  auth_.forget_key(id);
  co_return ok();
}

}  // namespace suanwang::services
