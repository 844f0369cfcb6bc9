// GET /api/v1/capacity/history: the recent capacity samples (one per capacity round, national
// and per region, accelerators by model) kept in memory by federation::CapacityHistory, for
// charts of capacity over time. `since` returns only newer samples, so a client can poll for
// what it has not seen; `limit` keeps the newest ones.
#include "gateway/api/api.hpp"

namespace suanwang::api {
namespace {

Json sample_json(const federation::CapacitySample& s) {
  Json regions = Json::object();
  for (const auto& [id, totals] : s.by_region) regions[id] = model::to_json(totals);
  return {{"at", format_rfc3339(s.at)},
          {"national", model::to_json(s.national)},
          {"by_region", std::move(regions)}};
}

Awaitable capacity_history(ApiContext& c, RequestContext& rc, const auth::Principal&) {
  TimePoint since{};
  if (auto v = rc.query_param("since")) {
    auto t = parse_rfc3339(*v);
    if (!t) {
      co_return problem(rc,
                        Error::invalid_coded("since", {"usage.time_format", {{"field", "since"}}}));
    }
    since = *t;
  }
  const std::size_t max = c.capacity_history.max_samples();
  auto asked = int_param(rc, "limit", 1, static_cast<int64_t>(max));
  if (!asked) co_return problem(rc, asked.error());
  const auto limit = static_cast<std::size_t>(asked->value_or(static_cast<int64_t>(max)));
  Json samples = Json::array();
  for (const auto& s : c.capacity_history.samples_after(since, limit)) {
    samples.push_back(sample_json(s));
  }
  const double interval_s = std::chrono::duration<double>(c.config.capacity_interval).count();
  co_return json(
      rc, Status::ok,
      {{"interval_s", interval_s}, {"max_samples", max}, {"samples", std::move(samples)}});
}

}  // namespace

void register_capacity_history(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/capacity/history", bind(c, capacity_history));
}

}  // namespace suanwang::api
