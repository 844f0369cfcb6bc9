// Runtime prediction from an org's finished jobs (see runtime_model.hpp).
#include "gateway/placement/runtime_model.hpp"

#include <algorithm>
#include <cmath>

namespace suanwang::placement {

RuntimeModel::RuntimeModel(RuntimeModelOptions options) : options_(options) {
  options_.window = std::max<std::size_t>(1, options_.window);
  options_.min_samples = std::clamp<std::size_t>(options_.min_samples, 1, options_.window);
  options_.min_ratio = std::clamp(options_.min_ratio, 0.0, 1.0);
}

RuntimeModel::Key RuntimeModel::key_of(const std::string& org_id, const model::JobSpec& spec) {
  const auto& acc = spec.resources.accelerators;
  return {org_id, acc ? acc->model : std::string("cpu")};
}

void RuntimeModel::observe(const std::string& org_id, const model::JobSpec& spec,
                           int64_t runtime_s) {
  const int64_t walltime = spec.resources.walltime_s;
  if (spec.expected_runtime_s || walltime <= 0) return;
  const double r = std::clamp(
      static_cast<double>(std::max<int64_t>(0, runtime_s)) / static_cast<double>(walltime), 0.0,
      1.0);
  Window& w = windows_[key_of(org_id, spec)];
  if (w.ratios.size() < options_.window) {
    w.ratios.push_back(r);
  } else {
    w.ratios[w.next] = r;
    w.next = (w.next + 1) % options_.window;
  }
  std::vector<double> v = w.ratios;
  const auto mid = static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  w.median = v[static_cast<std::size_t>(mid)];
  if (v.size() % 2 == 0) w.median = (w.median + *std::max_element(v.begin(), v.begin() + mid)) / 2;
}

std::optional<double> RuntimeModel::ratio(const std::string& org_id,
                                          const model::JobSpec& spec) const {
  auto it = windows_.find(key_of(org_id, spec));
  if (it == windows_.end() || it->second.ratios.size() < options_.min_samples) return std::nullopt;
  return std::clamp(it->second.median, options_.min_ratio, 1.0);
}

std::optional<int64_t> RuntimeModel::predict(const std::string& org_id,
                                             const model::JobSpec& spec) const {
  if (spec.expected_runtime_s) return std::nullopt;
  const int64_t walltime = spec.resources.walltime_s;
  if (walltime <= 0) return std::nullopt;
  const auto r = ratio(org_id, spec);
  if (!r) return std::nullopt;
  const auto s = static_cast<int64_t>(std::llround(static_cast<double>(walltime) * *r));
  return std::clamp<int64_t>(s, 1, walltime);
}

}  // namespace suanwang::placement
