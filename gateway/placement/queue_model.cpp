// Queue-wait correction learnt per pool from the jobs' real waits (see queue_model.hpp).
#include "gateway/placement/queue_model.hpp"

#include <algorithm>
#include <cmath>

namespace suanwang::placement {

QueueModel::QueueModel(QueueModelOptions options) : options_(options) {
  options_.window = std::max<std::size_t>(1, options_.window);
  options_.min_samples = std::clamp<std::size_t>(options_.min_samples, 1, options_.window);
  options_.quantile = std::clamp(options_.quantile, 0.0, 1.0);
  options_.near_zero_s = std::max(0.0, options_.near_zero_s);
  options_.min_factor = std::max(0.0, options_.min_factor);
  options_.max_factor = std::max(options_.min_factor, options_.max_factor);
  scratch_.reserve(options_.window);
}

std::size_t QueueModel::band_of(double estimate_s) {
  std::size_t band = 0;
  for (double edge : kQueueRatioBandEdges) band += estimate_s >= edge ? 1 : 0;
  return band;
}

const QueueModel::Pool* QueueModel::find(std::string_view site_id, std::string_view pool) const {
  auto it = sites_.find(site_id);
  if (it == sites_.end()) return nullptr;
  for (const Pool& p : it->second) {
    if (p.name == pool) return &p;
  }
  return nullptr;
}

void QueueModel::add(Window& w, double value) {
  const auto v = static_cast<float>(value);
  if (w.values.size() < options_.window) {
    w.values.push_back(v);
  } else {
    w.values[w.next] = v;
    w.next = (w.next + 1) % options_.window;
  }
  // The quantile by linear interpolation between the order statistics around q x (n - 1).
  scratch_.assign(w.values.begin(), w.values.end());
  const double pos = options_.quantile * static_cast<double>(scratch_.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(lo),
                   scratch_.end());
  double q = scratch_[lo];
  if (lo + 1 < scratch_.size()) {
    const double above =
        *std::min_element(scratch_.begin() + static_cast<std::ptrdiff_t>(lo) + 1, scratch_.end());
    q += (pos - static_cast<double>(lo)) * (above - q);
  }
  w.quantile = q;
  if (!w.ready && w.values.size() >= options_.min_samples) {
    w.ready = true;
    ++ready_;
  }
}

void QueueModel::observe(std::string_view site_id, std::string_view pool, double estimate_s,
                         double actual_s) {
  if (!std::isfinite(estimate_s) || !std::isfinite(actual_s) || estimate_s < 0 || actual_s < 0) {
    return;
  }
  auto it = sites_.find(site_id);
  if (it == sites_.end()) it = sites_.emplace(std::string(site_id), std::vector<Pool>{}).first;
  auto& pools = it->second;
  auto p = std::find_if(pools.begin(), pools.end(), [&](const Pool& x) { return x.name == pool; });
  if (p == pools.end()) {
    pools.push_back(Pool{std::string(pool), {}, {}});
    p = pools.end() - 1;
  }
  if (estimate_s >= options_.near_zero_s && estimate_s > 0) {
    add(p->ratio[band_of(estimate_s)], actual_s / estimate_s);
  } else {
    add(p->residual, actual_s - estimate_s);
  }
}

double QueueModel::corrected(std::string_view site_id, std::string_view pool,
                             double estimate_s) const {
  if (ready_ == 0) return estimate_s;
  const Pool* p = find(site_id, pool);
  if (p == nullptr) return estimate_s;
  if (estimate_s >= options_.near_zero_s && estimate_s > 0) {
    const Window& w = p->ratio[band_of(estimate_s)];
    if (!w.ready) return estimate_s;
    return estimate_s * std::clamp(w.quantile, options_.min_factor, options_.max_factor);
  }
  if (!p->residual.ready) return estimate_s;
  return std::max(0.0, estimate_s + p->residual.quantile);
}

std::optional<double> QueueModel::ratio(std::string_view site_id, std::string_view pool,
                                        double estimate_s) const {
  const Pool* p = find(site_id, pool);
  if (p == nullptr) return std::nullopt;
  const Window& w = p->ratio[band_of(estimate_s)];
  if (!w.ready) return std::nullopt;
  return std::clamp(w.quantile, options_.min_factor, options_.max_factor);
}

std::optional<double> QueueModel::residual_s(std::string_view site_id,
                                             std::string_view pool) const {
  const Pool* p = find(site_id, pool);
  if (p == nullptr || !p->residual.ready) return std::nullopt;
  return p->residual.quantile;
}

std::size_t QueueModel::samples(std::string_view site_id, std::string_view pool) const {
  const Pool* p = find(site_id, pool);
  if (p == nullptr) return 0;
  std::size_t n = p->residual.values.size();
  for (const Window& w : p->ratio) n += w.values.size();
  return n;
}

}  // namespace suanwang::placement
