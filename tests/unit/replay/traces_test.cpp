// The real-trace readers (Alibaba PAI pods and nodes, Philly jobs, Helios counts) on small
// fixtures copied from data/traces (see README.md here), their mappings onto the federation,
// arrival scaling, the Helios profile and the composite national week.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "tools/replay/csv.hpp"
#include "tools/replay/helios.hpp"
#include "tools/replay/pai.hpp"
#include "tools/replay/philly.hpp"
#include "tools/replay/report.hpp"
#include "tools/replay/scaling.hpp"
#include "tools/replay/swf.hpp"
#include "tools/replay/trace_weeks.hpp"

using namespace suanwang;
using namespace suanwang::replay;

namespace {

std::string traces_fixture(const char* name) {
  auto text =
      read_text_file((std::filesystem::path(__FILE__).parent_path() / name).string(), "fixture");
  REQUIRE(text);
  return *text;
}

std::vector<PaiPod> traces_pai_pods() {
  auto pods = parse_pai_pods(traces_fixture("pai_pods.csv"));
  REQUIRE(pods);
  return *pods;
}

std::map<std::string, int64_t> traces_pai_nodes() {
  auto nodes = parse_pai_gpu_nodes(traces_fixture("pai_gpu_nodes.csv"));
  REQUIRE(nodes);
  return *nodes;
}

const WorkloadJob* traces_job_named(const Workload& w, const std::string& name) {
  for (const auto& j : w.jobs) {
    if (j.spec.name == name) return &j;
  }
  return nullptr;
}

std::string traces_error_of(const Error& e) {
  return e.message;
}

}  // namespace

TEST_CASE("PAI: the pod and node fixtures parse", "[replay][traces]") {
  const auto pods = traces_pai_pods();
  REQUIRE(pods.size() == 7);
  CHECK(pods[1].name == "openb-pod-0433");
  CHECK(pods[1].cpu_milli == 3152);
  CHECK(pods[1].memory_mib == 5600);
  CHECK(pods[1].num_gpu == 1);
  CHECK(pods[1].gpu_milli == 810);
  CHECK(pods[1].phase == "Failed");
  REQUIRE(pods[1].scheduled_s);
  CHECK(*pods[1].deletion_s == 10197011);
  CHECK_FALSE(pods[3].scheduled_s);  // Pending: never scheduled
  CHECK(pods[6].gpu_spec == "T4|V100M16|V100M32");
  const auto nodes = traces_pai_nodes();
  CHECK(nodes == std::map<std::string, int64_t>{{"G2", 8}, {"P100", 2}, {"T4", 4}, {"V100M32", 8}});
}

TEST_CASE("PAI: GPU models map to the federation's", "[replay][traces]") {
  CHECK(pai_gpu_model("G2") == "Ascend910B");
  CHECK(pai_gpu_model("G3") == "HygonDCU");
  CHECK(pai_gpu_model("P100") == "HygonDCU");
  CHECK(pai_gpu_model("V100M16") == "A800");
  CHECK(pai_gpu_model("V100M32") == "A800");
  CHECK(pai_gpu_model("T4") == "HygonDCU");
  CHECK(pai_gpu_model("A10") == "H20");
  CHECK(pai_gpu_model("") == "Ascend910B");
  CHECK(pai_gpu_model("MI300") == "Ascend910B");
}

TEST_CASE("PAI: pods map onto jobs; unscheduled and censored pods are skipped",
          "[replay][traces]") {
  PaiMapping m;
  m.days = 366;
  const Workload w = to_workload(traces_pai_pods(), traces_pai_nodes(), m);
  CHECK(m.unscheduled == 1);  // pod 1075, Pending
  CHECK(m.censored == 1);     // pod 0005, deleted at the trace's end
  CHECK(m.outside == 0);
  REQUIRE(w.jobs.size() == 5);
  CHECK(std::is_sorted(w.jobs.begin(), w.jobs.end(),
                       [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; }));
  // A shared GPU (810 milli) takes a whole accelerator; runtime from scheduling to deletion.
  const auto* shared = traces_job_named(w, "pai-openb-pod-0433");
  REQUIRE(shared);
  CHECK(shared->runtime_s == 222);
  CHECK(shared->spec.resources.cpus == 4);         // 3152 milli, rounded up
  CHECK(shared->spec.resources.memory_gb == 6.0);  // 5600 MiB, rounded up
  REQUIRE(shared->spec.resources.accelerators);
  CHECK(shared->spec.resources.accelerators->count == 1);
  CHECK(shared->job_class == JobClass::training);
  // A CPU-only pod, scheduled 33 s after creation.
  const auto* cpu = traces_job_named(w, "pai-openb-pod-0951");
  REQUIRE(cpu);
  CHECK_FALSE(cpu->spec.resources.accelerators);
  CHECK(cpu->runtime_s == 10368662 - 10368586);
  CHECK(cpu->spec.resources.cpus == 17);
  CHECK(cpu->job_class == JobClass::trace);
  // gpu_spec's first model (T4) decides; two accelerators.
  const auto* spec = traces_job_named(w, "pai-openb-pod-2322");
  REQUIRE(spec);
  CHECK(spec->spec.resources.accelerators->model == "HygonDCU");
  CHECK(spec->spec.resources.accelerators->count == 2);
  CHECK(spec->runtime_s == 13054);
  for (const auto& j : w.jobs) {
    INFO(j.spec.name);
    CHECK(j.spec.resources.walltime_s >= j.runtime_s);
    CHECK(j.spec.resources.walltime_s % 600 == 0);
    CHECK(j.spec.resources.walltime_s <= 4 * j.runtime_s + 600);
    CHECK(j.spec.resources.walltime_s >= 1.5 * static_cast<double>(j.runtime_s));
    CHECK((j.spec.submitter_region == "cn-csj-shanghai" ||
           j.spec.submitter_region == "cn-gba-shaoguan" ||
           j.spec.submitter_region == "cn-jjj-zhangjiakou"));
    CHECK(j.spec.inputs.empty());
  }
  // Arrivals from the window's start: the whole trace here, from creation 0.
  CHECK(m.window_start_s == 0);
  CHECK(shared->arrival_s == 10196789);
}

TEST_CASE("PAI: without a gpu_spec the model follows the cluster's GPUs by model",
          "[replay][traces]") {
  std::vector<PaiPod> pods;
  for (int i = 0; i < 4000; ++i) {
    PaiPod p;
    p.name = "pod-" + std::to_string(i);
    p.cpu_milli = 1000;
    p.memory_mib = 1024;
    p.num_gpu = 1;
    p.gpu_milli = 1000;
    p.creation_s = i;
    p.scheduled_s = i;
    p.deletion_s = i + 100;
    pods.push_back(p);
  }
  pods.back().deletion_s = 1e9;  // the trace's end: censored
  pods[0].gpu_spec = "A10|T4";   // a gpu_spec's first model decides, no draw
  PaiMapping m;
  m.days = 1;
  const Workload w = to_workload(pods, traces_pai_nodes(), m);
  REQUIRE(w.jobs.size() == 3999);
  std::map<std::string, double> share;
  for (const auto& j : w.jobs) share[j.spec.resources.accelerators->model] += 1.0 / 3999;
  // G2 8 of 22 GPUs -> Ascend910B; P100 2 and T4 4 -> HygonDCU; V100M32 8 -> A800.
  CHECK(share["Ascend910B"] == Approx(8.0 / 22).margin(0.03));
  CHECK(share["HygonDCU"] == Approx(6.0 / 22).margin(0.03));
  CHECK(share["H20"] == Approx(1.0 / 3999));
  CHECK(w.jobs[0].spec.resources.accelerators->model == "H20");
  CHECK(share["A800"] == Approx(8.0 / 22).margin(0.03));
}

TEST_CASE("PAI: malformed lines are errors naming the line and the column", "[replay][traces]") {
  const std::string header =
      "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
      "deletion_time,scheduled_time\n";
  auto bad_number = parse_pai_pods(header + "p0,1000,1024,1,1000,,LS,Running,0,10,0\n" +
                                   "p1,12x00,1024,1,1000,,LS,Running,0,10,0\n");
  REQUIRE_FALSE(bad_number);
  CHECK(traces_error_of(bad_number.error()) ==
        "PAI pod list line 3, column 'cpu_milli': '12x00' is not a number");
  auto short_line = parse_pai_pods(header + "p0,1000,1024,1,1000,,LS\n");
  REQUIRE_FALSE(short_line);
  CHECK(traces_error_of(short_line.error()).find("line 2: has 7 fields; the header has 11") !=
        std::string::npos);
  auto missing = parse_pai_pods("name,cpu_milli\np0,1\n");
  REQUIRE_FALSE(missing);
  CHECK(traces_error_of(missing.error()).find("no column 'memory_mib'") != std::string::npos);
  auto backwards = parse_pai_pods(header + "p0,1000,1024,1,1000,,LS,Running,50,10,50\n");
  REQUIRE_FALSE(backwards);
  CHECK(traces_error_of(backwards.error()) ==
        "PAI pod list line 2, column 'deletion_time': is before creation_time");
  auto negative = parse_pai_pods(header + "p0,1000,-1,1,1000,,LS,Running,0,10,0\n");
  REQUIRE_FALSE(negative);
  CHECK(traces_error_of(negative.error()).find("column 'memory_mib': is negative") !=
        std::string::npos);
  auto nodes = parse_pai_gpu_nodes("sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,two,G2\n");
  REQUIRE_FALSE(nodes);
  CHECK(traces_error_of(nodes.error()).find("line 2, column 'gpu'") != std::string::npos);
}

TEST_CASE("Philly: jobs parse and map onto the busiest Monday week", "[replay][traces]") {
  auto jobs = parse_philly(traces_fixture("philly_jobs.csv"));
  REQUIRE(jobs);
  REQUIRE(jobs->size() == 6);
  CHECK((*jobs)[1].gpus == 4);
  CHECK((*jobs)[1].runtime_s == Approx(514.0 * 60));
  PhillyMapping m;
  m.days = 7;
  const Workload w = to_workload(*jobs, m);
  // The week of Monday 2017-10-16 holds four jobs (all on Saturday the 21st).
  CHECK(weekday_of(m.window_start_s) == 0);
  CHECK(m.window_start_s == *parse_civil_time("2017-10-16 00:00:00"));
  CHECK(m.outside == 2);
  REQUIRE(w.jobs.size() == 4);
  const auto& a = w.jobs[0];
  CHECK(a.arrival_s == 5 * 86400 + 5 * 3600 + 47 * 60 + 3);
  CHECK(a.runtime_s == 30840);
  CHECK(a.job_class == JobClass::training);
  CHECK(a.spec.resources.cpus == 16);
  CHECK(a.spec.resources.memory_gb == 128.0);
  REQUIRE(a.spec.resources.accelerators);
  CHECK(a.spec.resources.accelerators->count == 4);
  for (const auto& j : w.jobs) {
    CHECK(j.spec.resources.walltime_s % 3600 == 0);
    CHECK(j.spec.resources.walltime_s >= j.runtime_s * 1.2);
    CHECK(j.spec.resources.walltime_s <= j.runtime_s * 2 + 3600);
    CHECK_FALSE(j.spec.expected_runtime_s);
  }
  // Over the whole span, the two jobs longer than 7 days are clipped to 7 days.
  PhillyMapping all;
  all.days = 366;
  const Workload whole = to_workload(*jobs, all);
  CHECK(all.clipped == 2);
  CHECK(whole.jobs.size() == 6);
  CHECK(whole.jobs[0].runtime_s == 7 * 86400);
  CHECK(whole.jobs[0].spec.resources.walltime_s == 7 * 86400);
}

TEST_CASE("Philly: GPU models follow the training base, large jobs avoid scarce models",
          "[replay][traces]") {
  std::map<std::string, int> n;
  for (int i = 0; i < 5000; ++i) ++n[philly_gpu_model("job" + std::to_string(i), 8)];
  CHECK(n["Ascend910B"] / 5000.0 == Approx(0.55).margin(0.03));
  CHECK(n["HygonDCU"] / 5000.0 == Approx(0.25).margin(0.03));
  CHECK(n["A800"] / 5000.0 == Approx(0.10).margin(0.02));
  CHECK(n["H100"] / 5000.0 == Approx(0.05).margin(0.02));
  for (int i = 0; i < 2000; ++i) {
    const auto m = philly_gpu_model("job" + std::to_string(i), 128);
    CHECK((m == "Ascend910B" || m == "HygonDCU"));
  }
  CHECK(philly_gpu_model("job7", 8) == philly_gpu_model("job7", 8));
}

TEST_CASE("Philly: malformed lines are errors naming the line and the column", "[replay][traces]") {
  const std::string header =
      "job_id,submit_time,num_gpus,runtime_min,first_start,last_end,n_attempts,queue_s\n";
  auto bad_time = parse_philly(header + "a,2017-10-21 05:47,4,514.0,x,y,1,0\n");
  REQUIRE_FALSE(bad_time);
  CHECK(traces_error_of(bad_time.error()).find("Philly job list line 2, column 'submit_time'") ==
        0);
  auto no_gpus = parse_philly(header + "a,2017-10-21 05:47:03,4,514.0,x,y,1,0\n" +
                              "b,2017-10-21 05:47:03,0,514.0,x,y,1,0\n");
  REQUIRE_FALSE(no_gpus);
  CHECK(traces_error_of(no_gpus.error()) ==
        "Philly job list line 3, column 'num_gpus': is not a GPU count in [1, 4096]");
  auto zero_runtime = parse_philly(header + "a,2017-10-21 05:47:03,4,0,x,y,1,0\n");
  REQUIRE_FALSE(zero_runtime);
  CHECK(traces_error_of(zero_runtime.error()).find("column 'runtime_min': is not positive") !=
        std::string::npos);
}

TEST_CASE("Helios: the weekly profile is the mean per 10-minute slot, normalised to mean 1",
          "[replay][traces]") {
  auto bins = parse_helios_throughput(traces_fixture("helios_throughput.csv"));
  REQUIRE(bins);
  REQUIRE(bins->size() == 4);
  CHECK((*bins)[0].gpu_jobs_submitted == 3);
  const WeekProfile p = helios_profile(*bins);
  double sum = 0;
  for (double x : p) sum += x;
  CHECK(sum == Approx(kWeekSlots));
  // Slot means: Monday 00:00 (5 + 7) / 2 = 6, Monday 14:00 1, Wednesday 00:00 3; total 10.
  CHECK(p[0] == Approx(6.0 * kWeekSlots / 10));
  CHECK(p[14 * 6] == Approx(1.0 * kWeekSlots / 10));
  CHECK(p[2 * 144] == Approx(3.0 * kWeekSlots / 10));
  CHECK(p[1] == 0);
  // Arrivals drawn from it land only in those slots, in proportion, seeded.
  const auto t = shape_arrivals(p, 3000, 7 * 86400.0, 42);
  REQUIRE(t.size() == 3000);
  CHECK(std::is_sorted(t.begin(), t.end()));
  CHECK(t == shape_arrivals(p, 3000, 7 * 86400.0, 42));
  CHECK(t != shape_arrivals(p, 3000, 7 * 86400.0, 43));
  int monday0 = 0, wednesday = 0, other = 0;
  for (double x : t) {
    const auto slot = static_cast<int>(x / 600);
    if (slot == 0) {
      ++monday0;
    } else if (slot == 2 * 144) {
      ++wednesday;
    } else if (slot != 14 * 6) {
      ++other;
    }
  }
  CHECK(other == 0);
  CHECK(monday0 / 3000.0 == Approx(0.6).margin(0.04));
  CHECK(wednesday / 3000.0 == Approx(0.3).margin(0.04));
}

TEST_CASE("Helios: malformed lines are errors naming the line and the column", "[replay][traces]") {
  const std::string header = "time,submit_gpu_job\n";
  auto off = parse_helios_throughput(header + "2020-04-01 00:05:00,3\n");
  REQUIRE_FALSE(off);
  CHECK(traces_error_of(off.error()) ==
        "Helios throughput line 2, column 'time': is not on a 10-minute boundary");
  auto negative =
      parse_helios_throughput(header + "2020-04-01 00:00:00,3\n2020-04-01 00:10:00,-2\n");
  REQUIRE_FALSE(negative);
  CHECK(traces_error_of(negative.error()) ==
        "Helios throughput line 3, column 'submit_gpu_job': is negative");
  auto month = parse_helios_throughput(header + "2020-13-01 00:00:00,3\n");
  REQUIRE_FALSE(month);
  CHECK(traces_error_of(month.error()).find("line 2, column 'time'") != std::string::npos);
}

TEST_CASE("Scaling: a trace replayed a factor of times over keeps its shape", "[replay][traces]") {
  Workload w;
  w.span_s = 86400;
  for (int i = 0; i < 400; ++i) {
    WorkloadJob j;
    j.id = "t" + std::to_string(i);
    j.arrival_s = i * 200.0;
    j.runtime_s = 100;
    j.spec.resources.cpus = 2;
    j.spec.submitter_region = "cn-csj-shanghai";
    w.jobs.push_back(j);
  }
  CHECK(offered_work(w).cpu_core_s == 400 * 2 * 100);
  CHECK(load_factor(200, 100) == 2);
  CHECK(load_factor(200, 0) == 1);
  const Workload same = scale_arrivals(w, 1.0, "x");
  REQUIRE(same.jobs.size() == 400);
  CHECK(same.jobs[7].arrival_s == w.jobs[7].arrival_s);
  const Workload more = scale_arrivals(w, 2.5, "x");
  CHECK(more.jobs.size() == Approx(1000).margin(40));
  std::set<std::string> ids, regions;
  for (const auto& j : more.jobs) {
    ids.insert(j.id);
    regions.insert(j.spec.submitter_region);
    CHECK(j.arrival_s < w.span_s);
  }
  CHECK(ids.size() == more.jobs.size());
  CHECK(regions.size() == 3);  // copies are other users, over the eastern hubs
  CHECK(std::is_sorted(more.jobs.begin(), more.jobs.end(),
                       [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; }));
  const Workload fewer = scale_arrivals(w, 0.25, "x");
  CHECK(fewer.jobs.size() == Approx(100).margin(30));
  CHECK(busiest_window({1, 2, 90000, 90001, 90002}, 86400, 86400, 0) == 86400);
  // Accelerator traces: the smaller of the accelerator and the CPU factor.
  const OfferedWork target{.cpu_core_s = 0, .accel_s = 1000, .accel_cpu_s = 4000};
  CHECK(accelerator_factor(target, {.cpu_core_s = 0, .accel_s = 100, .accel_cpu_s = 400}) == 10);
  CHECK(accelerator_factor(target, {.cpu_core_s = 0, .accel_s = 100, .accel_cpu_s = 800}) == 5);
  CHECK(accelerator_factor(target, {.cpu_core_s = 0, .accel_s = 0, .accel_cpu_s = 0}) == 1);
}

TEST_CASE("Composite: a seeded national week with every part, deterministic", "[replay][traces]") {
  auto swf = read_swf_file((std::filesystem::path(__FILE__).parent_path() / "sample.swf").string());
  REQUIRE(swf);
  auto philly = parse_philly(traces_fixture("philly_jobs.csv"));
  REQUIRE(philly);
  auto bins = parse_helios_throughput(traces_fixture("helios_throughput.csv"));
  REQUIRE(bins);
  CompositeParts parts;
  SwfMapping sm;
  parts.ctc = to_workload(*swf, sm);
  parts.kth = to_workload(*swf, sm);
  PaiMapping pm;
  pm.days = 366;
  parts.pai = to_workload(traces_pai_pods(), traces_pai_nodes(), pm);
  for (auto& j : parts.pai.jobs) j.arrival_s = std::fmod(j.arrival_s, 7 * 86400.0);
  PhillyMapping hm;
  parts.philly = to_workload(*philly, hm);
  parts.helios = helios_profile(*bins);
  const WorkloadOptions o{.days = 7, .seed = 1, .scale = 0.05};
  const TraceWeek a = composite_week(parts, o);
  const TraceWeek b = composite_week(parts, o);
  const Workload& w = a.workload;
  REQUIRE(w.jobs.size() == b.workload.jobs.size());
  for (std::size_t i = 0; i < w.jobs.size(); ++i) {
    CHECK(w.jobs[i].id == b.workload.jobs[i].id);
    CHECK(w.jobs[i].arrival_s == b.workload.jobs[i].arrival_s);
    CHECK(w.jobs[i].runtime_s == b.workload.jobs[i].runtime_s);
    CHECK(w.jobs[i].spec.submitter_region == b.workload.jobs[i].spec.submitter_region);
  }
  std::map<std::string, int> parts_seen;
  std::map<std::string, Workload> ai_part;
  for (const auto& j : w.jobs) {
    const std::string& n = j.spec.name;
    const std::string part = n.starts_with("pai-")      ? "pai"
                             : n.starts_with("philly-") ? "philly"
                             : n.starts_with("swf-")    ? "hpc"
                                                        : n;
    ++parts_seen[part];
    if (part == "pai" || part == "philly") {
      // AI arrivals come from the Helios profile: only its three non-empty slots.
      const auto slot = static_cast<int>(j.arrival_s / 600) % kWeekSlots;
      CHECK((slot == 0 || slot == 14 * 6 || slot == 2 * 144));
      ai_part[part].jobs.push_back(j);
    }
    CHECK(j.arrival_s >= 0);
    CHECK(j.arrival_s < w.span_s);
  }
  CHECK(parts_seen["sme_cpu"] > 0);
  CHECK(parts_seen["inference"] > 0);
  CHECK(parts_seen["data_heavy"] > 0);
  CHECK(parts_seen["training"] == 0);  // the generator's training is replaced by the traces'
  CHECK(parts_seen["hpc"] > 0);
  CHECK(parts_seen["pai"] > 0);
  CHECK(parts_seen["philly"] > 0);
  // Each AI part offers half the generator's training accelerator-seconds, or half its
  // accelerator jobs' CPU-seconds when that binds first (PAI's pods ask many CPUs per GPU).
  Workload training;
  for (const auto& j : generate_workload(o).jobs) {
    if (j.job_class == JobClass::training) training.jobs.push_back(j);
  }
  const OfferedWork gen = offered_work(training);
  for (const auto& [part, pw] : ai_part) {
    INFO(part);
    const OfferedWork got = offered_work(pw);
    const double binding =
        std::max(got.accel_s / (gen.accel_s / 2), got.accel_cpu_s / (gen.accel_cpu_s / 2));
    CHECK(binding == Approx(1.0).margin(0.3));
  }
  CHECK(w.source.find("composite seed=1") == 0);
  CHECK(a.notes.size() == 2);
  std::set<std::string> ids;
  for (const auto& j : w.jobs) ids.insert(j.id);
  CHECK(ids.size() == w.jobs.size());
  // Another seed, another week.
  const TraceWeek c = composite_week(parts, {.days = 7, .seed = 2, .scale = 0.05});
  CHECK(c.workload.jobs.size() != w.jobs.size());
}

TEST_CASE("Report: forecast errors are the mean and p90 of absolute errors", "[replay][traces]") {
  const auto e = forecast_error({10, 0, 30, 20, 40, 50, 60, 70, 80, 90});
  CHECK(e.jobs == 10);
  CHECK(e.mae_s == Approx(45));
  CHECK(e.p90_s == 80);
  CHECK(forecast_error({}).jobs == 0);
}
