// SiteCapacity: the gateway's own view of what a site reported (mapped from the adapter's
// Capacity in federation/), summed over pools, with the time it was observed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/json.hpp"

namespace suanwang::model {

struct AcceleratorCapacity {
  int total = 0;
  int free = 0;
};

struct PoolCapacity {
  std::string name;
  int cpus_total = 0;
  int cpus_free = 0;
  double memory_gb_total = 0;
  double memory_gb_free = 0;
  std::map<std::string, AcceleratorCapacity> accelerators;
  int64_t max_walltime_s = 0;  // 0 = none known
  // The pool's own queue when the site reports it per pool (adapters::PoolCapacity), else 0.
  int queued_jobs = 0;
  double queued_work_core_s = 0;
  double est_queue_wait_s = 0;
};

struct SiteCapacity {
  std::vector<PoolCapacity> pools;
  int running_jobs = 0;
  int queued_jobs = 0;
  double queued_work_core_s = 0;
  double est_queue_wait_s = 0;
  TimePoint observed_at{};

  // Sums over pools.
  int cpus_total() const;
  int cpus_free() const;
  double memory_gb_total() const;
  double memory_gb_free() const;
  std::map<std::string, AcceleratorCapacity> accelerators() const;
};

// Totals of one or more sites' capacity, as the capacity endpoint shows them.
struct CapacityTotals {
  int sites = 0;
  int cpus_total = 0;
  int cpus_free = 0;
  double memory_gb_total = 0;
  double memory_gb_free = 0;
  std::map<std::string, AcceleratorCapacity> accelerators;
  int running_jobs = 0;
  int queued_jobs = 0;

  void add(const SiteCapacity& c);
};

Json to_json(const CapacityTotals& t);
Json to_json(const PoolCapacity& p);

}  // namespace suanwang::model
