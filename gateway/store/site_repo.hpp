// Sites in the database.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "gateway/model/dataset.hpp"
#include "gateway/model/region.hpp"
#include "gateway/model/site.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

// A site's credentials as the store keeps them: sealed by the layer that holds the master key
// (services::SiteVault), bound to the site's id. The store never sees them in the clear, and
// spec_json keeps an empty credentials object.
struct SealedCredentials {
  std::optional<std::string> sealed;  // none: the site has no credentials
  std::optional<std::string> key_id;  // the master key that sealed them
};
// A site row: the site (its adapter.credentials empty) and its credentials, still sealed.
struct StoredSite {
  model::Site site;
  SealedCredentials credentials;
};

// Writes the site with `credentials`. A site that carries credentials in the clear without
// sealed ones is refused: they would be lost (no master key is loaded).
Result<void> insert_site(Db& db, const model::Site& site, const SealedCredentials& credentials);
// Writes every mutable column of `site` (name, region, spec, status, drained, updated_at) and
// leaves its stored credentials as they are.
Result<void> update_site(Db& db, const model::Site& site);
// The same, replacing its credentials with `credentials`.
Result<void> update_site(Db& db, const model::Site& site, const SealedCredentials& credentials);
Result<void> delete_site(Db& db, std::string_view id, TimePoint at);
// Live (not deleted) sites, ordered by id, with their credentials sealed.
Result<std::vector<StoredSite>> list_sites(Db& db);
Result<std::optional<StoredSite>> find_site(Db& db, std::string_view id);
// A site's owner and prices as stored, deleted sites included (a job that ran at a site deleted
// since is still billed at its prices). Read leniently, without the checks of registration: a
// price missing from the stored document reads as 0, the granularity as 1 s. No credentials.
struct SitePricing {
  std::string org_id;
  model::Pricing pricing;
  model::SiteEnergy energy;             // read leniently too: a bad figure reads as unset
  std::optional<model::Region> region;  // the site's region with its grid figures, if known
};
Result<std::optional<SitePricing>> find_site_pricing(Db& db, std::string_view id);
// For re-sealing under the current master key (services::SiteVault::reseal): every live site
// whose credentials are sealed under another key, or still in the clear in spec_json (rows
// written before migration 0003).
struct CredentialsToReseal {
  std::string site_id;
  Json legacy_plaintext = Json::object();  // what spec_json holds ({} when nothing)
  std::optional<std::string> sealed;       // sealed under an older key
};
Result<std::vector<CredentialsToReseal>> list_credentials_to_reseal(
    Db& db, std::string_view current_key_id);
// Stores the site's credentials as `credentials` and clears any left in spec_json.
Result<void> replace_site_credentials(Db& db, std::string_view site_id,
                                      const SealedCredentials& credentials);
// Deleted sites keep no credentials at all, sealed or not.
Result<void> drop_deleted_site_credentials(Db& db);
// Sites whose credentials are sealed (with any key): a master key must be given for them.
Result<int64_t> count_sealed_site_credentials(Db& db);


}  // namespace suanwang::store
