// The workload generator (distributions documented in workload.hpp).
#include "tools/replay/workload.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <utility>

namespace suanwang::replay {
namespace {

constexpr double kHour = 3600;
constexpr double kDay = 24 * kHour;
constexpr int64_t kGB = 1'000'000'000;
constexpr int64_t kMB = 1'000'000;

const std::string kShanghai = "cn-csj-shanghai";
const std::string kShaoguan = "cn-gba-shaoguan";
const std::string kZhangjiakou = "cn-jjj-zhangjiakou";
const std::string kZhengzhou = "cn-hn-zhengzhou";
const std::string kChengdu = "cn-cy-chengdu";
const std::string kChongqing = "cn-cy-chongqing";
const std::string kGuian = "cn-gz-guian";
const std::string kHelingeer = "cn-nm-helingeer";
const std::string kQingyang = "cn-gs-qingyang";
const std::string kZhongwei = "cn-nx-zhongwei";

// Portable draws: the same numbers for a seed on every platform (std distributions are not).
class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed) {}
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double exponential(double rate) { return -std::log(1.0 - uniform()) / rate; }
  double normal() {
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double lognormal(double median, double sigma, double lo, double hi) {
    return std::clamp(median * std::exp(sigma * normal()), lo, hi);
  }
  template <class T, std::size_t N>
  const T& weighted(const std::array<std::pair<T, double>, N>& items) {
    double total = 0;
    for (const auto& [v, w] : items) total += w;
    double x = uniform() * total;
    for (const auto& [v, w] : items) {
      if (x < w) return v;
      x -= w;
    }
    return items.back().first;
  }
  bool chance(double p) { return uniform() < p; }

 private:
  std::mt19937_64 rng_;
};

// Time-of-day factor (t in seconds since Monday 00:00 CST).
double diurnal(double t) {
  const int day = static_cast<int>(t / kDay) % 7;
  const double h = std::fmod(t, kDay) / kHour;
  double f = h < 7    ? 0.15
             : h < 9  ? 0.5
             : h < 12 ? 1.0
             : h < 14 ? 0.7
             : h < 18 ? 1.0
             : h < 21 ? 0.5
                      : 0.3;
  if (day >= 5) f *= 0.35;
  return f;
}

struct Burst {
  double start = 0, end = 0;
};

struct ClassModel {
  JobClass cls;
  double peak_per_hour;
  bool flat;    // training: 0.5 + 0.5 x diurnal
  bool bursts;  // tripled during bursts
};

int64_t round_up(double s, int64_t step) {
  return (static_cast<int64_t>(std::ceil(s)) + step - 1) / step * step;
}

const std::string& east_submitter(Draw& d) {
  static const std::array<std::pair<std::string, double>, 3> k = {
      {{kShanghai, 45}, {kShaoguan, 30}, {kZhangjiakou, 25}}};
  return d.weighted(k);
}

const std::string& any_submitter(Draw& d) {
  static const std::array<std::pair<std::string, double>, 10> k = {{{kShanghai, 25},
                                                                    {kShaoguan, 20},
                                                                    {kZhangjiakou, 15},
                                                                    {kZhengzhou, 10},
                                                                    {kChengdu, 8},
                                                                    {kChongqing, 7},
                                                                    {kGuian, 5},
                                                                    {kHelingeer, 4},
                                                                    {kQingyang, 3},
                                                                    {kZhongwei, 3}}};
  return d.weighted(k);
}

std::vector<model::Dataset> catalogue(Draw& d, std::vector<bool>& resident) {
  static const std::array<std::pair<std::string, double>, 8> origin = {{{kShanghai, 25},
                                                                        {kShaoguan, 20},
                                                                        {kZhangjiakou, 15},
                                                                        {kZhengzhou, 10},
                                                                        {kGuian, 10},
                                                                        {kChengdu, 10},
                                                                        {kHelingeer, 5},
                                                                        {kQingyang, 5}}};
  static const std::array<std::pair<std::string, double>, 5> west = {
      {{kGuian, 30}, {kHelingeer, 20}, {kQingyang, 20}, {kZhongwei, 15}, {kChengdu, 15}}};
  std::vector<model::Dataset> out;
  for (int i = 0; i < 40; ++i) {
    model::Dataset ds;
    char id[16];
    std::snprintf(id, sizeof id, "ds_%02d", i);
    ds.id = id;
    ds.org_id = "org_replay";
    ds.name = "dataset " + std::to_string(i);
    ds.size_bytes = static_cast<int64_t>(d.lognormal(300, 1.0, 20, 5000) * kGB);
    ds.replicas.push_back({d.weighted(origin), ""});
    if (d.chance(0.3)) {
      const std::string& w = d.weighted(west);
      if (w != ds.replicas.front().region) ds.replicas.push_back({w, ""});
    }
    resident.push_back(d.chance(0.25));
    out.push_back(std::move(ds));
  }
  return out;
}

void residency_from(const model::Dataset& ds, model::JobSpec& spec) {
  for (const auto& r : ds.replicas) {
    if (std::find(spec.constraints.regions.begin(), spec.constraints.regions.end(), r.region) ==
        spec.constraints.regions.end()) {
      spec.constraints.regions.push_back(r.region);
    }
  }
}

void sme_cpu(Draw& d, WorkloadJob& j) {
  static const std::array<std::pair<int, double>, 7> cpus = {
      {{1, 10}, {2, 10}, {4, 20}, {8, 20}, {16, 20}, {32, 12}, {64, 8}}};
  auto& s = j.spec;
  s.submitter_region = east_submitter(d);
  s.resources.cpus = d.weighted(cpus);
  s.resources.memory_gb = std::round(s.resources.cpus * d.uniform(2, 8));
  j.runtime_s = static_cast<int64_t>(d.lognormal(45 * 60, 1.1, 60, 12 * kHour));
  s.resources.walltime_s = round_up(static_cast<double>(j.runtime_s) * d.uniform(1.5, 4), 600);
  if (d.chance(0.6)) {
    const auto size = static_cast<int64_t>(d.lognormal(2.0 * kGB, 1.2, 10.0 * kMB, 200.0 * kGB));
    s.inputs.push_back({"", size, s.submitter_region});
    if (d.chance(0.5)) s.outputs = model::OutputSpec{s.submitter_region, size / 10, {}};
  }
  if (d.chance(0.08)) s.constraints.regions = {s.submitter_region};
}

void training(Draw& d, WorkloadJob& j, const std::vector<model::Dataset>& data) {
  static const std::array<std::pair<std::string, double>, 5> models = {
      {{"Ascend910B", 55}, {"HygonDCU", 25}, {"A800", 10}, {"H100", 5}, {"H20", 5}}};
  static const std::array<std::pair<int, double>, 7> counts = {
      {{8, 35}, {16, 25}, {32, 15}, {64, 12}, {128, 8}, {256, 4}, {512, 1}}};
  auto& s = j.spec;
  s.submitter_region = d.chance(0.6) ? east_submitter(d) : any_submitter(d);
  const std::string& m = d.weighted(models);
  int n = d.weighted(counts);
  if (m == "H100") n = std::min(n, 32);
  if (m == "A800" || m == "H20") n = std::min(n, 64);
  s.resources.accelerators = model::AcceleratorNeed{m, n};
  s.resources.cpus = 4 * n;
  s.resources.memory_gb = 32.0 * n;
  j.runtime_s = static_cast<int64_t>(d.lognormal(3 * kHour, 0.9, 20 * 60, 48 * kHour));
  s.resources.walltime_s = round_up(static_cast<double>(j.runtime_s) * d.uniform(1.2, 2), 3600);
  s.expected_runtime_s =
      static_cast<int64_t>(static_cast<double>(j.runtime_s) * d.uniform(0.8, 1.25));
  if (d.chance(0.7) && !data.empty()) {  // drawn first either way: the same stream for a seed
    const auto& ds = data[static_cast<std::size_t>(d.uniform() * static_cast<double>(data.size()))];
    s.inputs.push_back({ds.id, 0, ""});
  } else {
    s.inputs.push_back({"", static_cast<int64_t>(d.uniform(50, 500) * kGB), s.submitter_region});
  }
  s.outputs = model::OutputSpec{s.submitter_region, static_cast<int64_t>(d.uniform(5, 100) * kGB), {}};
}

void inference(Draw& d, WorkloadJob& j) {
  static const std::array<std::pair<std::string, double>, 4> models = {
      {{"H20", 35}, {"Ascend910B", 30}, {"A800", 20}, {"RTX4090", 15}}};
  static const std::array<std::pair<int, double>, 4> counts = {
      {{1, 50}, {2, 20}, {4, 20}, {8, 10}}};
  auto& s = j.spec;
  s.submitter_region = east_submitter(d);
  s.interactive = true;  // latency-sensitive: someone waits on the answers
  const int n = d.weighted(counts);
  s.resources.accelerators = model::AcceleratorNeed{d.weighted(models), n};
  s.resources.cpus = 4 * n;
  s.resources.memory_gb = 32.0 * n;
  j.runtime_s = static_cast<int64_t>(d.lognormal(8 * 60, 0.8, 60, 2 * kHour));
  s.resources.walltime_s = 2 * 3600;
  if (d.chance(0.5)) {
    const auto size = static_cast<int64_t>(d.lognormal(15.0 * kGB, 0.7, 2.0 * kGB, 60.0 * kGB));
    s.inputs.push_back({"", size, s.submitter_region});
  }
  s.outputs = model::OutputSpec{s.submitter_region, 100 * kMB, {}};
}

void data_heavy(Draw& d, WorkloadJob& j, const std::vector<model::Dataset>& data,
                const std::vector<bool>& resident) {
  static const std::array<std::pair<int, double>, 4> cpus = {
      {{16, 30}, {32, 30}, {64, 25}, {128, 15}}};
  auto& s = j.spec;
  s.submitter_region = any_submitter(d);
  s.resources.cpus = d.weighted(cpus);
  s.resources.memory_gb = 4.0 * s.resources.cpus;
  j.runtime_s = static_cast<int64_t>(d.lognormal(90 * 60, 0.8, 10 * 60, 24 * kHour));
  s.resources.walltime_s = round_up(static_cast<double>(j.runtime_s) * d.uniform(1.5, 3), 600);
  const int n = d.chance(0.2) ? 2 : 1;
  int64_t in_bytes = 0;
  for (int k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(d.uniform() * static_cast<double>(data.size()));
    if (!s.inputs.empty() && s.inputs.front().dataset == data[i].id) continue;
    s.inputs.push_back({data[i].id, 0, ""});
    in_bytes += data[i].size_bytes;
    if (resident[i]) residency_from(data[i], s);
  }
  s.outputs = model::OutputSpec{
      s.submitter_region,
      static_cast<int64_t>(static_cast<double>(in_bytes) * d.uniform(0.01, 0.05))};
}

}  // namespace

const char* job_class_name(JobClass c) {
  switch (c) {
    case JobClass::sme_cpu:
      return "sme_cpu";
    case JobClass::training:
      return "training";
    case JobClass::inference:
      return "inference";
    case JobClass::data_heavy:
      return "data_heavy";
    case JobClass::trace:
      return "trace";
  }
  return "trace";
}

WorkloadJob draw_job(JobClass c, uint64_t seed) {
  Draw d(seed);
  WorkloadJob j;
  j.job_class = c;
  j.spec.command = "run";
  j.spec.name = job_class_name(c);
  switch (c) {
    case JobClass::sme_cpu:
      sme_cpu(d, j);
      break;
    case JobClass::training:
      training(d, j, {});
      break;
    case JobClass::inference:
      inference(d, j);
      break;
    case JobClass::data_heavy:
    case JobClass::trace:
      assert(false && "draw_job: sme_cpu, training or inference only");
      break;
  }
  return j;
}

const std::vector<std::string>& hub_regions() {
  static const std::vector<std::string> k = {kZhangjiakou, kShanghai, kShaoguan,  kChengdu,
                                             kChongqing,   kGuian,    kHelingeer, kQingyang,
                                             kZhongwei,    kZhengzhou};
  return k;
}

Workload generate_workload(const WorkloadOptions& o) {
  Draw d(o.seed);
  Workload w;
  w.span_s = o.days * kDay;
  char src[96];
  std::snprintf(src, sizeof src, "generator seed=%llu days=%d scale=%g",
                static_cast<unsigned long long>(o.seed), o.days, o.scale);
  w.source = src;
  std::vector<bool> resident;
  w.datasets = catalogue(d, resident);

  std::vector<Burst> bursts;
  for (int day = 0; day < o.days; ++day) {
    if (day % 7 >= 5) continue;
    for (int k = 0; k < 2; ++k) {
      const double start = day * kDay + d.uniform(9, 17) * kHour;
      bursts.push_back({start, start + 0.75 * kHour});
    }
  }
  auto in_burst = [&](double t) {
    return std::any_of(bursts.begin(), bursts.end(),
                       [&](const Burst& b) { return t >= b.start && t < b.end; });
  };

  const std::array<ClassModel, 4> classes = {{{JobClass::sme_cpu, 1400, false, true},
                                              {JobClass::training, 14, true, false},
                                              {JobClass::inference, 250, false, true},
                                              {JobClass::data_heavy, 40, false, false}}};
  for (const auto& c : classes) {
    const double peak = c.peak_per_hour * o.scale / kHour;  // per second
    if (peak <= 0) continue;
    const double max_rate = peak * (c.bursts ? 3.0 : 1.0);
    // Each class draws from its own stream so that changing one class leaves the others alone.
    Draw arrivals(o.seed * 1000003 + static_cast<uint64_t>(c.cls) + 1);
    Draw sizes(o.seed * 7919 + static_cast<uint64_t>(c.cls) + 17);
    for (double t = arrivals.exponential(max_rate); t < w.span_s;
         t += arrivals.exponential(max_rate)) {
      double f = diurnal(t);
      if (c.flat) f = 0.5 + 0.5 * f;
      if (c.bursts && in_burst(t)) f *= 3.0;
      if (arrivals.uniform() * max_rate >= peak * f) continue;
      WorkloadJob j;
      j.job_class = c.cls;
      j.arrival_s = t;
      j.spec.command = "run";
      j.spec.name = job_class_name(c.cls);
      switch (c.cls) {
        case JobClass::sme_cpu:
          sme_cpu(sizes, j);
          break;
        case JobClass::training:
          training(sizes, j, w.datasets);
          break;
        case JobClass::inference:
          inference(sizes, j);
          break;
        case JobClass::data_heavy:
          data_heavy(sizes, j, w.datasets, resident);
          break;
        case JobClass::trace:
          break;
      }
      w.jobs.push_back(std::move(j));
    }
  }
  std::stable_sort(w.jobs.begin(), w.jobs.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  for (std::size_t i = 0; i < w.jobs.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "job_%07zu", i);
    w.jobs[i].id = id;
  }
  return w;
}

}  // namespace suanwang::replay
