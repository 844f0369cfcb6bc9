// Placement: for one job over every site, filter with reasons, estimate, score and explain
// (DESIGN §3). Pure: no Asio, no SQLite, no clock of its own — a function of
// (job, snapshot) so it can be tested with tables and measured in microseconds.
//
// Scoring. For each criterion c in {price, time, latency, locality} and each feasible
// candidate i with raw value x_i (lower is better):
//     norm_c(i) = (x_i - min_c) / (max_c - min_c)     (0 when every candidate has the same x)
// so 0 is the best candidate on c and 1 the worst. total(i) = sum_c w_c * norm_c(i), with the
// weights of the routing policy normalised to sum to 1. Lowest total wins; ties go to the lower
// cost, then the earlier result, then the smaller site id (deterministic).
//   price    = compute cost + egress cost (CNY)
//   time     = estimated seconds from now to result (transfer in / queue, runtime, transfer out)
//   latency  = RTT from the submitter's region to the site's (ms)
//   locality = input bytes that must cross regions
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/json.hpp"
#include "gateway/model/capacity.hpp"
#include "gateway/model/dataset.hpp"
#include "gateway/model/job.hpp"
#include "gateway/model/region.hpp"
#include "gateway/model/site.hpp"

namespace suanwang::placement {

// One site as placement sees it at an instant.
struct SiteState {
  const model::Site* site = nullptr;            // REQUIRES: outlives the decide() call
  std::optional<model::SiteCapacity> capacity;  // none until the first report
  double capacity_age_s = 0;
  int in_flight = 0;  // gateway jobs placed/submitted/running here
  bool supports_images = true;
};

struct Snapshot {
  std::vector<SiteState> sites;
  const model::Network* network = nullptr;                // REQUIRES: non-null
  std::map<std::string, const model::Dataset*> datasets;  // the submitting org's, by id
  double capacity_stale_after_s = 60;
  TimePoint now{};  // the instant of the snapshot, for deadlines
};

struct Request {
  const model::JobSpec* spec = nullptr;  // REQUIRES: non-null
  std::string org_id;
  std::vector<std::string> blocked_sites;
};

struct Rejection {
  std::string site_id;
  std::string site_name;
  std::string code;     // machine-readable: "offline", "no_accelerator_model", ...
  std::string message;  // a sentence
};

struct Candidate {
  std::string site_id;
  std::string site_name;
  std::string region;
  double compute_cost_cny = 0;
  double egress_cost_cny = 0;
  double total_cost_cny = 0;
  int64_t bytes_moved = 0;  // input bytes crossing regions + output bytes
  double transfer_in_s = 0;
  double transfer_out_s = 0;
  double queue_wait_s = 0;
  double start_s = 0;   // from now until the job can start
  double result_s = 0;  // from now until results are at the output region
  double rtt_ms = 0;
  std::map<std::string, double> raw;         // per criterion
  std::map<std::string, double> normalized;  // per criterion, 0 best .. 1 worst
  double score = 0;
};

struct Decision {
  std::string policy;
  model::Weights weights;
  std::vector<Candidate> ranked;  // best first
  std::vector<Rejection> rejected;
  std::string summary;  // one line for humans
  bool feasible() const { return !ranked.empty(); }
};

model::Weights weights_for(const model::Routing& routing);
Decision decide(const Request& request, const Snapshot& snapshot);
Json to_json(const Decision& d);

}  // namespace suanwang::placement
