// GET /api/v1/capacity: national totals, by region, by accelerator model, and per site with
// the age of its report. Stale reports, offline and checking sites are listed but not counted
// in the totals, and a drained site's capacity is not counted as free
// (federation/counted_capacity.hpp); each total carries the age of the oldest report in it
// (oldest_report_age_s). A site's own entry shows its report as it is.
//
// The document is the same for every caller, so it is rendered once per change of the site
// directory and served as text until the next change, or for at most kReuseFor; its ages are
// relative to its observed_at, the time it was rendered. It is rendered site by site (each
// site's object is built, written out and dropped), since a JSON tree of 10,000 sites with
// their pools takes about a hundred megabytes where its text takes a tenth of that.
#include "gateway/api/api.hpp"
#include "gateway/federation/counted_capacity.hpp"

namespace suanwang::api {
namespace {

constexpr auto kReuseFor = std::chrono::seconds(1);

std::string capacity_document(ApiContext& c) {
  const TimePoint now = c.clock.now();
  const double stale_after = std::chrono::duration<double>(c.config.capacity_stale_after).count();
  model::CapacityTotals national;
  std::map<std::string, model::CapacityTotals> by_region;
  std::map<std::string, Json> by_model;
  double national_age = 0;
  std::map<std::string, double> region_age;
  std::string sites = "[";
  auto add_site = [&sites](const Json& s) {
    if (sites.size() > 1) sites.push_back(',');
    sites += http::render_json(s);
  };
  const auto views = c.directory.snapshot();
  sites.reserve(views->size() * 1024);  // about what a site with a few pools takes
  for (const auto& v : *views) {
    Json s = {{"site", v.site.id},
              {"name", v.site.name},
              {"region", v.site.region},
              {"status", model::site_status_name(v.site.status)},
              {"drained", v.site.drained}};
    if (!v.site.name_zh.empty()) s["name_zh"] = v.site.name_zh;
    if (!v.capacity) {
      s["age_s"] = nullptr;
      s["stale"] = true;
      s["totals"] = nullptr;
      add_site(s);
      continue;
    }
    const double age =
        std::max(0.0, std::chrono::duration<double>(now - v.capacity->observed_at).count());
    const bool stale = age > stale_after;
    model::CapacityTotals t;
    t.add(*v.capacity);
    s["age_s"] = age;
    s["stale"] = stale;
    s["totals"] = model::to_json(t);
    // Pools and queue figures: what a parent gateway needs to place on this one (adapters/peer).
    Json pools = Json::array();
    for (const auto& p : v.capacity->pools) pools.push_back(model::to_json(p));
    s["pools"] = std::move(pools);
    s["est_queue_wait_s"] = v.capacity->est_queue_wait_s;
    s["queued_work_core_s"] = v.capacity->queued_work_core_s;
    add_site(s);
    // The totals count as counted_capacity() says: not stale, offline or checking sites, nor
    // a drained site's free capacity.
    const auto counted = federation::counted_capacity(v, now, c.config.capacity_stale_after);
    if (stale || !counted) continue;
    national.add(*counted);
    national_age = std::max(national_age, age);
    by_region[v.site.region].add(*counted);
    region_age[v.site.region] = std::max(region_age[v.site.region], age);
    for (const auto& [m, a] : counted->accelerators()) {
      Json& e = by_model[m];
      if (e.is_null()) e = {{"total", 0}, {"free", 0}, {"sites", 0}, {"oldest_report_age_s", 0.0}};
      e["total"] = e["total"].get<int>() + a.total;
      e["free"] = e["free"].get<int>() + a.free;
      e["sites"] = e["sites"].get<int>() + 1;
      e["oldest_report_age_s"] = std::max(e["oldest_report_age_s"].get<double>(), age);
    }
  }
  Json regions = Json::object();
  for (const auto& [r, t] : by_region) {
    regions[r] = model::to_json(t);
    regions[r]["oldest_report_age_s"] = region_age[r];
  }
  Json national_json = model::to_json(national);
  national_json["oldest_report_age_s"] = national.sites > 0 ? Json(national_age) : Json(nullptr);
  Json models = Json::object();
  for (const auto& [m, e] : by_model) models[m] = e;
  sites.push_back(']');
  // Members in name order, as the rest of the API writes them.
  std::string out = "{\"by_accelerator\":" + http::render_json(models);
  out += ",\"by_region\":" + http::render_json(regions);
  out += ",\"national\":" + http::render_json(national_json);
  out += ",\"observed_at\":" + http::render_json(format_rfc3339(now));
  out += ",\"sites\":";
  out += sites;
  out.push_back('}');
  return out;
}

Awaitable national_capacity(ApiContext& c, RequestContext& rc, const auth::Principal&) {
  // The version is read before the views: a change racing with the rendering leaves the
  // document keyed on the older version, so the next request renders again.
  const uint64_t version = c.directory.version();
  const auto now = http::RenderedBody::Clock::now();
  auto cached = c.capacity_body.get(version, now, kReuseFor);
  if (!cached) {
    cached = http::RenderedBody::Entry{version, now,
                                       std::make_shared<const std::string>(capacity_document(c))};
    c.capacity_body.put(*cached);
  }
  co_return http::json_response(Status::ok, std::string(*cached->body), rc.request.version());
}

}  // namespace

void register_capacity(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/capacity", bind(c, national_capacity));
}

}  // namespace suanwang::api
