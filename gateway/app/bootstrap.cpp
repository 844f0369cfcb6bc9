// First-start bootstrap and the demo federation (see bootstrap.hpp).
#include "gateway/app/bootstrap.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gateway/auth/api_key.hpp"
#include "gateway/core/embedded.hpp"
#include "gateway/model/site.hpp"
#include "gateway/security/encoding.hpp"
#include "gateway/security/master_key.hpp"
#include "gateway/security/password.hpp"
#include "gateway/store/network_repo.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/site_repo.hpp"
#include "gateway/store/user_repo.hpp"

namespace suanwang::app {
namespace {

using security::write_private_file;

constexpr const char* kDemoLoadOrg = "demo-load";

struct OrgWithKey {
  model::Org org;
  std::string key;  // empty when the org existed already
  // A sign-in for the portal (the org's admin user), made with the org.
  std::string email;
  std::string password;
};

Result<OrgWithKey> ensure_org(store::Db& db, const std::string& name, model::OrgKind kind,
                              IdGenerator& ids, Random& random, const Clock& clock) {
  auto found = store::find_org_by_name(db, name);
  if (!found) return fail(found.error());
  if (*found) return OrgWithKey{**found, ""};
  model::Org org{ids.next("org"), name, kind, std::nullopt, clock.now()};
  if (auto r = store::insert_org(db, org); !r) return fail(r.error());
  const auto key = auth::generate_api_key(random);
  store::ApiKeyRecord rec{
      ids.next("key"), org.id, name + " (demo)", key.prefix, clock.now(), {}, {}};
  if (auto r = store::insert_api_key(db, rec, key.hash); !r) return fail(r.error());
  OrgWithKey out{org, key.secret, name + "@demo.local", security::base64url(random.bytes(12))};
  auto hash = security::hash_password(out.password, random);
  if (!hash) return fail(hash.error());
  store::UserRecord user{ids.next("usr"), org.id, out.email, name, "admin", clock.now(), {}};
  if (auto r = store::insert_user(db, user, *hash); !r) return fail(r.error());
  return out;
}

Result<void> seed_demo(store::Db& db, const std::filesystem::path& data_dir, IdGenerator& ids,
                       Random& random, const Clock& clock, BootstrapResult& out) {
  auto text = embedded::find("demo/federation.json");
  if (!text) return fail(Error::internal("demo federation data missing from the binary"));
  auto fed = parse_json(*text, 64);
  if (!fed) return fail(fed.error());
  auto regions = model::parse_regions((*fed)["regions"]);
  if (!regions) return fail(regions.error());
  auto existing = store::load_regions(db);
  if (!existing) return fail(existing.error());
  if (existing->empty()) {
    if (auto r = store::replace_regions(db, *regions); !r) return r;
    auto links = model::parse_links((*fed)["links"], *regions);
    if (!links) return fail(links.error());
    if (auto r = store::replace_links(db, *links); !r) return r;
  }
  auto user = ensure_org(db, (*fed)["orgs"]["user"], model::OrgKind::user, ids, random, clock);
  if (!user) return fail(user.error());
  auto op =
      ensure_org(db, (*fed)["orgs"]["operator"], model::OrgKind::operator_, ids, random, clock);
  if (!op) return fail(op.error());
  out.demo_operator_org_id = op->org.id;
  auto sites = store::list_sites(db);
  if (!sites) return fail(sites.error());
  const bool have_sites = std::any_of(sites->begin(), sites->end(),
                                      [&](const auto& s) { return s.site.org_id == op->org.id; });
  if (!have_sites) {
    Json all = (*fed)["sites"];
    all.push_back((*fed)["local_site"]);
    for (const auto& body : all) {
      auto site = model::parse_site(body);
      if (!site) return fail(Error::internal("demo site invalid: " + site.error().message));
      site->id = ids.next("site");
      site->org_id = op->org.id;
      site->created_at = site->updated_at = clock.now();
      site->status = model::SiteStatus::checking;  // as a registered site: until it reports
      // The demo federation's sites carry no credentials: nothing to seal.
      if (auto r = store::insert_site(db, *site, store::SealedCredentials{}); !r) return r;
    }
  }
  const auto keys_file = data_dir / "demo-keys.json";
  if (!user->key.empty() || !op->key.empty() || !std::filesystem::exists(keys_file)) {
    // Keys are only known at creation; an existing file keeps the earlier ones.
    if (!user->key.empty() && !op->key.empty()) {
      Json keys = {{"demo-user",
                    {{"org_id", user->org.id},
                     {"api_key", user->key},
                     {"email", user->email},
                     {"password", user->password}}},
                   {"demo-operator",
                    {{"org_id", op->org.id},
                     {"api_key", op->key},
                     {"email", op->email},
                     {"password", op->password}}}};
      if (auto r = write_private_file(keys_file, keys.dump(2) + "\n"); !r) return r;
    }
  }
  if (std::filesystem::exists(keys_file)) {
    out.demo_keys_file = keys_file;
    // The portal sign-in the start-up banner names (the file keeps the first start's users).
    std::ifstream in(keys_file);
    std::stringstream text;
    text << in.rdbuf();
    const auto keys = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (keys.is_object() && keys.contains("demo-user") && keys["demo-user"].is_object()) {
      if (const auto e = keys["demo-user"].find("email");
          e != keys["demo-user"].end() && e->is_string()) {
        out.demo_user_email = e->get<std::string>();
      }
    }
  }
  return suanwang::ok();
}

// The org the demo's background load submits as: a user org without keys or users.
Result<std::string> ensure_demo_load_org(store::Db& db, IdGenerator& ids, const Clock& clock) {
  auto found = store::find_org_by_name(db, kDemoLoadOrg);
  if (!found) return fail(found.error());
  if (*found) return (*found)->id;
  model::Org org{ids.next("org"), kDemoLoadOrg, model::OrgKind::user, std::nullopt, clock.now()};
  if (auto r = store::insert_org(db, org); !r) return fail(r.error());
  return org.id;
}

}  // namespace

Result<BootstrapResult> bootstrap(store::Store& store, const std::filesystem::path& data_dir,
                                  bool demo, bool demo_load, IdGenerator& ids, Random& random,
                                  const Clock& clock, Logger& log) {
  return store.blocking([&](store::Db& db) -> Result<BootstrapResult> {
    BootstrapResult out;
    auto r = db.transaction([&]() -> Result<void> {
      auto admin = store::find_org_by_name(db, "admin");
      if (!admin) return fail(admin.error());
      if (!*admin) {
        model::Org org{ids.next("org"), "admin", model::OrgKind::admin, std::nullopt, clock.now()};
        if (auto e = store::insert_org(db, org); !e) return e;
        const char* env = std::getenv("SUANWANG_ADMIN_KEY");
        const bool from_env = env != nullptr && *env != '\0';
        if (from_env && !auth::looks_like_api_key(env)) {
          return fail(Error::invalid("SUANWANG_ADMIN_KEY",
                                     "SUANWANG_ADMIN_KEY must be 16-256 printable characters"));
        }
        const auto key = from_env ? auth::key_from_secret(env) : auth::generate_api_key(random);
        store::ApiKeyRecord rec{
            ids.next("key"), org.id, "bootstrap admin key", key.prefix, clock.now(), {}, {}};
        if (auto e = store::insert_api_key(db, rec, key.hash); !e) return e;
        out.created_admin = true;
        if (!from_env) {
          const auto file = data_dir / "admin.key";
          if (auto e = write_private_file(file, key.secret + "\n"); !e) return e;
          out.admin_key_file = file;
        }
        log.info("bootstrap: created the admin org and key",
                 {{"key_source", from_env ? "SUANWANG_ADMIN_KEY" : "admin.key file"}});
      }
      if (!demo) return suanwang::ok();
      if (auto e = seed_demo(db, data_dir, ids, random, clock, out); !e) return e;
      if (demo_load) {
        auto org = ensure_demo_load_org(db, ids, clock);
        if (!org) return fail(org.error());
        out.demo_load_org_id = *org;
      }
      return suanwang::ok();
    });
    if (!r) return fail(r.error());
    if (!out.admin_key_file && std::filesystem::exists(data_dir / "admin.key")) {
      out.admin_key_file = data_dir / "admin.key";
    }
    return out;
  });
}

}  // namespace suanwang::app
