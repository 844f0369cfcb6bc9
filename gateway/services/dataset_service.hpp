// DatasetService: datasets, private to their org (admins see all). A replica names a known
// site (its region is the site's) or a known region.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/federation/geography.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/model/dataset.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

class DatasetService {
 public:
  DatasetService(store::Store& store, const federation::SiteDirectory& directory,
                 const federation::Geography& geography, IdGenerator& ids, const Clock& clock,
                 AuditService& audit)
      : store_(store),
        directory_(directory),
        geography_(geography),
        ids_(ids),
        clock_(clock),
        audit_(audit) {}

  boost::asio::awaitable<Result<model::Dataset>> create(const Caller& caller, const Json& body);
  // The caller's org's datasets (admins: every org's), in id order.
  boost::asio::awaitable<Result<Page<model::Dataset>>> list(const auth::Principal& who,
                                                            const PageRequest& page);
  boost::asio::awaitable<Result<model::Dataset>> find(const auth::Principal& who,
                                                      const std::string& id);
  boost::asio::awaitable<Result<void>> remove(const Caller& caller, const std::string& id);

 private:
  store::Store& store_;
  const federation::SiteDirectory& directory_;
  const federation::Geography& geography_;
  IdGenerator& ids_;
  const Clock& clock_;
  AuditService& audit_;
};

}  // namespace suanwang::services
