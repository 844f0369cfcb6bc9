// Money: GET /api/v1/usage (an org's usage records and totals by period, site and accelerator
// model; JSON or CSV) and GET /api/v1/sites/{id}/settlement (a site's earnings by customer org
// and period, for its operator and admins), from services::UsageService.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "gateway/api/api.hpp"

namespace suanwang::api {
namespace {

Result<std::optional<TimePoint>> time_param(const RequestContext& rc, const char* name) {
  auto v = rc.query_param(name);
  if (!v) return std::optional<TimePoint>{};
  // Years past 2262 overflow system_clock's nanoseconds inside the parser: refuse them first.
  const bool in_range =
      v->size() >= 4 && v->compare(0, 4, "1970") >= 0 && v->compare(0, 4, "2200") <= 0;
  if (!in_range) {
    return fail(Error::invalid_coded(std::string(name),
                                     {"usage.time_range", {{"field", std::string(name)}}}));
  }
  auto t = parse_rfc3339(*v);
  if (!t) {
    return fail(Error::invalid_coded(std::string(name),
                                     {"usage.time_format", {{"field", std::string(name)}}}));
  }
  return std::optional<TimePoint>{*t};
}

Json opt_time(const std::optional<TimePoint>& t) {
  return t ? Json(format_rfc3339(*t)) : Json(nullptr);
}

// Energy (kWh) and emissions (kg CO2) are estimates; to the mWh and the mg, so that a job of a
// few seconds still shows what it drew.
double round_estimate(double v) {
  return std::round(v * 1e6) / 1e6;
}

Json usage_json(const services::UsageRecord& u) {
  return {{"job_id", u.job_id},
          {"job_name", u.job_name},
          {"org_id", u.org_id},
          {"site_id", u.site_id},
          {"state", u.state},
          {"resources",
           {{"cpus", u.cpus},
            {"memory_gb", u.memory_gb},
            {"accelerator_model", u.accelerator_model},
            {"accelerator_count", u.accelerator_count}}},
          {"started_at", opt_time(u.started_at)},
          {"finished_at", format_rfc3339(u.finished_at)},
          {"seconds", u.seconds},
          {"billed_seconds", u.billed_seconds},
          {"prices", u.prices},
          {"cost_cny", round_cny(u.cost_cny)},
          {"energy_kwh", round_estimate(u.energy_kwh)},
          {"co2_kg", round_estimate(u.co2_kg)}};
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  return out + "\"";
}

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string usage_csv(const std::vector<services::UsageRecord>& rows) {
  std::string out =
      "job_id,org_id,site_id,state,cpus,memory_gb,accelerator_model,accelerator_count,"
      "started_at,finished_at,seconds,billed_seconds,cpu_core_hour,memory_gb_hour,"
      "accelerator_hour,cost_cny,energy_kwh,co2_kg,job_name\r\n";
  for (const auto& u : rows) {
    char cost[32];
    std::snprintf(cost, sizeof cost, "%.2f", round_cny(u.cost_cny));
    out += csv_field(u.job_id) + "," + csv_field(u.org_id) + "," + csv_field(u.site_id) + "," +
           csv_field(u.state) + "," + number(u.cpus) + "," + number(u.memory_gb) + "," +
           csv_field(u.accelerator_model) + "," + std::to_string(u.accelerator_count) + "," +
           (u.started_at ? format_rfc3339(*u.started_at) : std::string()) + "," +
           format_rfc3339(u.finished_at) + "," + std::to_string(u.seconds) + "," +
           std::to_string(u.billed_seconds) + "," + number(u.prices.value("cpu_core_hour", 0.0)) +
           "," + number(u.prices.value("memory_gb_hour", 0.0)) + "," +
           number(u.prices.value("accelerator_hour", 0.0)) + "," + cost + "," +
           number(round_estimate(u.energy_kwh)) + "," + number(round_estimate(u.co2_kg)) + "," +
           csv_field(u.job_name) + "\r\n";
  }
  return out;
}

Awaitable get_usage(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  services::UsageFilter f;
  f.org_id = rc.query_param("org_id");
  f.site_id = rc.query_param("site");
  f.accelerator_model = rc.query_param("accelerator_model");
  auto from = time_param(rc, "from");
  if (!from) co_return problem(rc, from.error());
  auto to = time_param(rc, "to");
  if (!to) co_return problem(rc, to.error());
  f.from = *from;
  f.to = *to;
  auto limit = int_param(rc, "limit", 1, 10000);
  if (!limit) co_return problem(rc, limit.error());
  f.limit = static_cast<int>(limit->value_or(10000));
  const auto format = rc.query_param("format");
  if (format && *format != "csv" && *format != "json") {
    co_return problem(
        rc, Error::invalid_coded(
                "format", {"usage.format", {{"format", std::string(format->substr(0, 32))}}}));
  }
  const bool csv =
      format ? *format == "csv" : rc.header("Accept").find("text/csv") != std::string_view::npos;
  auto report = co_await c.services.usage.usage(who, f);
  if (!report) co_return problem(rc, report.error());
  if (csv) {
    Response res = http::text_response(Status::ok, usage_csv(report->records),
                                       "text/csv; charset=utf-8", rc.request.version());
    res.set(http::bhttp::field::content_disposition, "attachment; filename=\"usage.csv\"");
    co_return res;
  }
  const services::UsageFilter& applied = report->filter;
  const services::UsageTotals& totals = report->totals;
  Json items = Json::array();
  for (const auto& u : report->records) items.push_back(usage_json(u));
  Json out = {{"org_id", applied.org_id ? Json(*applied.org_id) : Json(nullptr)},
              {"from", opt_time(applied.from)},
              {"to", opt_time(applied.to)},
              {"items", items},
              {"truncated", totals.jobs > static_cast<int64_t>(report->records.size())},
              {"totals",
               {{"jobs", totals.jobs},
                {"seconds", totals.seconds},
                {"billed_seconds", totals.billed_seconds},
                {"cost_cny", round_cny(totals.cost_cny)},
                {"energy_kwh", round_estimate(totals.energy_kwh)},
                {"co2_kg", round_estimate(totals.co2_kg)}}}};
  co_return json(rc, Status::ok, out);
}

Awaitable get_settlement(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const std::string id = rc.param("id");
  auto from = time_param(rc, "from");
  if (!from) co_return problem(rc, from.error());
  auto to = time_param(rc, "to");
  if (!to) co_return problem(rc, to.error());
  const std::string group = rc.query_param("group").value_or("");
  const std::optional<TimePoint> f = *from;
  const std::optional<TimePoint> t = *to;
  auto rows = co_await c.services.usage.settlement(who, id, f, t, group);
  if (!rows) co_return problem(rc, rows.error());
  Json items = Json::array();
  double total = 0, energy = 0, co2 = 0;
  int64_t jobs = 0;
  for (const auto& r : *rows) {
    total += r.cost_cny;
    energy += r.energy_kwh;
    co2 += r.co2_kg;
    jobs += r.jobs;
    items.push_back({{"org_id", r.org_id},
                     {"org_name", r.org_name},
                     {"period", r.period.empty() ? Json(nullptr) : Json(r.period)},
                     {"jobs", r.jobs},
                     {"seconds", r.seconds},
                     {"earnings_cny", round_cny(r.cost_cny)},
                     {"energy_kwh", round_estimate(r.energy_kwh)},
                     {"co2_kg", round_estimate(r.co2_kg)}});
  }
  co_return json(rc, Status::ok,
                 {{"site_id", id},
                  {"from", opt_time(f)},
                  {"to", opt_time(t)},
                  {"group", group.empty() ? Json(nullptr) : Json(group)},
                  {"items", items},
                  {"totals",
                   {{"jobs", jobs},
                    {"earnings_cny", round_cny(total)},
                    {"energy_kwh", round_estimate(energy)},
                    {"co2_kg", round_estimate(co2)}}}});
}

}  // namespace

void register_usage(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/usage", bind(c, get_usage));
  r.add(Verb::get, "/api/v1/sites/{id}/settlement", bind(c, get_settlement));
}

}  // namespace suanwang::api
