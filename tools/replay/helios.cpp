// The Helios submit counts, their weekly profile and arrivals drawn from it (see helios.hpp).
#include "tools/replay/helios.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "tools/replay/csv.hpp"

namespace suanwang::replay {

Result<std::vector<HeliosBin>> parse_helios_throughput(std::string_view text) {
  auto t = parse_csv(text, "Helios throughput");
  if (!t) return fail(t.error());
  auto time = t->column("time");
  auto count = t->column("submit_gpu_job");
  if (!time) return fail(time.error());
  if (!count) return fail(count.error());
  std::vector<HeliosBin> out;
  out.reserve(t->rows.size());
  for (const auto& row : t->rows) {
    HeliosBin b;
    auto s = parse_civil_time(row.fields[*time]);
    if (!s) return fail(t->error(row, *time, s.error().message));
    if (*s % 600 != 0) return fail(t->error(row, *time, "is not on a 10-minute boundary"));
    b.start_s = *s;
    auto n = t->number(row, *count);
    if (!n) return fail(n.error());
    if (*n < 0) return fail(t->error(row, *count, "is negative"));
    b.gpu_jobs_submitted = *n;
    out.push_back(b);
  }
  return out;
}

WeekProfile helios_profile(const std::vector<HeliosBin>& bins) {
  WeekProfile sum{}, n{};
  for (const auto& b : bins) {
    const int64_t minute = ((b.start_s % 86400) + 86400) % 86400 / 600;
    const auto slot = static_cast<std::size_t>(weekday_of(b.start_s) * 144 + minute);
    sum[slot] += b.gpu_jobs_submitted;
    n[slot] += 1;
  }
  WeekProfile p{};
  double total = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    p[k] = n[k] > 0 ? sum[k] / n[k] : 0;
    total += p[k];
  }
  const double mean = total / static_cast<double>(p.size());
  if (mean > 0) {
    for (double& x : p) x /= mean;
  }
  return p;
}

std::vector<double> shape_arrivals(const WeekProfile& profile, std::size_t n, double span_s,
                                   uint64_t seed) {
  std::vector<double> out;
  const auto slots = static_cast<std::size_t>(std::ceil(span_s / 600));
  if (n == 0 || slots == 0) return out;
  std::vector<double> cdf(slots);
  double total = 0;
  for (std::size_t k = 0; k < slots; ++k) {
    // A slot cut by the span's end weighs its covered part.
    const double covered = std::min(600.0, span_s - static_cast<double>(k) * 600) / 600;
    total += profile[k % profile.size()] * covered;
    cdf[k] = total;
  }
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t k = 0;
    if (total > 0) {
      const double x = uniform() * total;
      k = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
      k = std::min(k, slots - 1);
    } else {
      k = static_cast<std::size_t>(uniform() * static_cast<double>(slots)) % slots;
    }
    const double t = (static_cast<double>(k) + uniform()) * 600;
    out.push_back(std::min(t, std::nextafter(span_s, 0.0)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace suanwang::replay
