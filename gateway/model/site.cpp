// Site parsing and JSON forms (see site.hpp).
#include "gateway/model/site.hpp"

#include <regex>

namespace suanwang::model {

bool valid_accelerator_model(std::string_view m) {
  static const std::regex re("^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$");
  return std::regex_match(m.begin(), m.end(), re);
}

namespace {
constexpr double kMaxPrice = 1e6;

Result<Pricing> parse_pricing(const Json& j) {
  JsonReader r(j, "pricing.");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown(
          {"cpu_core_hour", "memory_gb_hour", "gpu_hour", "egress_gb", "billing_granularity_s"});
      !v) {
    return fail(v.error());
  }
  Pricing p;
  auto cpu = r.number("cpu_core_hour", 0, kMaxPrice);
  if (!cpu) return fail(cpu.error());
  p.cpu_core_hour = *cpu;
  auto mem = r.opt_number("memory_gb_hour", 0, kMaxPrice);
  if (!mem) return fail(mem.error());
  p.memory_gb_hour = mem->value_or(0);
  auto eg = r.opt_number("egress_gb", 0, kMaxPrice);
  if (!eg) return fail(eg.error());
  p.egress_gb = eg->value_or(0);
  auto gran = r.opt_int("billing_granularity_s", 1, 86400);
  if (!gran) return fail(gran.error());
  p.billing_granularity_s = gran->value_or(1);
  if (const Json* g = r.get("gpu_hour")) {
    if (!g->is_object()) {
      return fail(Error::invalid_coded("pricing.gpu_hour", {"site.gpu_hour_object", {}}));
    }
    if (g->size() > 64) {
      return fail(Error::invalid_coded(
          "pricing.gpu_hour",
          {"json.too_many_items", {{"field", "pricing.gpu_hour"}, {"max", "64"}}}));
    }
    for (const auto& [model, price] : g->items()) {
      const std::string f = "pricing.gpu_hour." + model;
      if (!valid_accelerator_model(model)) {
        return fail(Error::invalid_coded(
            f, {"site.accelerator_model_name", {{"field", f}, {"model", model.substr(0, 64)}}}));
      }
      if (!price.is_number() || price.get<double>() < 0 || price.get<double>() > kMaxPrice) {
        return fail(Error::invalid_coded(f, {"site.gpu_price",
                                             {{"field", f},
                                              {"model", model},
                                              {"max", "1000000"},
                                              {"value", price.dump().substr(0, 32)}}}));
      }
      p.gpu_hour[model] = price.get<double>();
    }
  }
  return p;
}

Result<SitePolicy> parse_policy(const Json& j) {
  JsonReader r(j, "policy.");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown({"max_walltime_s", "max_in_flight", "allowed_orgs", "denied_orgs"});
      !v) {
    return fail(v.error());
  }
  SitePolicy p;
  auto wt = r.opt_int("max_walltime_s", 60, 366LL * 24 * 3600);
  if (!wt) return fail(wt.error());
  p.max_walltime_s = wt->value_or(p.max_walltime_s);
  auto mif = r.opt_int("max_in_flight", 1, 1000000);
  if (!mif) return fail(mif.error());
  p.max_in_flight = static_cast<int>(mif->value_or(p.max_in_flight));
  auto allowed = r.string_list("allowed_orgs", 1000, 64);
  if (!allowed) return fail(allowed.error());
  p.allowed_orgs = std::move(*allowed);
  auto denied = r.string_list("denied_orgs", 1000, 64);
  if (!denied) return fail(denied.error());
  p.denied_orgs = std::move(*denied);
  return p;
}

Result<SiteAdapterSettings> parse_adapter(const Json& j) {
  JsonReader r(j, "adapter.");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown({"type", "endpoint", "options", "credentials"}); !v) {
    return fail(v.error());
  }
  SiteAdapterSettings a;
  auto type = r.string("type", 32);
  if (!type) return fail(type.error());
  a.type = *type;
  auto ep = r.opt_string("endpoint", 2048);
  if (!ep) return fail(ep.error());
  a.endpoint = ep->value_or("");
  if (const Json* o = r.get("options")) {
    if (!o->is_object()) {
      return fail(JsonReader(*o, "adapter.options.").expect_object().error());
    }
    a.options = *o;
  }
  if (const Json* c = r.get("credentials")) {
    if (!c->is_object()) {
      return fail(JsonReader(*c, "adapter.credentials.").expect_object().error());
    }
    a.credentials = *c;
  }
  return a;
}
}  // namespace

Result<Site> parse_site(const Json& body) {
  JsonReader r(body, "");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown(
          {"name", "name_zh", "region", "kind", "adapter", "pricing", "policy", "energy"}); !v) {
    return fail(v.error());
  }
  Site s;
  auto name = r.string("name", 128);
  if (!name) return fail(name.error());
  s.name = *name;
  auto name_zh = r.opt_string("name_zh", 128);
  if (!name_zh) return fail(name_zh.error());
  s.name_zh = name_zh->value_or("");
  auto region = r.string("region", 63);
  if (!region) return fail(region.error());
  s.region = *region;
  auto kind = r.opt_string("kind", 16);
  if (!kind) return fail(kind.error());
  const auto site_kind = parse_site_kind(kind->value_or("general"));
  if (!site_kind) {
    return fail(Error::invalid_coded("kind", {"site.kind", {{"kind", kind->value_or("")}}}));
  }
  s.kind = *site_kind;
  const Json* adapter = r.get("adapter");
  if (adapter == nullptr) {
    return fail(Error::invalid_coded("adapter", {"json.required", {{"field", "adapter"}}}));
  }
  auto a = parse_adapter(*adapter);
  if (!a) return fail(a.error());
  s.adapter = std::move(*a);
  const Json* pricing = r.get("pricing");
  if (pricing == nullptr) {
    return fail(Error::invalid_coded("pricing", {"json.required", {{"field", "pricing"}}}));
  }
  auto p = parse_pricing(*pricing);
  if (!p) return fail(p.error());
  s.pricing = std::move(*p);
  if (const Json* policy = r.get("policy")) {
    auto pol = parse_policy(*policy);
    if (!pol) return fail(pol.error());
    s.policy = std::move(*pol);
  }
  if (const Json* energy = r.get("energy")) {
    auto e = parse_site_energy(*energy, "energy");
    if (!e) return fail(e.error());
    s.energy = std::move(*e);
  }
  return s;
}

Json to_json(const Pricing& p) {
  return {{"cpu_core_hour", p.cpu_core_hour},
          {"memory_gb_hour", p.memory_gb_hour},
          {"gpu_hour", p.gpu_hour},
          {"egress_gb", p.egress_gb},
          {"billing_granularity_s", p.billing_granularity_s}};
}

Json to_json(const SitePolicy& p) {
  return {{"max_walltime_s", p.max_walltime_s},
          {"max_in_flight", p.max_in_flight},
          {"allowed_orgs", p.allowed_orgs},
          {"denied_orgs", p.denied_orgs}};
}

Json site_to_stored_json(const Site& s) {
  Json j = {{"name", s.name},
          {"region", s.region},
          {"kind", site_kind_name(s.kind)},
          {"adapter",
           {{"type", s.adapter.type},
            {"endpoint", s.adapter.endpoint},
            {"options", s.adapter.options},
            {"credentials", s.adapter.credentials}}},
          {"pricing", to_json(s.pricing)},
          {"policy", to_json(s.policy)},
          {"energy", to_json(s.energy)}};
  if (!s.name_zh.empty()) j["name_zh"] = s.name_zh;
  return j;
}

Json site_to_json(const Site& s, bool detailed) {
  Json j = {{"id", s.id},
            {"org_id", s.org_id},
            {"name", s.name},
            {"region", s.region},
            {"kind", site_kind_name(s.kind)},
            {"status", site_status_name(s.status)},
            {"drained", s.drained},
            {"pricing", to_json(s.pricing)},
            {"policy", to_json(s.policy)},
            {"energy", to_json(s.energy)},
            {"created_at", format_rfc3339(s.created_at)},
            {"updated_at", format_rfc3339(s.updated_at)}};
  if (!s.name_zh.empty()) j["name_zh"] = s.name_zh;
  j["adapter"] = {{"type", s.adapter.type}};
  if (detailed) {
    j["adapter"]["endpoint"] = s.adapter.endpoint;
    j["adapter"]["options"] = s.adapter.options;
    j["adapter"]["credentials_set"] = !s.adapter.credentials.empty();
  }
  return j;
}

}  // namespace suanwang::model
