// UsageService: money as reports — an org's usage records with their totals (its own org;
// admins any or all), and a site's earnings by customer org and period (for the site's
// operator and admins). Totals are sums over the usage records, written with each job's end,
// so they equal the sum of the jobs' final costs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/auth/principal.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/store/store.hpp"
#include "gateway/store/usage_repo.hpp"

namespace suanwang::services {

using UsageFilter = store::UsageFilter;
using UsageRecord = store::UsageRecord;
using UsageTotals = store::UsageTotals;
using SettlementRow = store::SettlementRow;

struct UsageReport {
  UsageFilter filter;  // as applied: the org is the caller's unless an admin asked otherwise
  std::vector<UsageRecord> records;  // at most filter.limit, in order of their end
  UsageTotals totals;                // over every matching record
};

class UsageService {
 public:
  UsageService(store::Store& store, const federation::SiteDirectory& directory)
      : store_(store), directory_(directory) {}

  boost::asio::awaitable<Result<UsageReport>> usage(const auth::Principal& who,
                                                    const UsageFilter& asked);
  // group: "" (the whole range), "day" or "month".
  boost::asio::awaitable<Result<std::vector<SettlementRow>>> settlement(
      const auth::Principal& who, const std::string& site_id, std::optional<TimePoint> from,
      std::optional<TimePoint> to, const std::string& group);

 private:
  store::Store& store_;
  const federation::SiteDirectory& directory_;
};

}  // namespace suanwang::services
