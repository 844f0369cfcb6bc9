// SiteVault: site credentials at rest. It seals a site's credentials under the master key
// (security::SecretBox), bound to the site's id, before the store writes them, and opens what
// the store read; the store keeps only sealed bytes and never holds the key (before issue 18 the
// database handle carried it). Its functions run on the database thread (inside Store::run).
// Threading: const after construction; the SecretBox and Random must outlive it.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "gateway/core/random.hpp"
#include "gateway/model/site.hpp"
#include "gateway/security/secret_box.hpp"
#include "gateway/store/db.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::services {

class SiteVault {
 public:
  // `box` null: no master key is loaded; sites without credentials are still stored and read,
  // any credential is refused.
  SiteVault(const security::SecretBox* box, Random& random) : box_(box), random_(random) {}

  // The site's credentials sealed for the store (none when it has none).
  Result<store::SealedCredentials> seal(const model::Site& site) const;
  // A stored site with its credentials opened. unavailable when they do not open (wrong key,
  // or ciphertext moved onto another row).
  Result<model::Site> open(store::StoredSite stored) const;

  // store's site functions with the credentials sealed on the way in and opened on the way out.
  Result<void> insert_site(store::Db& db, const model::Site& site) const;
  Result<void> update_site(store::Db& db, const model::Site& site) const;
  Result<std::vector<model::Site>> list_sites(store::Db& db) const;
  Result<std::optional<model::Site>> find_site(store::Db& db, std::string_view id) const;

  // Seals every live site's credentials under the current master key: plaintext left by rows
  // written before migration 0003, and values sealed with an older key (rotation); drops what
  // deleted sites still hold. Returns how many sites were re-sealed. REQUIRES: the box holds the
  // older keys too.
  Result<int> reseal(store::Db& db) const;

 private:
  const security::SecretBox* box_;
  Random& random_;
};

}  // namespace suanwang::services
