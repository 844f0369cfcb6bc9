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
  if (r.get("size_bytes") == nullptr && r.get("replicas") == nullptr) {
    // Real files, uploaded next.
    d.kind = DatasetKind::files;
    return d;
  }
  auto size = r.integer("size_bytes", 0, int64_t{1} << 56);
  if (!size) return fail(size.error());
  d.size_bytes = *size;
  const Json* reps = r.get("replicas");
  if (reps == nullptr || !reps->is_array() || reps->empty()) {
    return fail(Error::invalid_coded("replicas", {"dataset.replicas", {}}));
  }
  if (reps->size() > 64) {
    return fail(Error::invalid_coded(
        "replicas", {"json.too_many_items", {{"field", "replicas"}, {"max", "64"}}}));
  }
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
      return fail(
          Error::invalid_coded(path + "region", {"dataset.replica_place", {{"prefix", path}}}));
    }
    d.replicas.push_back({region->value_or(""), site->value_or("")});
  }
  return d;
}

const char* dataset_kind_name(DatasetKind k) {
  return k == DatasetKind::files ? "files" : "declared";
}

Json to_json(const DatasetFile& f) {
  return {{"path", f.path},
          {"size_bytes", f.size_bytes},
          {"sha256", f.sha256},
          {"created_at", format_rfc3339(f.created_at)}};
}

Json to_json(const Dataset& d) {
  Json reps = Json::array();
  for (const auto& r : d.replicas) {
    Json j = {{"region", r.region}};
    if (!r.site.empty()) j["site"] = r.site;
    reps.push_back(std::move(j));
  }
  Json j = {{"id", d.id},
            {"name", d.name},
            {"kind", dataset_kind_name(d.kind)},
            {"size_bytes", d.size_bytes},
            {"replicas", std::move(reps)},
            {"created_at", format_rfc3339(d.created_at)}};
  if (d.kind == DatasetKind::files) {
    j["file_count"] = d.file_count;
    j["sealed"] = d.sealed_at.has_value();
    if (d.sealed_at) j["sealed_at"] = format_rfc3339(*d.sealed_at);
  }
  if (!d.job_id.empty()) j["job_id"] = d.job_id;
  return j;
}

}  // namespace suanwang::model
