// The replay's policy table and the baselines' choices (see policies.hpp).
#include "tools/replay/policies.hpp"

#include <algorithm>

namespace suanwang::replay {

const std::vector<PolicySpec>& policy_table() {
  static const std::vector<PolicySpec> k = {
      {"balanced", PolicyKind::engine, "balanced", "the engine, balanced weights"},
      {"cheapest", PolicyKind::engine, "cheapest", "the engine, price only"},
      {"fastest", PolicyKind::engine, "fastest", "the engine, time to result only"},
      {"data-local", PolicyKind::engine, "data-local", "the engine, data-local weights"},
      {"greenest", PolicyKind::engine, "greenest", "the engine, mostly carbon"},
      {"random", PolicyKind::random, "", "a random feasible site"},
      {"round-robin", PolicyKind::round_robin, "", "feasible sites in turn"},
      {"cheapest-failover", PolicyKind::cheapest_failover, "",
       "SkyPilot: cheapest with free capacity now, else cheapest"},
      {"least-loaded", PolicyKind::least_loaded, "", "Karmada: most available replicas"},
      {"first-start", PolicyKind::first_start, "",
       "Slurm federation: earliest estimated start, nearest"},
  };
  return k;
}

const PolicySpec* find_policy(std::string_view name) {
  for (const auto& p : policy_table()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const placement::Candidate* BaselineChooser::choose(
    PolicyKind kind, const placement::Decision& quote, const std::vector<std::string>& sites_by_id,
    const std::function<SiteLoad(const std::string&)>& load) {
  const auto& c = quote.ranked;
  if (c.empty()) return nullptr;
  auto by_id = [](const placement::Candidate* a, const placement::Candidate* b) {
    return a->site_id < b->site_id;
  };
  const placement::Candidate* best = nullptr;
  switch (kind) {
    case PolicyKind::engine:
      return &c.front();
    case PolicyKind::random: {
      const auto i = static_cast<std::size_t>((rng_() >> 11) % c.size());
      return &c[i];
    }
    case PolicyKind::round_robin: {
      const std::size_t n = sites_by_id.size();
      for (std::size_t k = 0; k < n; ++k) {
        const std::string& id = sites_by_id[(next_ + k) % n];
        for (const auto& x : c) {
          if (x.site_id == id) {
            next_ = (next_ + k + 1) % n;
            return &x;
          }
        }
      }
      return &c.front();
    }
    case PolicyKind::cheapest_failover: {
      const placement::Candidate* now = nullptr;
      for (const auto& x : c) {
        auto cheaper = [&](const placement::Candidate* b) {
          return b == nullptr || x.total_cost_cny < b->total_cost_cny ||
                 (x.total_cost_cny == b->total_cost_cny && by_id(&x, b));
        };
        if (cheaper(best)) best = &x;
        // What SkyPilot sees: whether provisioning finds free capacity, not a scheduler's
        // queue forecast (so not queue_wait_s, which also counts a pool's queue).
        if (x.fits_free_now && cheaper(now)) now = &x;
      }
      return now != nullptr ? now : best;
    }
    case PolicyKind::least_loaded: {
      SiteLoad best_load;
      for (const auto& x : c) {
        const SiteLoad l = load(x.site_id);
        if (best == nullptr || l.available_replicas > best_load.available_replicas ||
            (l.available_replicas == best_load.available_replicas &&
             (l.utilisation < best_load.utilisation ||
              (l.utilisation == best_load.utilisation && by_id(&x, best))))) {
          best = &x;
          best_load = l;
        }
      }
      return best;
    }
    case PolicyKind::first_start: {
      for (const auto& x : c) {
        if (best == nullptr || x.queue_wait_s < best->queue_wait_s ||
            (x.queue_wait_s == best->queue_wait_s &&
             (x.rtt_ms < best->rtt_ms || (x.rtt_ms == best->rtt_ms && by_id(&x, best))))) {
          best = &x;
        }
      }
      return best;
    }
  }
  return &c.front();
}

}  // namespace suanwang::replay
