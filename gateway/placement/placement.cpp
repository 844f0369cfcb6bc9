// The placement engine: filters, estimates and scoring (see placement.hpp for the formulas);
// the summary line and JSON are in explain.cpp.
#include "gateway/placement/placement.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "gateway/accounting/cost.hpp"
#include "gateway/placement/explain.hpp"

namespace suanwang::placement {
namespace {

constexpr double kGB = 1e9;

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

double transfer_seconds(const model::Network::Figures& l, int64_t bytes) {
  if (bytes <= 0) return 0;
  return l.rtt_ms / 1000.0 + static_cast<double>(bytes) * 8.0 / (l.bandwidth_gbps * 1e9);
}

// What the network means for the job at a site in a given region: the same for every site of
// that region, so computed once per region per decision.
struct RegionFigures {
  double transfer_in = 0;
  double egress_in = 0;
  int64_t cross_bytes = 0;  // input bytes crossing regions
  double transfer_out = 0;
  double out_link_egress_per_gb = 0;
  bool out_crosses = false;
  double rtt = 0;
  const model::Region* region = nullptr;  // with its grid figures; null when unknown
};

// Which pool holds the job. A site queues a job in one pool — the first that could ever hold
// it (the sim adapter's rule; slurm and local report the one partition they submit to) — so the
// job fits now only when that pool has room after holds, even if a later pool has free CPUs.
// pool is -1 when no pool could ever hold the job.
struct Fit {
  int pool = -1;
  bool now = false;
};

Fit fit(const model::SiteCapacity& cap, const std::vector<Held>& held, const model::Resources& r) {
  for (std::size_t i = 0; i < cap.pools.size(); ++i) {
    const auto& p = cap.pools[i];
    int acc_total = 0, acc_free = 0;
    if (r.accelerators) {
      auto it = p.accelerators.find(r.accelerators->model);
      if (it != p.accelerators.end()) {
        acc_total = it->second.total;
        acc_free = it->second.free;
      }
    }
    const bool wt_ok = p.max_walltime_s == 0 || p.max_walltime_s >= r.walltime_s;
    if (p.cpus_total < r.cpus || p.memory_gb_total < r.memory_gb || !wt_ok ||
        (r.accelerators && acc_total < r.accelerators->count)) {
      continue;
    }
    int cpus_free = p.cpus_free;
    double mem_free = p.memory_gb_free;
    if (i < held.size()) {
      const Held& h = held[i];
      cpus_free -= h.cpus;
      mem_free -= h.memory_gb;
      if (r.accelerators) {
        auto it = h.accelerators.find(r.accelerators->model);
        if (it != h.accelerators.end()) acc_free -= it->second;
      }
    }
    const bool now = cpus_free >= r.cpus && mem_free >= r.memory_gb &&
                     (!r.accelerators || acc_free >= r.accelerators->count);
    return {static_cast<int>(i), now};
  }
  return {};
}

// The queue ahead of a new job in one pool, when the site reports its queue per pool (the
// pools' counts add up to the site's) and something is queued. Such a pool starts jobs in order,
// so a job that fits its free resources still waits behind the queue.
struct PoolQueue {
  bool known = false;
  int jobs = 0;
  double work_core_s = 0;
  double wait_s = 0;  // the site's forecast for a small job appended now
};

PoolQueue pool_queue(const model::SiteCapacity& cap, std::size_t pool) {
  if (cap.queued_jobs <= 0) return {};
  int per_pool = 0;
  for (const auto& p : cap.pools) per_pool += p.queued_jobs;
  if (per_pool != cap.queued_jobs) return {};
  const auto& p = cap.pools[pool];
  return {true, p.queued_jobs, p.queued_work_core_s, p.est_queue_wait_s};
}

// The largest share of the pool's CPUs or of its accelerators of the job's model the job needs.
double pool_share(const model::PoolCapacity& pool, const model::Resources& r) {
  double share = pool.cpus_total > 0 ? static_cast<double>(r.cpus) / pool.cpus_total : 0.0;
  if (r.accelerators) {
    auto it = pool.accelerators.find(r.accelerators->model);
    if (it != pool.accelerators.end() && it->second.total > 0) {
      share = std::max(share, static_cast<double>(r.accelerators->count) / it->second.total);
    }
  }
  return std::min(share, 1.0);
}

// A feasible site's figures, before it is known whether it makes the ranked list.
struct Scored {
  std::size_t site = 0;  // index into the snapshot
  int pool = 0;
  bool fits_now = false;
  double compute = 0, egress = 0, total = 0;  // at the bound runtime
  int64_t bytes = 0;
  double transfer_in = 0, transfer_out = 0, queue = 0, start = 0, result = 0, rtt = 0;
  double energy_kwh = 0, co2_kg = 0;  // at the likely runtime
  PerCriterion raw{};  // by Criterion; normalised only for the candidates returned
  double score = 0;
};

// The one tie-break of every ordering (the ranking, the fastest site): the cheaper, then the
// sooner result, then the site id, so a decision never depends on the snapshot's order.
[[gnu::always_inline]] inline bool tie_break(const Scored& a, const Scored& b,
                                             const Snapshot& snap) {
  if (a.total != b.total) return a.total < b.total;
  if (a.result != b.result) return a.result < b.result;
  return snap.sites[a.site].site->id < snap.sites[b.site].site->id;
}

// Ranking order: the lower score first.
[[gnu::always_inline]] inline bool better(const Scored& a, const Scored& b, const Snapshot& snap) {
  if (a.score != b.score) return a.score < b.score;
  return tie_break(a, b, snap);
}

// The fastest site: the sooner result first.
[[gnu::always_inline]] inline bool sooner(const Scored& a, const Scored& b, const Snapshot& snap) {
  if (a.result != b.result) return a.result < b.result;
  return tie_break(a, b, snap);
}

// Region ids are short and differ near their ends ("cn-gz-guian", "cn-cy-chengdu"): hashing
// the length and the last eight bytes is enough to spread them, and cheaper per site than a
// full string hash. Equality still compares whole ids.
struct RegionHash {
  std::size_t operator()(std::string_view r) const noexcept {
    uint64_t tail = 0;
    const std::size_t n = std::min<std::size_t>(8, r.size());
    std::memcpy(&tail, r.data() + r.size() - n, n);
    return std::hash<uint64_t>{}(tail * 0x9E3779B97F4A7C15ull ^ r.size());
  }
};

struct Input {
  int64_t size = 0;
  std::vector<std::string> regions;
};

}  // namespace

bool is_transient(RejectCode c) {
  return c == RejectCode::offline || c == RejectCode::capacity_unknown ||
         c == RejectCode::capacity_stale || c == RejectCode::in_flight_cap ||
         c == RejectCode::draining;
}

bool Decision::may_clear() const {
  for (std::size_t k = 0; k < kRejectCodes; ++k) {
    if (rejected_by_code[k] > 0 && is_transient(static_cast<RejectCode>(k))) return true;
  }
  return false;
}

model::Weights weights_for(const model::Routing& routing, bool interactive) {
  model::Weights w;
  if (routing.weights) {
    w = *routing.weights;
  } else {
    switch (routing.policy) {
      case model::RoutingPolicy::cheapest:
        w = {1, 0, 0, 0, 0};
        break;
      case model::RoutingPolicy::fastest:
        w = {0, 1, 0, 0, 0};
        break;
      case model::RoutingPolicy::data_local:
        w = {0.2, 0.2, 0, 0.6, 0};
        break;
      case model::RoutingPolicy::greenest:
        w = {0.2, 0.45, 0, 0, 0.35};  // mostly carbon, not at any price (see placement.hpp)
        break;
      case model::RoutingPolicy::balanced:
      case model::RoutingPolicy::custom:  // custom always comes with weights
        w = {0.35, 0.45, 0.1, 0.1, 0};    // balanced: time a little over price (placement.hpp)
        break;
    }
    // A named policy weighs latency only when someone waits on the other end (placement.hpp).
    if (!interactive) w.latency = 0;
  }
  const double sum = w.price + w.time + w.latency + w.locality + w.green;
  if (sum > 0) {
    w = {w.price / sum, w.time / sum, w.latency / sum, w.locality / sum, w.green / sum};
  }
  return w;
}

namespace {

// ---- filters ---------------------------------------------------------------------------------

// What the filters read of the decision (the same for every site) and of one site, and what
// they work out for the estimates (the accelerator's price, the pool that holds the job). The
// decision's part is built once per decision; a site's part is a few words on the stack.
struct DecisionFacts {
  const Request& req;
  const Snapshot& snap;
  const model::JobSpec& job;
  bool moves_files = false;  // inputs of real files to stage, or outputs to collect
};
struct SiteCheck {
  const DecisionFacts& d;
  const SiteState& st;
  const model::Site& site;
  double accelerator_price = 0;
  Fit fit;
  RejectDetail detail;
};

// One row of the filter table: the code a site is rejected with, and the test it must pass.
// The table is a tuple of capture-free lambdas, so filter() below is one inlined sequence of
// tests (a table of function pointers cost a third more per decision: indirect calls).
template <class Pass>
struct FilterRow {
  RejectCode code;
  Pass pass;  // bool(SiteCheck&): true when the site passes
};

// The filters of a site, in order; the first that fails is the site's rejection. Everything
// from too_large on may clear by itself (is_transient) except too_large itself: a site passed
// every filter that waiting cannot change before it gets such a rejection, so a job refused
// only by these waits. A job too large for every pool of the latest report is too large
// whatever the site's status or the report's age.
constexpr auto kSiteFilters = std::tuple{
    FilterRow{RejectCode::blocked,
              [](SiteCheck& c) {
                return c.d.req.blocked_sites.empty() || !contains(c.d.req.blocked_sites, c.site.id);
              }},
    FilterRow{RejectCode::site_not_allowed,
              [](SiteCheck& c) {
                return c.d.job.constraints.sites.empty() ||
                       contains(c.d.job.constraints.sites, c.site.id);
              }},
    FilterRow{RejectCode::site_denied,
              [](SiteCheck& c) {
                return c.d.job.constraints.deny_sites.empty() ||
                       !contains(c.d.job.constraints.deny_sites, c.site.id);
              }},
    FilterRow{RejectCode::region_not_allowed,
              [](SiteCheck& c) {
                return c.d.job.constraints.regions.empty() ||
                       contains(c.d.job.constraints.regions, c.site.region);
              }},
    FilterRow{RejectCode::region_denied,
              [](SiteCheck& c) {
                return c.d.job.constraints.deny_regions.empty() ||
                       !contains(c.d.job.constraints.deny_regions, c.site.region);
              }},
    FilterRow{RejectCode::org_not_allowed,
              [](SiteCheck& c) {
                const auto& p = c.site.policy;
                return (p.allowed_orgs.empty() || contains(p.allowed_orgs, c.d.req.org_id)) &&
                       (p.denied_orgs.empty() || !contains(p.denied_orgs, c.d.req.org_id));
              }},
    FilterRow{RejectCode::no_images,
              [](SiteCheck& c) { return c.d.job.image.empty() || c.st.supports_images; }},
    FilterRow{RejectCode::no_staging,
              [](SiteCheck& c) { return !c.d.moves_files || c.st.supports_staging; }},
    FilterRow{
        RejectCode::walltime,
        [](SiteCheck& c) { return c.d.job.resources.walltime_s <= c.site.policy.max_walltime_s; }},
    FilterRow{RejectCode::no_accelerator_model,
              [](SiteCheck& c) {
                const auto& acc = c.d.job.resources.accelerators;
                if (!acc) return true;
                auto price = c.site.pricing.gpu_hour.find(acc->model);
                if (price == c.site.pricing.gpu_hour.end()) return false;
                c.accelerator_price = price->second;
                return true;
              }},
    FilterRow{RejectCode::too_large,
              [](SiteCheck& c) {
                c.fit = c.st.capacity ? fit(*c.st.capacity, c.st.held, c.d.job.resources) : Fit{};
                return !c.st.capacity || c.fit.pool >= 0;
              }},
    FilterRow{RejectCode::draining,
              [](SiteCheck& c) {
                return !c.site.drained && c.site.status != model::SiteStatus::draining;
              }},
    FilterRow{RejectCode::offline,
              [](SiteCheck& c) { return c.site.status != model::SiteStatus::offline; }},
    // A `checking` site has not reported to the aggregator yet: what its registration saw is
    // not trusted until it does, so it is treated as unreported.
    FilterRow{RejectCode::capacity_unknown,
              [](SiteCheck& c) {
                return c.st.capacity.has_value() && c.site.status != model::SiteStatus::checking;
              }},
    FilterRow{RejectCode::capacity_stale,
              [](SiteCheck& c) {
                if (c.st.capacity_age_s <= c.d.snap.capacity_stale_after_s) return true;
                c.detail = {.value = c.st.capacity_age_s};
                return false;
              }},
    FilterRow{RejectCode::in_flight_cap,
              [](SiteCheck& c) {
                if (c.st.in_flight < c.site.policy.max_in_flight) return true;
                c.detail = {.value = static_cast<double>(c.st.in_flight)};
                return false;
              }},
};

// Returned by filter() for a site that passes every filter.
constexpr auto kPasses = static_cast<RejectCode>(kRejectCodes);

[[gnu::always_inline]] inline RejectCode filter(SiteCheck& c) {
  RejectCode failed = kPasses;
  std::apply(
      [&](const auto&... row) {
        // Stops at the first row whose test fails, remembering its code.
        (void)((row.pass(c) || (failed = row.code, false)) && ...);
      },
      kSiteFilters);
  return failed;
}

// ---- estimates -------------------------------------------------------------------------------

// The job's two runtimes (see decide()).
struct Runtimes {
  int64_t bound = 0;   // prices the estimate and bounds deadlines
  int64_t likely = 0;  // times the run in the time to result
};

// Cost, bytes and transfers of the job at a site that passed the filters.
[[gnu::always_inline]] inline Scored estimate_cost(const SiteCheck& c, std::size_t index,
                                                   const RegionFigures& rf, const Runtimes& rt) {
  const model::Site& s = c.site;
  const auto& job = c.d.job;
  Scored sc;
  sc.site = index;
  sc.pool = c.fit.pool;
  sc.fits_now = c.fit.now;
  sc.compute = accounting::cost_at_rate_cny(
      s.pricing, accounting::hourly_rate_cny(s.pricing, job.resources, c.accelerator_price),
      rt.bound);
  sc.transfer_in = rf.transfer_in;
  sc.egress = rf.egress_in;
  sc.bytes = rf.cross_bytes;
  sc.transfer_out = rf.transfer_out;
  if (rf.out_crosses) {
    sc.bytes += job.outputs->size_bytes;
    sc.egress += static_cast<double>(job.outputs->size_bytes) / kGB *
                 (rf.out_link_egress_per_gb + s.pricing.egress_gb);
  }
  sc.rtt = rf.rtt;
  sc.total = sc.compute + sc.egress;
  return sc;
}

// How long the job waits for its pool at the site: the queue ahead of it, its share of the
// pool, or about one run of a job like itself when the pool is full.
[[gnu::always_inline]] inline double queue_wait(const model::SiteCapacity& cap, const Scored& sc,
                                                const model::Resources& res, double runtime) {
  const PoolQueue pq = pool_queue(cap, static_cast<std::size_t>(sc.pool));
  if (pq.known && pq.jobs > 0) {
    // Work queued ahead in the job's own pool: it starts no earlier than a small job appended
    // now (the site's forecast for that pool), else after the queued work has drained
    // through the pool.
    const auto& pool = cap.pools[static_cast<std::size_t>(sc.pool)];
    const double drain = pool.cpus_total > 0 ? pq.work_core_s / pool.cpus_total : 0.0;
    double queue = pq.wait_s > 0 ? pq.wait_s : drain;
    if (queue <= 0) queue = runtime;
    // The forecast is for a small job. Once the queue ahead has started, a job needing a
    // share of the pool also waits for that share to free: that share of the time the pool
    // takes to turn its work over — the queued work's drain time, and at least one run of a
    // job like this one. Small jobs are barely affected; a training job asking a quarter of
    // the pool's accelerators waits noticeably longer than a one-CPU job would (measured
    // against the sim's real starts in the replay: README).
    return queue + pool_share(pool, res) * std::max(drain, runtime);
  }
  if (sc.fits_now) return 0;
  if (pq.known) {
    // Its pool is full but has nothing queued (the queue is in another pool): about one run
    // of a job like itself for the pool to make room.
    return runtime;
  }
  // A site's estimate (and its queued work) is site-wide: the wait of a small job in its
  // best pool. When another pool has free CPUs, that figure describes the other pool, not
  // the job's full one; then the job waits for the queued work to drain through its own
  // pool, and at least about one run of a job like itself for the pool to make room.
  bool other_pool_free = false;
  for (std::size_t k = 0; k < cap.pools.size(); ++k) {
    other_pool_free =
        other_pool_free || (k != static_cast<std::size_t>(sc.pool) && cap.pools[k].cpus_free > 0);
  }
  if (other_pool_free) {
    const int pool_cpus = cap.pools[static_cast<std::size_t>(sc.pool)].cpus_total;
    return std::max(pool_cpus > 0 ? cap.queued_work_core_s / pool_cpus : 0.0, runtime);
  }
  double queue = cap.est_queue_wait_s > 0
                     ? cap.est_queue_wait_s
                     : (cap.cpus_total() > 0 ? cap.queued_work_core_s / cap.cpus_total() : 0);
  if (queue <= 0) queue = runtime;  // busy, nothing better known
  return queue;
}

// Queue, start and result times of a candidate whose cost is known; the queue wait corrected
// by what the jobs placed in its pool really waited, when `learnt` knows the pool.
[[gnu::always_inline]] inline void estimate_time(const model::SiteCapacity& cap,
                                                 const model::Resources& res, const Runtimes& rt,
                                                 const QueueModel* learnt,
                                                 const std::string& site_id, Scored& sc) {
  sc.queue = queue_wait(cap, sc, res, static_cast<double>(rt.likely));
  if (learnt != nullptr) {
    sc.queue =
        learnt->corrected(site_id, cap.pools[static_cast<std::size_t>(sc.pool)].name, sc.queue);
  }
  sc.start = std::max(sc.transfer_in, sc.queue);
  sc.result = sc.start + static_cast<double>(rt.likely) + sc.transfer_out;
}

}  // namespace

double reported_queue_wait_s(const Snapshot& snapshot, const Candidate& candidate,
                             const model::Resources& resources, int64_t runtime_s) {
  const SiteState& st = snapshot.sites.at(candidate.site_index);
  if (!st.capacity) return 0;
  const auto& pools = st.capacity->pools;
  Scored sc;
  sc.pool = -1;
  for (std::size_t k = 0; k < pools.size() && sc.pool < 0; ++k) {
    if (pools[k].name == candidate.pool) sc.pool = static_cast<int>(k);
  }
  if (sc.pool < 0) return 0;
  sc.fits_now = candidate.fits_free_now;
  return queue_wait(*st.capacity, sc, resources, static_cast<double>(runtime_s));
}

namespace {

// ---- scoring ---------------------------------------------------------------------------------

// Normalises each criterion across the candidates, weighs them, and keeps the best `keep` in
// order (one pass: most candidates lose to the current k-th best at the first comparison).
struct Ranking {
  std::vector<std::size_t> top;  // indices into the candidates, best first
  std::size_t fastest = 0;
  PerCriterion lo{}, span{};
  double normalized(const Scored& c, std::size_t k) const {
    return span[k] > 0 ? (c.raw[k] - lo[k]) / span[k] : 0.0;
  }
};

[[gnu::always_inline]] inline Ranking rank(std::vector<Scored>& scored,
                                           const PerCriterion& lo_in, const PerCriterion& hi,
                                           const model::Weights& weights, std::size_t keep,
                                           const Snapshot& snap) {
  // Locals, not the result's members, in the loop: a store to a candidate's score could alias
  // a member array of doubles and force it to be read again for every criterion.
  const PerCriterion lo = lo_in;
  const PerCriterion w = {weights.price, weights.time, weights.latency, weights.locality,
                          weights.green};
  // The span is at least the best value itself: candidates within a factor of two of the best
  // are told apart by their relative difference instead of being stretched over 0..1, so that
  // seconds of transfer on an hours-long job, or a few fen on a large bill, do not weigh like a
  // doubling. Wider spreads normalise min-max as before.
  PerCriterion span;
  for (std::size_t k = 0; k < kCriterionCount; ++k) span[k] = std::max(hi[k] - lo[k], lo[k]);
  std::vector<std::size_t> top;  // indices into scored, best first
  top.reserve(keep + 1);
  std::size_t fastest = 0;
  for (std::size_t i = 0; i < scored.size(); ++i) {
    Scored& c = scored[i];
    double score = 0;
    for (std::size_t k = 0; k < kCriterionCount; ++k) {
      if (w[k] == 0) continue;
      score += w[k] * (span[k] > 0 ? (c.raw[k] - lo[k]) / span[k] : 0.0);
    }
    c.score = score;
    if (sooner(c, scored[fastest], snap)) fastest = i;
    if (keep == 0) continue;
    if (top.size() == keep && !better(c, scored[top.back()], snap)) continue;
    auto at = std::upper_bound(top.begin(), top.end(), i, [&](std::size_t x, std::size_t y) {
      return better(scored[x], scored[y], snap);
    });
    top.insert(at, i);
    if (top.size() > keep) top.pop_back();
  }
  Ranking r;
  r.top = std::move(top);
  r.fastest = fastest;
  r.lo = lo;
  r.span = span;
  return r;
}

Candidate to_candidate(const Scored& c, const Ranking& r, const Snapshot& snap) {
  const SiteState& st = snap.sites[c.site];
  Candidate out;
  out.site_index = c.site;
  out.site_id = st.site->id;
  out.site_name = st.site->name;
  out.site_name_zh = st.site->name_zh;
  out.region = st.site->region;
  out.pool = st.capacity->pools[static_cast<std::size_t>(c.pool)].name;
  out.compute_cost_cny = c.compute;
  out.egress_cost_cny = c.egress;
  out.total_cost_cny = c.total;
  out.bytes_moved = c.bytes;
  out.transfer_in_s = c.transfer_in;
  out.transfer_out_s = c.transfer_out;
  out.queue_wait_s = c.queue;
  out.fits_free_now = c.fits_now;
  out.start_s = c.start;
  out.result_s = c.result;
  out.rtt_ms = c.rtt;
  out.energy_kwh = c.energy_kwh;
  out.co2_kg = c.co2_kg;
  out.raw = c.raw;
  for (std::size_t k = 0; k < kCriterionCount; ++k) out.normalized[k] = r.normalized(c, k);
  out.score = c.score;
  return out;
}

}  // namespace

Decision decide(const Request& req, const Snapshot& snap) {
  const model::JobSpec& job = *req.spec;
  const model::Network& net = *snap.network;
  Decision d;
  d.policy = model::routing_policy_name(job.routing.policy);
  d.weights = weights_for(job.routing, job.interactive);

  // Inputs resolved once: size and the regions holding a replica.
  std::vector<Input> inputs;
  inputs.reserve(job.inputs.size());
  for (const auto& in : job.inputs) {
    Input x;
    if (!in.dataset.empty()) {
      auto it = snap.datasets.find(in.dataset);
      if (it == snap.datasets.end()) continue;  // validated by the caller; skip defensively
      x.size = it->second->size_bytes;
      for (const auto& r : it->second->replicas) x.regions.push_back(r.region);
    } else {
      x.size = in.size_bytes;
      x.regions.push_back(in.region);
    }
    inputs.push_back(std::move(x));
  }

  const auto& con = job.constraints;
  // Two runtimes. The bound (expected_runtime_s, else the walltime a site enforces) prices the
  // estimate shown to the user, held against the budget and checked against max_price, and
  // decides deadlines: the bill and the result can really reach it, so a hold never falls
  // short. The price criterion ranks the same figure, so the ranking agrees with the prices
  // the decision shows; scoring the likely bill instead (egress then weighs as much more
  // against compute as users over-ask) was measured in the replay: no cheaper, 7-15% slower at
  // p95 (README). The likely runtime (expected_runtime_s, else the org's learnt prediction,
  // else the walltime) is what the time criterion uses: the run in the time to result and a
  // full pool's wait for a job like this one. Scoring the walltime there inflates every site's
  // time to result by the user's over-asking, which shrinks the share a queue has in it and so
  // under-weights queues (runtime_model.hpp).
  Runtimes rt;
  rt.bound = job.runtime_estimate_s();
  rt.likely = rt.bound;
  d.runtime_basis = job.expected_runtime_s ? "expected_runtime_s" : "walltime";
  if (!job.expected_runtime_s && req.predicted_runtime_s && *req.predicted_runtime_s > 0) {
    rt.likely = std::min(*req.predicted_runtime_s, rt.bound);
    d.runtime_basis = "predicted";
  }
  d.runtime_s = rt.likely;
  std::vector<Scored> scored;
  scored.reserve(snap.sites.size());
  PerCriterion lo, hi;  // of each criterion over the feasible sites
  lo.fill(std::numeric_limits<double>::max());
  hi.fill(std::numeric_limits<double>::lowest());

  std::unordered_map<std::string_view, RegionFigures, RegionHash> by_region;
  by_region.reserve(64);
  auto region_figures = [&](const std::string& region) -> const RegionFigures& {
    if (auto it = by_region.find(region); it != by_region.end()) return it->second;
    RegionFigures rf;
    for (const auto& in : inputs) {
      if (in.regions.empty()) continue;
      // The replica that arrives soonest.
      double best_t = std::numeric_limits<double>::max();
      model::Network::Figures best;
      for (const auto& r : in.regions) {
        const auto l = net.figures(r, region);
        const double t = transfer_seconds(l, in.size);
        if (t < best_t) {
          best_t = t;
          best = l;
        }
      }
      if (!best.same_region) {
        rf.cross_bytes += in.size;
        rf.egress_in += static_cast<double>(in.size) / kGB * best.egress_cny_per_gb;
      }
      rf.transfer_in = std::max(rf.transfer_in, best_t);  // inputs move in parallel
    }
    if (job.outputs && job.outputs->size_bytes > 0 && !job.outputs->region.empty()) {
      const auto l = net.figures(region, job.outputs->region);
      rf.transfer_out = transfer_seconds(l, job.outputs->size_bytes);
      rf.out_crosses = !l.same_region;
      rf.out_link_egress_per_gb = l.egress_cny_per_gb;
    }
    rf.rtt = job.submitter_region.empty() ? 0 : net.figures(job.submitter_region, region).rtt_ms;
    if (snap.regions) {
      for (const auto& r : *snap.regions) {
        if (r.id == region) rf.region = &r;
      }
    }
    return by_region.emplace(std::string_view(region), rf).first->second;
  };

  auto reject = [&](std::size_t i, RejectCode code, const RejectDetail& detail) {
    ++d.rejected_by_code[static_cast<std::size_t>(code)];
    ++d.rejected_sites;
    if (d.rejected.size() < req.max_rejections_listed) {
      const model::Site& s = *snap.sites[i].site;
      auto text = rejection_text(code, s, job, detail);
      std::string english = i18n::render(text, i18n::Lang::en);
      d.rejected.push_back({s.id, s.name, s.name_zh, code, std::move(english), std::move(text)});
    }
  };

  bool moves_files = job.outputs && !job.outputs->paths.empty();
  for (const auto& in : job.inputs) {
    if (in.dataset.empty()) continue;
    auto it = snap.datasets.find(in.dataset);
    moves_files = moves_files ||
                  (it != snap.datasets.end() && it->second->kind == model::DatasetKind::files);
  }
  const DecisionFacts facts_in{req, snap, job, moves_files};
  for (std::size_t i = 0; i < snap.sites.size(); ++i) {
    const SiteState& st = snap.sites[i];
    SiteCheck check{facts_in, st, *st.site};
    if (const RejectCode code = filter(check); code != kPasses) {
      reject(i, code, check.detail);
      continue;
    }
    const RegionFigures& rf = region_figures(st.site->region);
    Scored c = estimate_cost(check, i, rf, rt);
    // The price filters, once the price is known.
    if (con.max_price_cny && c.total > *con.max_price_cny) {
      reject(i, RejectCode::over_max_price, {.value = c.total, .limit = *con.max_price_cny});
      continue;
    }
    if (req.budget_remaining_cny && c.total > *req.budget_remaining_cny) {
      if (!d.cheapest_over_budget_cny || c.total < *d.cheapest_over_budget_cny) {
        d.cheapest_over_budget_cny = c.total;
      }
      reject(i, RejectCode::over_budget, {.value = c.total, .limit = *req.budget_remaining_cny});
      continue;
    }
    estimate_time(*st.capacity, job.resources, rt, req.queue_model, st.site->id, c);
    // The deadline filter, once the time is known: the result at the bound runtime.
    const double latest = c.result + static_cast<double>(rt.bound - rt.likely);
    if (con.deadline &&
        snap.now + std::chrono::milliseconds(static_cast<int64_t>(latest * 1000)) > *con.deadline) {
      reject(i, RejectCode::deadline, {.value = latest});
      continue;
    }
    const model::Energy energy = model::estimate_energy(
        model::power_model(st.site->energy, rf.region), job.resources,
        static_cast<double>(rt.likely));
    c.energy_kwh = energy.kwh;
    c.co2_kg = energy.co2_kg;
    c.raw = {c.total, c.result, c.rtt, static_cast<double>(rf.cross_bytes), c.co2_kg};
    for (std::size_t k = 0; k < kCriterionCount; ++k) {
      lo[k] = std::min(lo[k], c.raw[k]);
      hi[k] = std::max(hi[k], c.raw[k]);
    }
    scored.push_back(c);
  }
  d.feasible_sites = scored.size();

  const std::size_t keep = std::min(req.max_ranked, scored.size());
  const Ranking ranking = rank(scored, lo, hi, d.weights, keep, snap);
  ExplainFacts facts;
  if (!scored.empty()) {
    const std::size_t best = ranking.top.empty() ? ranking.fastest : ranking.top.front();
    facts.fastest_is_best = scored[ranking.fastest].site == scored[best].site;
    facts.fastest_cost_cny = scored[ranking.fastest].total;
  }
  d.ranked.reserve(keep);
  for (std::size_t r = 0; r < keep; ++r) {
    d.ranked.push_back(to_candidate(scored[ranking.top[r]], ranking, snap));
  }
  d.summary_parts = summary_parts(d, facts);
  d.summary = i18n::render(d.summary_parts, i18n::Lang::en);
  return d;
}

void hold_in_snapshot(Snapshot& snapshot, std::size_t site_index, const std::string& pool,
                      const model::Resources& resources) {
  SiteState& st = snapshot.sites.at(site_index);
  if (!st.capacity) return;
  const auto& pools = st.capacity->pools;
  if (st.held.size() != pools.size()) st.held.resize(pools.size());
  for (std::size_t i = 0; i < pools.size(); ++i) {
    if (pools[i].name != pool) continue;
    Held& h = st.held[i];
    h.cpus += resources.cpus;
    h.memory_gb += resources.memory_gb;
    if (resources.accelerators)
      h.accelerators[resources.accelerators->model] += resources.accelerators->count;
    ++h.jobs;
    return;
  }
}

}  // namespace suanwang::placement
