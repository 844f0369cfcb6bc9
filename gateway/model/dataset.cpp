// Dataset parsing and JSON form.
#include "gateway/model/dataset.hpp"

namespace suanwang::model {

Result<Dataset> parse_dataset(const Json& body) {
  JsonReader r(body, "");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown({"name", "size_bytes", "replicas"}); !v) return fail(v.error());
  Dataset d;
  auto name = r.string("name", 128);
  if (!name) return fail(name.error());
  d.name = *name;
  auto size = r.integer("size_bytes", 0, int64_t{1} << 56);
  if (!size) return fail(size.error());
  d.size_bytes = *size;
  const Json* reps = r.get("replicas");
  if (reps == nullptr || !reps->is_array() || reps->empty()) {
    return fail(
        Error::invalid("replicas", "replicas must be a non-empty array of {region} or {site}"));
  }
  if (reps->size() > 64) return fail(Error::invalid("replicas", "at most 64 replicas"));
  for (std::size_t i = 0; i < reps->size(); ++i) {
    const std::string path = "replicas[" + std::to_string(i) + "].";
    JsonReader rr((*reps)[i], path);
    if (auto v = rr.expect_object(); !v) return fail(v.error());
    if (auto v = rr.reject_unknown({"region", "site"}); !v) return fail(v.error());
    auto region = rr.opt_string("region", 63);
    if (!region) return fail(region.error());
    auto site = rr.opt_string("site", 64);
    if (!site) return fail(site.error());
    if (!*region && !*site) {
      return fail(Error::invalid(path + "region", path + "region or " + path + "site is required"));
    }
    d.replicas.push_back({region->value_or(""), site->value_or("")});
  }
  return d;
}

Json to_json(const Dataset& d) {
  Json reps = Json::array();
  for (const auto& r : d.replicas) {
    Json j = {{"region", r.region}};
    if (!r.site.empty()) j["site"] = r.site;
    reps.push_back(std::move(j));
  }
  return {{"id", d.id},
          {"name", d.name},
          {"size_bytes", d.size_bytes},
          {"replicas", std::move(reps)},
          {"created_at", format_rfc3339(d.created_at)}};
}

}  // namespace suanwang::model
