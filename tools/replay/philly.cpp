// The Philly job reader and its mapping onto replay jobs (see philly.hpp).
#include "tools/replay/philly.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "tools/replay/csv.hpp"
#include "tools/replay/scaling.hpp"

namespace suanwang::replay {

Result<std::vector<PhillyJob>> parse_philly(std::string_view text) {
  auto t = parse_csv(text, "Philly job list");
  if (!t) return fail(t.error());
  auto id = t->column("job_id");
  auto submit = t->column("submit_time");
  auto gpus = t->column("num_gpus");
  auto runtime = t->column("runtime_min");
  for (const auto* c : {&id, &submit, &gpus, &runtime}) {
    if (!*c) return fail(c->error());
  }
  std::vector<PhillyJob> out;
  out.reserve(t->rows.size());
  for (const auto& row : t->rows) {
    PhillyJob j;
    j.id = row.fields[*id];
    if (j.id.empty()) return fail(t->error(row, *id, "is empty"));
    auto s = parse_civil_time(row.fields[*submit]);
    if (!s) return fail(t->error(row, *submit, s.error().message));
    j.submit_s = *s;
    auto g = t->number(row, *gpus);
    if (!g) return fail(g.error());
    if (*g < 1 || *g > 4096 || *g != std::floor(*g))
      return fail(t->error(row, *gpus, "is not a GPU count in [1, 4096]"));
    j.gpus = static_cast<int>(*g);
    auto r = t->number(row, *runtime);
    if (!r) return fail(r.error());
    if (*r <= 0) return fail(t->error(row, *runtime, "is not positive"));
    j.runtime_s = *r * 60;
    out.push_back(std::move(j));
  }
  return out;
}

std::string philly_gpu_model(std::string_view job_id, int gpus) {
  static const std::array<std::pair<const char*, double>, 5> kBase = {
      {{"Ascend910B", 55}, {"HygonDCU", 25}, {"A800", 10}, {"H100", 5}, {"H20", 5}}};
  double x = stable_uniform(job_id, 3) * 100;
  std::string m = kBase.back().first;
  for (const auto& [name, weight] : kBase) {
    if (x < weight) {
      m = name;
      break;
    }
    x -= weight;
  }
  if ((m == "H100" && gpus > 32) || ((m == "A800" || m == "H20") && gpus > 64)) m = "Ascend910B";
  return m;
}

Workload to_workload(const std::vector<PhillyJob>& jobs, PhillyMapping& m) {
  Workload w;
  w.span_s = m.days * kSecondsPerDay;
  m.outside = m.clipped = 0;
  std::vector<double> submits;
  int64_t first = jobs.empty() ? 0 : jobs.front().submit_s;
  for (const auto& j : jobs) {
    submits.push_back(static_cast<double>(j.submit_s));
    first = std::min(first, j.submit_s);
  }
  // The Monday 00:00 on or before the first submission.
  const int64_t first_day = first / 86400 * 86400;
  const int64_t monday = first_day - weekday_of(first_day) * 86400;
  m.window_start_s = static_cast<int64_t>(
      busiest_window(submits, w.span_s, 7 * kSecondsPerDay, static_cast<double>(monday)));
  for (const auto& pj : jobs) {
    const double arrival = static_cast<double>(pj.submit_s - m.window_start_s);
    if (arrival < 0 || arrival >= w.span_s) {
      ++m.outside;
      continue;
    }
    WorkloadJob j;
    j.id = pj.id;
    j.job_class = JobClass::training;
    j.arrival_s = arrival;
    j.runtime_s = trace_runtime_s(pj.runtime_s, m.clipped);
    auto& s = j.spec;
    s.name = "philly-" + pj.id;
    s.command = "run";
    const double ask = 1.2 + 0.8 * stable_uniform(pj.id, 4);
    s.resources.walltime_s = std::min<int64_t>(
        kTraceMaxWalltimeS,
        std::max<int64_t>(
            j.runtime_s,
            (static_cast<int64_t>(std::ceil(static_cast<double>(j.runtime_s) * ask)) + 3599) /
                3600 * 3600));
    s.resources.accelerators = model::AcceleratorNeed{philly_gpu_model(pj.id, pj.gpus), pj.gpus};
    s.resources.cpus = 4 * pj.gpus;
    s.resources.memory_gb = 32.0 * pj.gpus;
    s.submitter_region = east_region_of(pj.id);
    w.jobs.push_back(std::move(j));
  }
  std::stable_sort(w.jobs.begin(), w.jobs.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  return w;
}

}  // namespace suanwang::replay
