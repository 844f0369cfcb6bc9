// Sites and datasets in the database.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "gateway/model/dataset.hpp"
#include "gateway/model/site.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

Result<void> insert_site(Db& db, const model::Site& site);
// Writes every mutable column of `site` (name, region, spec, status, drained, updated_at).
Result<void> update_site(Db& db, const model::Site& site);
Result<void> delete_site(Db& db, std::string_view id, TimePoint at);
// Live (not deleted) sites, ordered by id.
Result<std::vector<model::Site>> list_sites(Db& db);
Result<std::optional<model::Site>> find_site(Db& db, std::string_view id);
// A site's owner and prices as stored, deleted sites included (a job that ran at a site deleted
// since is still billed at its prices). Read leniently, without the checks of registration: a
// price missing from the stored document reads as 0, the granularity as 1 s. No credentials.
struct SitePricing {
  std::string org_id;
  model::Pricing pricing;
};
Result<std::optional<SitePricing>> find_site_pricing(Db& db, std::string_view id);
// Seals every live site's credentials under the current master key: plaintext left by rows
// written before migration 0003, and values sealed with an older key (rotation). Returns how
// many sites were re-sealed. REQUIRES: db.secret_box() set, holding the older keys too.
Result<int> reseal_site_credentials(Db& db);

Result<void> insert_dataset(Db& db, const model::Dataset& d);
Result<std::vector<model::Dataset>> list_datasets(Db& db, std::optional<std::string_view> org_id);
Result<std::optional<model::Dataset>> find_dataset(Db& db, std::string_view id);
Result<bool> delete_dataset(Db& db, std::string_view org_id, std::string_view id, TimePoint at);

}  // namespace suanwang::store
