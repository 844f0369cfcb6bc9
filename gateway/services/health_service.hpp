// HealthService: what /readyz and /metrics report of the gateway itself — whether the
// database answers, how many sites are online, and the stored jobs by state.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/federation/site_directory.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

struct Readiness {
  std::size_t sites = 0;
  int sites_online = 0;  // online and not drained
};

class HealthService {
 public:
  HealthService(store::Store& store, const federation::SiteDirectory& directory)
      : store_(store), directory_(directory) {}

  // Unavailable when the database does not answer.
  boost::asio::awaitable<Result<Readiness>> readiness();
  // Stored jobs by state name (states without jobs are absent).
  boost::asio::awaitable<Result<std::map<std::string, int64_t>>> jobs_by_state();

 private:
  store::Store& store_;
  const federation::SiteDirectory& directory_;
};

}  // namespace suanwang::services
