// The real-trace weeks and the composite national week (see trace_weeks.hpp).
#include "tools/replay/trace_weeks.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "tools/replay/csv.hpp"
#include "tools/replay/pai.hpp"
#include "tools/replay/philly.hpp"
#include "tools/replay/scaling.hpp"
#include "tools/replay/swf.hpp"

namespace suanwang::replay {
namespace {

const char* const kCtc = "pwa-ctc-sp2/CTC-SP2-1996-3.1-cln.week.swf";
const char* const kKth = "pwa-kth-sp2/KTH-SP2-1996-2.1-cln.week.swf";
const char* const kPaiPods = "alibaba-pai-gpu-v2023-openb/openb_pod_list_default.csv";
const char* const kPaiNodes = "alibaba-pai-gpu-v2023-openb/openb_node_list_gpu_node.csv";
const char* const kPhilly = "philly-multigpu-subset/philly_jobs_ge4gpu_pass.csv";
const char* const kHelios = "helios-venus/cluster_throughput.csv";

std::string path_in(const std::string& dir, const char* file) {
  return (std::filesystem::path(dir) / file).string();
}

std::string fmt_factor(const char* label, double f) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s x%.2f", label, f);
  return buf;
}

Result<Workload> read_swf_week(const std::string& dir, const char* file, int days,
                               std::vector<std::string>& notes) {
  auto trace = read_swf_file(path_in(dir, file));
  if (!trace) return fail(trace.error());
  SwfMapping m;
  m.days = days;
  Workload w = to_workload(*trace, m);
  notes.push_back(std::string(file) + ": " + std::to_string(w.jobs.size()) + " jobs, " +
                  std::to_string(m.skipped) + " skipped (never ran or later)");
  return w;
}

Result<Workload> read_pai_week(const std::string& dir, int days, std::vector<std::string>& notes) {
  auto pods_text = read_text_file(path_in(dir, kPaiPods), "PAI pod list");
  if (!pods_text) return fail(pods_text.error());
  auto nodes_text = read_text_file(path_in(dir, kPaiNodes), "PAI node list");
  if (!nodes_text) return fail(nodes_text.error());
  auto pods = parse_pai_pods(*pods_text);
  if (!pods) return fail(pods.error());
  auto gpus = parse_pai_gpu_nodes(*nodes_text);
  if (!gpus) return fail(gpus.error());
  PaiMapping m;
  m.days = days;
  Workload w = to_workload(*pods, *gpus, m);
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s: %zu pods from day %.0f, %zu never scheduled, %zu censored, %zu outside "
                "the window, %zu clipped to 7 days",
                kPaiPods, w.jobs.size(), m.window_start_s / 86400, m.unscheduled, m.censored,
                m.outside, m.clipped);
  notes.push_back(buf);
  return w;
}

Result<Workload> read_philly_week(const std::string& dir, int days,
                                  std::vector<std::string>& notes) {
  auto text = read_text_file(path_in(dir, kPhilly), "Philly job list");
  if (!text) return fail(text.error());
  auto jobs = parse_philly(*text);
  if (!jobs) return fail(jobs.error());
  PhillyMapping m;
  m.days = days;
  Workload w = to_workload(*jobs, m);
  const int64_t day = m.window_start_s / 86400;  // days since 1970-01-01
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s: %zu jobs from the week of day %lld since 1970 (a Monday), %zu outside, %zu "
                "clipped to 7 days",
                kPhilly, w.jobs.size(), static_cast<long long>(day), m.outside, m.clipped);
  notes.push_back(buf);
  return w;
}

Result<WeekProfile> read_helios(const std::string& dir) {
  auto text = read_text_file(path_in(dir, kHelios), "Helios throughput");
  if (!text) return fail(text.error());
  auto bins = parse_helios_throughput(*text);
  if (!bins) return fail(bins.error());
  return helios_profile(*bins);
}

double class_work(const Workload& w, JobClass c, bool accel) {
  double sum = 0;
  for (const auto& j : w.jobs) {
    if (j.job_class != c) continue;
    const auto& r = j.spec.resources;
    const double units = r.accelerators ? r.accelerators->count : r.cpus;
    if (static_cast<bool>(r.accelerators) == accel) sum += units * static_cast<double>(j.runtime_s);
  }
  return sum;
}

void renumber(Workload& w, const char* prefix) {
  std::stable_sort(w.jobs.begin(), w.jobs.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  for (std::size_t i = 0; i < w.jobs.size(); ++i) {
    char id[48];
    std::snprintf(id, sizeof id, "%s_%07zu", prefix, i);
    w.jobs[i].id = id;
  }
}

void append(Workload& to, Workload&& from) {
  for (auto& j : from.jobs) to.jobs.push_back(std::move(j));
}

}  // namespace

const std::vector<std::string>& trace_week_names() {
  static const std::vector<std::string> k = {"ctc", "kth", "pai", "philly", "composite"};
  return k;
}

TraceWeek composite_week(const CompositeParts& parts, const WorkloadOptions& o) {
  TraceWeek out;
  const Workload g = generate_workload(o);
  const double span = o.days * 86400.0;
  const double sme_core_s = class_work(g, JobClass::sme_cpu, false);
  Workload training;
  for (const auto& j : g.jobs) {
    if (j.job_class == JobClass::training) training.jobs.push_back(j);
  }
  OfferedWork half_training = offered_work(training);
  half_training.accel_s /= 2;
  half_training.accel_cpu_s /= 2;

  Workload& w = out.workload;
  w.span_s = span;
  w.datasets = g.datasets;
  std::size_t sme_kept = 0, sme_total = 0;
  for (const auto& j : g.jobs) {
    if (j.job_class == JobClass::training) continue;
    if (j.job_class == JobClass::sme_cpu) {
      ++sme_total;
      if (stable_uniform(j.id, 5) < 0.25) continue;
      ++sme_kept;
    }
    w.jobs.push_back(j);
  }

  const double hpc_target = 0.25 * sme_core_s;
  const double f_ctc = load_factor(hpc_target / 2, offered_work(parts.ctc).cpu_core_s);
  const double f_kth = load_factor(hpc_target / 2, offered_work(parts.kth).cpu_core_s);
  const double f_pai = accelerator_factor(half_training, offered_work(parts.pai));
  const double f_philly = accelerator_factor(half_training, offered_work(parts.philly));
  Workload ctc = scale_arrivals(parts.ctc, f_ctc, "ctc");
  Workload kth = scale_arrivals(parts.kth, f_kth, "kth");
  Workload ai = scale_arrivals(parts.pai, f_pai, "pai");
  append(ai, scale_arrivals(parts.philly, f_philly, "philly"));
  // AI arrivals from the Helios profile, in the order the jobs arrived in their traces.
  std::stable_sort(ai.jobs.begin(), ai.jobs.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  const auto times = shape_arrivals(parts.helios, ai.jobs.size(), span, o.seed * 7919 + 101);
  for (std::size_t i = 0; i < ai.jobs.size(); ++i) ai.jobs[i].arrival_s = times[i];
  const std::size_t n_hpc = ctc.jobs.size() + kth.jobs.size(), n_ai = ai.jobs.size();
  append(w, std::move(ctc));
  append(w, std::move(kth));
  append(w, std::move(ai));
  renumber(w, "job");

  char src[320];
  std::snprintf(src, sizeof src,
                "composite seed=%llu days=%d scale=%g: generator (sme_cpu %zu of %zu, inference, "
                "data_heavy), HPC %zu (CTC x%.2f, KTH x%.2f), AI %zu (PAI x%.2f, Philly x%.2f, "
                "arrivals shaped by Helios)",
                static_cast<unsigned long long>(o.seed), o.days, o.scale, sme_kept, sme_total,
                n_hpc, f_ctc, f_kth, n_ai, f_pai, f_philly);
  w.source = src;
  out.notes.push_back(fmt_factor("CTC arrivals", f_ctc) + ", " + fmt_factor("KTH", f_kth) +
                      " (each to half of a quarter of the generator's sme_cpu core-seconds)");
  out.notes.push_back(
      fmt_factor("PAI arrivals", f_pai) + ", " + fmt_factor("Philly", f_philly) +
      " (each to half of the generator's training accelerator-seconds, or of the CPU-seconds "
      "its training holds in the accelerator pools if that is less)");
  return out;
}

Result<TraceWeek> trace_week(std::string_view name, const std::string& dir,
                             const WorkloadOptions& o) {
  if (!std::filesystem::is_directory(dir)) {
    return fail(Error::invalid("traces", "no trace folder " + dir +
                                             " (run from the repository's top, or pass "
                                             "--traces-dir DIR)"));
  }
  TraceWeek out;
  if (name == "composite") {
    CompositeParts parts;
    std::vector<std::string> notes;
    auto ctc = read_swf_week(dir, kCtc, o.days, notes);
    if (!ctc) return fail(ctc.error());
    auto kth = read_swf_week(dir, kKth, o.days, notes);
    if (!kth) return fail(kth.error());
    auto pai = read_pai_week(dir, o.days, notes);
    if (!pai) return fail(pai.error());
    auto philly = read_philly_week(dir, o.days, notes);
    if (!philly) return fail(philly.error());
    auto helios = read_helios(dir);
    if (!helios) return fail(helios.error());
    parts = {std::move(*ctc), std::move(*kth), std::move(*pai), std::move(*philly), *helios};
    out = composite_week(parts, o);
    out.notes.insert(out.notes.begin(), notes.begin(), notes.end());
    return out;
  }
  Result<Workload> base = fail(Error::invalid(
      "trace", "unknown trace '" + std::string(name) + "' (ctc, kth, pai, philly, composite)"));
  bool accel = false;
  const char* label = "";
  if (name == "ctc") {
    base = read_swf_week(dir, kCtc, o.days, out.notes);
    label = "CTC";
  } else if (name == "kth") {
    base = read_swf_week(dir, kKth, o.days, out.notes);
    label = "KTH";
  } else if (name == "pai") {
    base = read_pai_week(dir, o.days, out.notes);
    accel = true;
    label = "PAI";
  } else if (name == "philly") {
    base = read_philly_week(dir, o.days, out.notes);
    accel = true;
    label = "Philly";
  }
  if (!base) return fail(base.error());
  const Workload g = generate_workload(o);
  const auto want = offered_work(g);
  const auto have = offered_work(*base);
  const double f =
      accel ? accelerator_factor(want, have) : load_factor(want.cpu_core_s, have.cpu_core_s);
  out.workload = scale_arrivals(*base, f, "job");
  out.workload.datasets.clear();
  char src[200];
  std::snprintf(
      src, sizeof src,
      "%s week (%s), arrivals x%.2f to the generator's %s work (seed=%llu days=%d scale=%g)", label,
      std::string(name).c_str(), f, accel ? "accelerator" : "CPU-only",
      static_cast<unsigned long long>(o.seed), o.days, o.scale);
  out.workload.source = src;
  out.notes.push_back(fmt_factor((std::string(label) + " arrivals").c_str(), f) +
                      " (to the generator's " +
                      (accel ? "accelerator-seconds, or accelerator jobs' CPU-seconds if less"
                             : "CPU-only core-seconds") +
                      ")");
  return out;
}

}  // namespace suanwang::replay
