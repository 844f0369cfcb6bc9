// Policies a replay compares, in one explicit table: the engine's own routing policies
// (balanced, cheapest, fastest, data-local, greenest — placed by runtime::Planner exactly as live jobs are)
// and five baselines modelled on how other systems place work. A baseline picks one site among
// the engine's feasible candidates (so every policy obeys the same filters: residency, models,
// walltime, in-flight caps) and the job is then placed there through the same Planner (pinned
// with constraints.sites), so holds and failover are the engine's for every policy.
//
//   random       a uniformly random feasible site (seeded).
//   round-robin  the next feasible site after the previous pick, in site-id order.
//   cheapest-failover  SkyPilot's way: the cheapest site (compute + egress) whose reported free
//                capacity holds the job now (Candidate::fits_free_now: its pool's free resources
//                less the gateway's holds); when none does, the cheapest site (where the job
//                queues). SkyPilot fails over when provisioning finds no free capacity; it reads
//                no scheduler's queue forecast, so a pool with free resources but jobs queued
//                ahead in order counts as "can start now", as it did before the engine's
//                estimate learned per-pool queues.
//   least-loaded Karmada's way (dynamic weight by available replicas): the site where the most
//                copies of the job would fit in its reported free capacity, less what the gateway
//                has placed there since that report; ties to the lower utilisation.
//   first-start  Slurm federation's way (sibling jobs, the first cluster to start one wins): the
//                site with the earliest estimated start (Candidate::queue_wait_s, the engine's
//                best estimate, per-pool queues included: sibling jobs really do start wherever
//                a cluster's scheduler starts one first); ties (several can start now) go to the
//                site nearest the submitter, as the origin cluster schedules first.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/placement/placement.hpp"

namespace suanwang::replay {

enum class PolicyKind { engine, random, round_robin, cheapest_failover, least_loaded, first_start };

struct PolicySpec {
  std::string_view name;
  PolicyKind kind = PolicyKind::engine;
  std::string_view routing;  // the engine policy for kind == engine
  std::string_view summary;
};

// The table, engine policies first; `balanced` is the first entry.
const std::vector<PolicySpec>& policy_table();
const PolicySpec* find_policy(std::string_view name);

// What least-loaded needs of a site, from its capacity report and the holds on it.
struct SiteLoad {
  double available_replicas = 0;  // copies of the job that fit in free capacity now
  double utilisation = 0;         // 0..1, busy share of the job's bottleneck resource
};

class BaselineChooser {
 public:
  explicit BaselineChooser(uint64_t seed) : rng_(seed) {}
  // The candidate of `quote` the baseline picks; nullptr when none is feasible. `sites_by_id`
  // is every site id in order (round-robin's cycle); `load` answers for a candidate's site.
  const placement::Candidate* choose(PolicyKind kind, const placement::Decision& quote,
                                     const std::vector<std::string>& sites_by_id,
                                     const std::function<SiteLoad(const std::string&)>& load);

 private:
  std::mt19937_64 rng_;
  std::size_t next_ = 0;  // round-robin position in sites_by_id
};

}  // namespace suanwang::replay
