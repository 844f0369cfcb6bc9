// Job: what a user submits (JobSpec), and the gateway's record of it (JobRecord) with its
// append-only events (DESIGN §2). The state is a projection of the events; the transitions
// live in gateway/lifecycle/state_machine.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/enum_names.hpp"
#include "gateway/core/i18n.hpp"
#include "gateway/core/json.hpp"

namespace suanwang::model {

struct AcceleratorNeed {
  std::string model;
  int count = 0;
};

struct Resources {
  int cpus = 1;
  double memory_gb = 1;
  int64_t walltime_s = 3600;
  std::optional<AcceleratorNeed> accelerators;
};

// One input: a dataset by id (a `files` dataset is staged into the job's directory under
// `path`, "" for the top), or an anonymous blob of `size_bytes` sitting in `region`.
struct InputSpec {
  std::string dataset;
  int64_t size_bytes = 0;
  std::string region;
  std::string path;  // with a dataset: where its files appear ("data/"); checked by JobService
  // Set by the gateway (JobService) when the dataset holds files: they are staged to the site.
  bool staged = false;
};

// What the job writes: `paths` (globs in the job's directory) are collected back into a new
// dataset of the job's org; `region` and `size_bytes` are figures for placement (where the
// results are wanted, how large they will be).
struct OutputSpec {
  std::string region;
  int64_t size_bytes = 0;
  std::vector<std::string> paths;
};

struct Constraints {
  std::vector<std::string> regions;  // allowed; empty = any
  std::vector<std::string> deny_regions;
  std::vector<std::string> sites;  // allowed; empty = any
  std::vector<std::string> deny_sites;
  std::optional<double> max_price_cny;
  std::optional<TimePoint> deadline;
};

struct Weights {
  double price = 0;
  double time = 0;
  double latency = 0;
  double locality = 0;
  double green = 0;  // the job's estimated emissions (model/energy.hpp)
};

// How a job weighs price, time, latency, locality and carbon (placement/placement.hpp has the
// weights).
enum class RoutingPolicy { balanced, cheapest, fastest, data_local, greenest, custom };
inline constexpr EnumNames<RoutingPolicy, 6> kRoutingPolicyNames(
    {{{RoutingPolicy::balanced, "balanced"},
      {RoutingPolicy::cheapest, "cheapest"},
      {RoutingPolicy::fastest, "fastest"},
      {RoutingPolicy::data_local, "data-local"},
      {RoutingPolicy::greenest, "greenest"},
      {RoutingPolicy::custom, "custom"}}});
inline const char* routing_policy_name(RoutingPolicy p) {
  return kRoutingPolicyNames.name(p);
}
// The named policies a job may ask for ("custom" comes only with explicit weights).
inline std::optional<RoutingPolicy> parse_routing_policy(std::string_view s) {
  auto p = kRoutingPolicyNames.parse(s);
  if (p == RoutingPolicy::custom) return std::nullopt;
  return p;
}

struct Routing {
  RoutingPolicy policy = RoutingPolicy::balanced;
  std::optional<Weights> weights;  // set when policy == custom
};

struct JobSpec {
  std::string name = "job";
  std::string command;
  std::string script;
  std::string image;
  std::map<std::string, std::string> env;
  Resources resources;
  std::optional<int64_t> expected_runtime_s;
  std::vector<InputSpec> inputs;
  std::optional<OutputSpec> outputs;
  Constraints constraints;
  Routing routing;
  std::string submitter_region;
  // After a site loses the job once it started, may it run again elsewhere? (Before it
  // started, it always may: it never ran.)
  bool rerun = true;
  // Someone waits on the other end while it runs (a notebook, a service answering requests, an
  // inference session): the RTT from the submitter matters. The named policies weigh latency
  // only for such jobs; a batch job's time to result does not depend on it.
  bool interactive = false;

  // The runtime estimates use: expected_runtime_s when given, else the walltime.
  int64_t runtime_estimate_s() const { return expected_runtime_s.value_or(resources.walltime_s); }
};

Result<JobSpec> parse_job_spec(const Json& body);
Json to_json(const JobSpec& s);
// As shown to an operator whose site runs the job: env values are withheld.
Json to_redacted_json(const JobSpec& s);

// staging: its inputs are moving to the chosen site; collecting: it ended there and its
// outputs are moving back (DESIGN §2).
enum class JobState {
  pending,
  placed,
  staging,
  submitted,
  running,
  collecting,
  succeeded,
  failed,
  canceled
};

inline constexpr EnumNames<JobState, 9> kJobStateNames({{{JobState::pending, "pending"},
                                                         {JobState::placed, "placed"},
                                                         {JobState::staging, "staging"},
                                                         {JobState::submitted, "submitted"},
                                                         {JobState::running, "running"},
                                                         {JobState::collecting, "collecting"},
                                                         {JobState::succeeded, "succeeded"},
                                                         {JobState::failed, "failed"},
                                                         {JobState::canceled, "canceled"}}});
inline const char* job_state_name(JobState s) {
  return kJobStateNames.name(s);
}
inline std::optional<JobState> parse_job_state(std::string_view s) {
  return kJobStateNames.parse(s);
}
bool is_terminal(JobState s);

// Whose fault a failure was (DESIGN §2). `none` is stored as "" and sent as null.
enum class FailureKind { none, executor_error, system_error };
inline constexpr EnumNames<FailureKind, 3> kFailureKindNames(
    {{{FailureKind::none, ""},
      {FailureKind::executor_error, "executor_error"},
      {FailureKind::system_error, "system_error"}}});
inline const char* failure_kind_name(FailureKind k) {
  return kFailureKindNames.name(k);
}
inline std::optional<FailureKind> parse_failure_kind(std::string_view s) {
  return kFailureKindNames.parse(s);
}

// What happened to a job: the type of each appended event.
enum class EventType {
  created,
  placed,
  staged,      // its inputs are at the site, checked (bytes and seconds in the reason)
  submitted,
  started,
  requeued,
  cancel_requested,
  collecting,  // it ended at the site; its outputs are being brought back
  succeeded,
  failed,
  canceled
};
inline constexpr EnumNames<EventType, 11> kEventTypeNames({{{EventType::created, "created"},
                                                           {EventType::placed, "placed"},
                                                           {EventType::staged, "staged"},
                                                           {EventType::collecting, "collecting"},
                                                           {EventType::submitted, "submitted"},
                                                           {EventType::started, "started"},
                                                           {EventType::requeued, "requeued"},
                                                           {EventType::cancel_requested,
                                                            "cancel_requested"},
                                                           {EventType::succeeded, "succeeded"},
                                                           {EventType::failed, "failed"},
                                                           {EventType::canceled, "canceled"}}});
inline const char* event_type_name(EventType t) {
  return kEventTypeNames.name(t);
}
inline std::optional<EventType> parse_event_type(std::string_view s) {
  return kEventTypeNames.parse(s);
}

struct JobRecord {
  std::string id;
  std::string org_id;
  JobSpec spec;
  JobState state = JobState::pending;
  std::string site_id;
  std::string remote_id;
  int attempt = 0;                         // placement attempts so far
  std::vector<std::string> blocked_sites;  // refused or lost this job; never placed there again
  Json decision;                           // the latest placement explanation (null if none)
  std::optional<double> estimated_cost_cny;
  std::optional<double> final_cost_cny;
  std::optional<int> exit_code;
  FailureKind failure = FailureKind::none;
  std::string reason;  // why the job is in its state (latest event's reason), in English
  // The same reason coded, to render in a reader's language (empty for rows written before
  // migration 0012: the English then stands).
  std::vector<i18n::Message> reason_parts;
  bool cancel_requested = false;
  std::string idempotency_key;
  std::string request_hash;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
};

struct JobEvent {
  int64_t seq = 0;
  TimePoint at{};
  EventType type = EventType::created;
  JobState state = JobState::pending;  // the state after this event
  std::string site_id;
  int attempt = 0;
  std::string reason;                        // in English
  std::vector<i18n::Message> reason_parts;  // the same, coded (empty for old rows)
};

// `redact` hides the spec's env (an operator looking at a job on its site).
Json to_json(const JobRecord& j, bool redact = false);
Json to_json(const JobEvent& e);

}  // namespace suanwang::model
