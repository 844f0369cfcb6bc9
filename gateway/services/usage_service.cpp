// Usage and settlement reports (see usage_service.hpp).
#include "gateway/services/usage_service.hpp"

#include "gateway/services/not_found.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

asio::awaitable<Result<UsageReport>> UsageService::usage(const auth::Principal& who,
                                                         const UsageFilter& asked) {
  UsageFilter f = asked;
  if (!f.org_id && !who.is_admin()) f.org_id = who.org_id;
  if (f.org_id && !who.owns(*f.org_id)) co_return fail(no_org(*f.org_id));
  if (f.from && f.to && *f.to < *f.from) {
    co_return fail(Error::invalid_coded(
        "to", {"usage.to_before_from",
               {{"from", format_rfc3339(*f.from)}, {"to", format_rfc3339(*f.to)}}}));
  }
  auto report = co_await store_.run([&](store::Db& db) -> Result<UsageReport> {
    auto rows = store::list_usage(db, f);
    if (!rows) return fail(rows.error());
    auto totals = store::usage_totals(db, f);
    if (!totals) return fail(totals.error());
    return UsageReport{f, std::move(*rows), *totals};
  });
  co_return report;
}

asio::awaitable<Result<std::vector<SettlementRow>>> UsageService::settlement(
    const auth::Principal& who, const std::string& site_id, std::optional<TimePoint> from,
    std::optional<TimePoint> to, const std::string& group) {
  auto v = directory_.view(site_id);
  if (!v) co_return fail(no_site(site_id));
  if (!who.owns(v->site.org_id)) {
    co_return fail(Error::coded(Errc::forbidden, "", {"usage.settlement_operator_only", {}}));
  }
  if (group != "" && group != "day" && group != "month") {
    co_return fail(
        Error::invalid_coded("group", {"usage.group", {{"group", group.substr(0, 32)}}}));
  }
  co_return co_await store_.run(
      [&](store::Db& db) { return store::settlement(db, site_id, from, to, group); });
}

}  // namespace suanwang::services
