// The job lifecycle (DESIGN §2) as one pure function: step(job, input) -> outcome, where the
// outcome is the next state, the event to append (if any) and the effects the caller must carry
// out. The live dispatcher, the job service and the replay are shells around it: they gather the
// input (a placement, a site's answer, a status report, a cancellation), call step, write the
// event and execute the effects. So what the replay measures is what production does, and what
// a loss, a refusal or a cancellation means is decided in one place.
//
//   pending -> placed [-> staging] -> submitted -> running [-> collecting] -> succeeded | ...
//   placed | staging | submitted | running -> pending   (refused, unreachable, lost, offline,
//                                                        inputs that would not stage: fail over)
//   pending | placed | staging -> canceled              (before it reached a site)
//   collecting -> succeeded (outputs collected) | failed (system_error: they could not be)
//
// Pure: no I/O, no clock, no Asio; tests/unit/lifecycle checks every (state, input) pair.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "gateway/core/i18n.hpp"
#include "gateway/model/job.hpp"

namespace suanwang::lifecycle {

// ---- inputs: what happened to the job -------------------------------------------------------

// Free text from outside (a site's error, a peer's message, an exit status) travels in inputs
// as it came; our own words around it are coded (reason_parts below). An input may instead
// carry its text already coded (`detail`: what the data mover writes itself), which then wins.

// Placement chose `site_id` (the planner already holds its resources and counts it in flight).
struct Placed {
  std::string site_id;
  std::string summary;  // the decision's one-line explanation
  std::vector<i18n::Message> summary_parts;  // the same, coded (placement::Decision's)
};
// Placement found no site. `may_clear`: only for reasons that pass by themselves (full,
// offline, draining, unreported sites), so the job may wait.
struct NoSite {
  bool may_clear = false;
  std::string summary;
  std::vector<i18n::Message> summary_parts;
};
struct SubmitAccepted {
  std::string remote_id;
  bool already_existed = false;  // found at the site by its key (submitted before a restart)
};
// The site answered and will not take the job (a refusal is final for that site).
struct SubmitRefused {
  std::string message;
};
// The site did not answer the submit (transport trouble may pass).
struct SubmitUnreachable {
  std::string message;
};
// What the site reports of a job it has.
enum class Remote { queued, running, succeeded, failed, canceled, lost };
struct Reported {
  Remote state = Remote::queued;
  std::optional<int> exit_code;
  std::string reason;
};
struct CancelRequested {};
// The site is offline (its status call failed and it is marked offline).
struct SiteOffline {
  std::string message;
};

// The inputs are at the site, checked against their SHA-256.
struct Staged {
  int64_t bytes = 0;
  int files = 0;
  double seconds = 0;
  bool modelled = false;  // an emulated site: the link's modelled time, no byte moved
};
// The inputs could not be staged (the site's or the network's trouble; retried, then the site
// is left like one that refused).
struct StagingFailed {
  std::string message;
  std::vector<i18n::Message> detail;
};
// The outputs are back, stored and checked, as the dataset `dataset_id`.
struct Collected {
  std::string dataset_id;
  int64_t bytes = 0;
  int files = 0;
  double seconds = 0;
};
struct CollectFailed {
  std::string message;
  std::vector<i18n::Message> detail;
};

using Input = std::variant<Placed, NoSite, SubmitAccepted, SubmitRefused, SubmitUnreachable,
                           Reported, CancelRequested, SiteOffline, Staged, StagingFailed,
                           Collected, CollectFailed>;

// ---- the job as the lifecycle sees it --------------------------------------------------------

struct Facts {
  model::JobState state = model::JobState::pending;
  std::string site_id;  // where it is placed (empty while pending)
  std::string site_zh;  // its Chinese name for reasons (empty: site_id); see site_params
  int attempt = 0;      // placements so far
  bool cancel_requested = false;
  bool rerun = true;            // the job may run again elsewhere after a site lost it
  int unreachable_submits = 0;  // consecutive submits (or stagings) the site did not take
  bool stages = false;          // it has inputs of files to stage before the submit
  bool collects = false;        // it names outputs to collect once it succeeded
};

Facts facts_of(const model::JobRecord& job, int unreachable_submits = 0);

// The parameters that name the job's site in a reason: `site`, and `site_zh`, which a zh
// template's {site} shows instead (i18n::render). The one place that decides how a reason names
// a site.
i18n::Params site_params(const Facts& job);

struct Limits {
  int max_attempts = 3;                         // placements of one job, at most
  int unreachable_submits_before_failover = 3;  // a silent site gets this many tries
};

// ---- the outcome -----------------------------------------------------------------------------

// What the shell must do, in this order, once the event (if any) is recorded.
struct Effects {
  bool release = false;         // the job left its site: one fewer in flight, its hold ends
  bool hold_accepted = false;   // the site has it: its hold ends once the site reports again
  bool learn_runtime = false;   // it succeeded: learn how long the org's jobs of its shape run
  bool cancel_at_site = false;  // forward the owner's cancellation to the site
  bool stage = false;           // move its inputs to its site (then submit)
  bool retry_stage = false;     // staging failed: try it again later
  bool collect = false;         // bring its outputs back
  bool submit = false;          // hand it to its site
  bool retry_submit = false;    // the site did not answer: try the submit again later
  bool place = false;           // place it again now (after a fail over)
  bool wait = false;            // no site for now: wait until one can take it
  bool operator==(const Effects&) const = default;
};

struct Outcome {
  model::JobState next = model::JobState::pending;
  std::optional<model::EventType> event;  // nullopt: nothing to record
  std::string reason;                     // the event's reason (why the job is where it is)
  // The reason as coded parts, written one after another: i18n::render(reason_parts, en) is
  // `reason`, and the API renders them in the reader's language. Empty only with no reason.
  std::vector<i18n::Message> reason_parts;
  model::FailureKind failure = model::FailureKind::none;
  bool block_site = false;  // the site is blocked for this job; it leaves the site
  // Terminal outcomes only: the final cost is what the job used at the site's prices (true) or
  // nothing (false): the site's or the network's failure is not the user's bill.
  bool charge = false;
  int attempt = 0;              // the attempt count after this step
  int unreachable_submits = 0;  // the count after this step
  Effects effects;

  bool changed(model::JobState from) const { return event.has_value() && next != from; }
};

Outcome step(const Facts& job, const Input& input, const Limits& limits);

// Writes an outcome's state, failure, attempt, blocked site and reason (with its parts) into
// `next` (a copy of the job taken before the step). Times, exit codes and costs are the
// shell's to fill in.
void apply(const Outcome& out, model::JobRecord& next);

}  // namespace suanwang::lifecycle
