// Site credentials sealed at rest (see site_vault.hpp).
#include "gateway/services/site_vault.hpp"

#include <string>

namespace suanwang::services {
namespace {
// Bound to the site's id: a sealed value moved onto another row does not open.
std::string credentials_aad(std::string_view site_id) {
  return "site:" + std::string(site_id);
}
}  // namespace

Result<store::SealedCredentials> SiteVault::seal(const model::Site& s) const {
  if (s.adapter.credentials.empty()) return store::SealedCredentials{};
  if (box_ == nullptr) {
    return fail(Error::internal("no master key is loaded; site credentials cannot be stored"));
  }
  auto sealed = box_->seal(s.adapter.credentials.dump(), credentials_aad(s.id), random_);
  if (!sealed) return fail(sealed.error());
  return store::SealedCredentials{*sealed, box_->current_key_id()};
}

Result<model::Site> SiteVault::open(store::StoredSite stored) const {
  model::Site site = std::move(stored.site);
  if (!stored.credentials.sealed) return site;
  if (box_ == nullptr) {
    return fail(Error::internal("no master key is loaded; site credentials cannot be read"));
  }
  auto plain = box_->open(*stored.credentials.sealed, credentials_aad(site.id));
  if (!plain) {
    return fail(Error{plain.error().code, "site " + site.id + ": " + plain.error().message, {}});
  }
  auto j = parse_json(*plain, 16);
  if (!j || !j->is_object()) {
    return fail(Error::internal("site " + site.id + ": sealed credentials unreadable"));
  }
  site.adapter.credentials = std::move(*j);
  return site;
}

Result<void> SiteVault::insert_site(store::Db& db, const model::Site& site) const {
  auto sealed = seal(site);
  if (!sealed) return fail(sealed.error());
  return store::insert_site(db, site, *sealed);
}

Result<void> SiteVault::update_site(store::Db& db, const model::Site& site) const {
  auto sealed = seal(site);
  if (!sealed) return fail(sealed.error());
  return store::update_site(db, site, *sealed);
}

Result<std::vector<model::Site>> SiteVault::list_sites(store::Db& db) const {
  auto stored = store::list_sites(db);
  if (!stored) return fail(stored.error());
  std::vector<model::Site> out;
  out.reserve(stored->size());
  for (auto& s : *stored) {
    auto opened = open(std::move(s));
    if (!opened) return fail(opened.error());
    out.push_back(std::move(*opened));
  }
  return out;
}

Result<std::optional<model::Site>> SiteVault::find_site(store::Db& db, std::string_view id) const {
  auto stored = store::find_site(db, id);
  if (!stored) return fail(stored.error());
  if (!*stored) return std::optional<model::Site>{};
  auto opened = open(std::move(**stored));
  if (!opened) return fail(opened.error());
  return std::optional<model::Site>{std::move(*opened)};
}

Result<int> SiteVault::reseal(store::Db& db) const {
  if (box_ == nullptr) return fail(Error::internal("no master key is loaded"));
  return db.transaction([&]() -> Result<int> {
    auto todo = store::list_credentials_to_reseal(db, box_->current_key_id());
    if (!todo) return fail(todo.error());
    for (const auto& r : *todo) {
      model::Site s;
      s.id = r.site_id;
      s.adapter.credentials = r.legacy_plaintext;
      if (r.sealed) {
        store::StoredSite stored;
        stored.site.id = r.site_id;
        stored.credentials.sealed = r.sealed;
        auto opened = open(std::move(stored));
        if (!opened) return fail(opened.error());
        s.adapter.credentials = std::move(opened->adapter.credentials);
      }
      auto sealed = seal(s);
      if (!sealed) return fail(sealed.error());
      if (auto e = store::replace_site_credentials(db, r.site_id, *sealed); !e) {
        return fail(e.error());
      }
    }
    if (auto e = store::drop_deleted_site_credentials(db); !e) return fail(e.error());
    return static_cast<int>(todo->size());
  });
}

}  // namespace suanwang::services
