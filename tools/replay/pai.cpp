// The Alibaba PAI pod reader and its mapping onto replay jobs (see pai.hpp).
#include "tools/replay/pai.hpp"

#include <algorithm>
#include <cmath>

#include "tools/replay/csv.hpp"
#include "tools/replay/scaling.hpp"

namespace suanwang::replay {
namespace {

int64_t round_up_to(double s, int64_t step) {
  return (static_cast<int64_t>(std::ceil(s)) + step - 1) / step * step;
}

}  // namespace

Result<std::vector<PaiPod>> parse_pai_pods(std::string_view text) {
  auto t = parse_csv(text, "PAI pod list");
  if (!t) return fail(t.error());
  std::array<std::size_t, 11> c{};
  const std::array<const char*, 11> names = {
      "name", "cpu_milli", "memory_mib",    "num_gpu",       "gpu_milli",     "gpu_spec",
      "qos",  "pod_phase", "creation_time", "deletion_time", "scheduled_time"};
  for (std::size_t k = 0; k < names.size(); ++k) {
    auto col = t->column(names[k]);
    if (!col) return fail(col.error());
    c[k] = *col;
  }
  std::vector<PaiPod> pods;
  pods.reserve(t->rows.size());
  for (const auto& row : t->rows) {
    PaiPod p;
    p.name = row.fields[c[0]];
    if (p.name.empty()) return fail(t->error(row, c[0], "is empty"));
    for (std::size_t k : {1u, 2u, 3u, 4u, 8u}) {
      auto x = t->number(row, c[k]);
      if (!x) return fail(x.error());
      if (*x < 0) return fail(t->error(row, c[k], "is negative"));
      switch (k) {
        case 1:
          p.cpu_milli = *x;
          break;
        case 2:
          p.memory_mib = *x;
          break;
        case 3:
          if (*x != std::floor(*x) || *x > 1024)
            return fail(t->error(row, c[k], "is not a GPU count in [0, 1024]"));
          p.num_gpu = static_cast<int>(*x);
          break;
        case 4:
          p.gpu_milli = *x;
          break;
        default:
          p.creation_s = *x;
          break;
      }
    }
    p.gpu_spec = row.fields[c[5]];
    p.qos = row.fields[c[6]];
    p.phase = row.fields[c[7]];
    for (std::size_t k : {9u, 10u}) {
      auto x = t->number(row, c[k], true, -1);
      if (!x) return fail(x.error());
      if (row.fields[c[k]].empty()) continue;
      if (*x < 0) return fail(t->error(row, c[k], "is negative"));
      if (*x < p.creation_s) return fail(t->error(row, c[k], "is before creation_time"));
      (k == 9 ? p.deletion_s : p.scheduled_s) = *x;
    }
    pods.push_back(std::move(p));
  }
  return pods;
}

Result<std::map<std::string, int64_t>> parse_pai_gpu_nodes(std::string_view text) {
  auto t = parse_csv(text, "PAI node list");
  if (!t) return fail(t.error());
  auto gpu = t->column("gpu");
  auto model = t->column("model");
  if (!gpu) return fail(gpu.error());
  if (!model) return fail(model.error());
  std::map<std::string, int64_t> out;
  for (const auto& row : t->rows) {
    auto n = t->number(row, *gpu);
    if (!n) return fail(n.error());
    if (*n < 0 || *n != std::floor(*n)) return fail(t->error(row, *gpu, "is not a GPU count"));
    if (*n > 0 && row.fields[*model].empty()) return fail(t->error(row, *model, "is empty"));
    if (*n > 0) out[row.fields[*model]] += static_cast<int64_t>(*n);
  }
  return out;
}

std::string pai_gpu_model(std::string_view m) {
  if (m == "G2") return "Ascend910B";
  if (m == "G1" || m == "G3" || m == "P100" || m == "T4") return "HygonDCU";
  if (m.starts_with("V100")) return "A800";
  if (m == "A10") return "H20";
  return "Ascend910B";
}

Workload to_workload(const std::vector<PaiPod>& pods,
                     const std::map<std::string, int64_t>& gpus_by_model, PaiMapping& m) {
  Workload w;
  w.span_s = m.days * kSecondsPerDay;
  m.unscheduled = m.censored = m.outside = m.clipped = 0;
  double trace_end = 0;
  std::vector<double> created;
  for (const auto& p : pods) {
    if (p.deletion_s) trace_end = std::max(trace_end, *p.deletion_s);
    created.push_back(p.creation_s);
  }
  m.window_start_s = busiest_window(created, w.span_s, kSecondsPerDay, 0);
  int64_t total_gpus = 0;
  for (const auto& [model, n] : gpus_by_model) total_gpus += n;
  for (const auto& p : pods) {
    if (!p.scheduled_s || !p.deletion_s || *p.deletion_s <= *p.scheduled_s) {
      ++m.unscheduled;
      continue;
    }
    if (*p.deletion_s >= trace_end) {
      ++m.censored;
      continue;
    }
    const double arrival = p.creation_s - m.window_start_s;
    if (arrival < 0 || arrival >= w.span_s) {
      ++m.outside;
      continue;
    }
    WorkloadJob j;
    j.arrival_s = arrival;
    j.runtime_s = trace_runtime_s(*p.deletion_s - *p.scheduled_s, m.clipped);
    auto& s = j.spec;
    s.name = "pai-" + p.name;
    s.command = "run";
    s.resources.cpus = std::max(1, static_cast<int>(std::ceil(p.cpu_milli / 1000)));
    s.resources.memory_gb = std::max(1.0, std::ceil(p.memory_mib / 1024));
    const double ask = 1.5 + 2.5 * stable_uniform(p.name, 1);
    s.resources.walltime_s =
        std::min(kTraceMaxWalltimeS,
                 std::max(j.runtime_s, round_up_to(static_cast<double>(j.runtime_s) * ask, 600)));
    if (p.num_gpu > 0) {
      std::string pai_model;
      if (!p.gpu_spec.empty()) {
        pai_model = p.gpu_spec.substr(0, p.gpu_spec.find('|'));
      } else if (total_gpus > 0) {
        double x = stable_uniform(p.name, 2) * static_cast<double>(total_gpus);
        for (const auto& [model, n] : gpus_by_model) {
          pai_model = model;
          if (x < static_cast<double>(n)) break;
          x -= static_cast<double>(n);
        }
      }
      s.resources.accelerators = model::AcceleratorNeed{pai_gpu_model(pai_model), p.num_gpu};
      j.job_class = JobClass::training;
    } else {
      j.job_class = JobClass::trace;
    }
    s.submitter_region = east_region_of(p.name);
    j.id = p.name;
    w.jobs.push_back(std::move(j));
  }
  std::stable_sort(w.jobs.begin(), w.jobs.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  return w;
}

}  // namespace suanwang::replay
