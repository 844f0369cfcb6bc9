// SiteService: the sites of the federation — register, change, drain and remove them. The
// database is written first and the live SiteDirectory after it, so the directory never holds
// a site the database does not; a change is one transaction with its audit entry.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/registry.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/federation/geography.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/services/site_vault.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

class SiteService {
 public:
  SiteService(store::Store& store, federation::SiteDirectory& directory,
              const federation::Geography& geography, const adapters::AdapterRegistry& registry,
              IdGenerator& ids, const Clock& clock, AuditService& audit, const SiteVault& vault)
      : store_(store),
        directory_(directory),
        geography_(geography),
        registry_(registry),
        ids_(ids),
        clock_(clock),
        audit_(audit),
        vault_(vault) {}

  // Registers a site of the caller's org (operators and admins) from its full document.
  boost::asio::awaitable<Result<federation::SiteView>> create(const Caller& caller,
                                                              const Json& doc);
  // Every site (public), in id order, optionally of one region; the caller's own sites with
  // their adapter options.
  Result<Page<federation::SiteView>> list(const auth::Principal& who,
                                          const std::optional<std::string>& region,
                                          const PageRequest& page) const;
  Result<federation::SiteView> find(const std::string& id) const;
  // The caller's site, or not_found / forbidden. Sites are public, so a non-owner learns
  // nothing new from forbidden.
  Result<federation::SiteView> owned(const auth::Principal& who, const std::string& id) const;
  // An RFC 7386 merge patch over the stored document, validated as a create is.
  boost::asio::awaitable<Result<federation::SiteView>> patch(const Caller& caller,
                                                             const std::string& id,
                                                             const Json& patch);
  // Removes a site that has no active job: the count and the delete are one transaction, so a
  // job placed meanwhile either is counted (conflict) or finds the site gone.
  boost::asio::awaitable<Result<void>> remove(const Caller& caller, const std::string& id);
  boost::asio::awaitable<Result<federation::SiteView>> set_drain(const Caller& caller,
                                                                 const std::string& id, bool drain);

 private:
  Result<model::Site> validate(const Json& doc) const;
  // Asks the site's new adapter about its site once (health()) before the site joins: a
  // configuration error it finds there (invalid_config, e.g. a Slurm that serves no API version
  // this gateway speaks) refuses the site with 400; a site that does not answer is not refused,
  // its health checks go on.
  boost::asio::awaitable<Result<void>> admit(std::string site_id);
  Result<federation::SiteView> current(const std::string& id) const;

  store::Store& store_;
  federation::SiteDirectory& directory_;
  const federation::Geography& geography_;
  const adapters::AdapterRegistry& registry_;
  IdGenerator& ids_;
  const Clock& clock_;
  AuditService& audit_;
  const SiteVault& vault_;  // credentials sealed on the way into the store
};

}  // namespace suanwang::services
