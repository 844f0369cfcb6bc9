// The job lifecycle (gateway/lifecycle): every (state, input) pair against one table of what it
// must do — the next state, the event, whose failure, whether it is charged, the effects — and
// the rules around it: the attempt limit, a silent site's retries, cancellations, `rerun`.
// Anything not in the table must change nothing and ask for nothing.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/lifecycle/lifecycle.hpp"
#include "gateway/lifecycle/state_machine.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::lifecycle;
using S = model::JobState;
using EV = model::EventType;
using F = model::FailureKind;

constexpr S kStates[] = {S::pending,   S::placed, S::submitted, S::running,
                         S::succeeded, S::failed, S::canceled};

struct NamedInput {
  const char* name;
  Input input;
};

std::vector<NamedInput> inputs() {
  return {
      {"placed", Placed{"site_b", "B is cheapest"}},
      {"no site now", NoSite{true, "every site is full"}},
      {"no site ever", NoSite{false, "nobody has an H100"}},
      {"submit accepted", SubmitAccepted{"r1", false}},
      {"submit refused", SubmitRefused{"bad partition"}},
      {"submit unreachable", SubmitUnreachable{"connection refused"}},
      {"queued", Reported{Remote::queued, std::nullopt, ""}},
      {"running", Reported{Remote::running, std::nullopt, ""}},
      {"succeeded", Reported{Remote::succeeded, 0, ""}},
      {"failed with exit code", Reported{Remote::failed, 3, "exit code 3"}},
      {"failed without exit code", Reported{Remote::failed, std::nullopt, "node failure"}},
      {"canceled by the site", Reported{Remote::canceled, std::nullopt, "preempted"}},
      {"lost", Reported{Remote::lost, std::nullopt, "unknown job"}},
      {"cancel requested", CancelRequested{}},
      {"site offline", SiteOffline{"no answer for 60 s"}},
  };
}

// What one (state, input) pair must give. Effects not named are false.
struct Row {
  S next;
  std::optional<EV> event;
  F failure = F::none;
  bool charge = false;
  bool block = false;
  Effects fx;
};

Effects fx(std::initializer_list<const char*> names) {
  Effects e;
  for (std::string n : names) {
    if (n == "release") e.release = true;
    if (n == "hold_accepted") e.hold_accepted = true;
    if (n == "learn_runtime") e.learn_runtime = true;
    if (n == "cancel_at_site") e.cancel_at_site = true;
    if (n == "submit") e.submit = true;
    if (n == "retry_submit") e.retry_submit = true;
    if (n == "place") e.place = true;
    if (n == "wait") e.wait = true;
  }
  return e;
}

// The table: (state, input name) -> row, for a job on its first attempt, not canceled, that may
// run again. Pairs not listed change nothing.
std::map<std::pair<S, std::string>, Row> table() {
  const Row failover{S::pending, EV::requeued, F::none, false, true, fx({"release", "place"})};
  return {
      {{S::pending, "placed"}, {S::placed, EV::placed, F::none, false, false, fx({"submit"})}},
      {{S::pending, "no site now"},
       {S::pending, std::nullopt, F::none, false, false, fx({"wait"})}},
      {{S::pending, "no site ever"}, {S::failed, EV::failed, F::system_error, false, false, {}}},
      {{S::pending, "cancel requested"}, {S::canceled, EV::canceled, F::none, false, false, {}}},

      {{S::placed, "submit accepted"},
       {S::submitted, EV::submitted, F::none, false, false, fx({"hold_accepted"})}},
      {{S::placed, "submit refused"}, failover},
      {{S::placed, "submit unreachable"},
       {S::placed, std::nullopt, F::none, false, false, fx({"retry_submit"})}},
      {{S::placed, "cancel requested"},
       {S::canceled, EV::canceled, F::none, false, false, fx({"release"})}},
      {{S::placed, "site offline"}, failover},

      {{S::submitted, "running"}, {S::running, EV::started, F::none, false, false, {}}},
      {{S::submitted, "succeeded"},
       {S::succeeded, EV::succeeded, F::none, true, false, fx({"release", "learn_runtime"})}},
      {{S::submitted, "failed with exit code"},
       {S::failed, EV::failed, F::executor_error, true, false, fx({"release"})}},
      {{S::submitted, "failed without exit code"},
       {S::failed, EV::failed, F::system_error, false, false, fx({"release"})}},
      {{S::submitted, "canceled by the site"}, failover},
      {{S::submitted, "lost"}, failover},
      {{S::submitted, "cancel requested"},
       {S::submitted, std::nullopt, F::none, false, false, fx({"cancel_at_site"})}},
      {{S::submitted, "site offline"}, failover},

      {{S::running, "succeeded"},
       {S::succeeded, EV::succeeded, F::none, true, false, fx({"release", "learn_runtime"})}},
      {{S::running, "failed with exit code"},
       {S::failed, EV::failed, F::executor_error, true, false, fx({"release"})}},
      {{S::running, "failed without exit code"},
       {S::failed, EV::failed, F::system_error, false, false, fx({"release"})}},
      {{S::running, "canceled by the site"}, failover},
      {{S::running, "lost"}, failover},
      {{S::running, "cancel requested"},
       {S::running, std::nullopt, F::none, false, false, fx({"cancel_at_site"})}},
  };
}

Facts job_in(S state) {
  Facts f;
  f.state = state;
  f.attempt = state == S::pending ? 0 : 1;
  f.site_id = state == S::pending ? "" : "site_a";
  return f;
}

const Limits kLimits{3, 3};

}  // namespace

TEST_CASE("lifecycle: every (state, input) pair does what the table says, and nothing else",
          "[lifecycle]") {
  const auto expected = table();
  std::size_t checked = 0, listed = 0;
  for (S state : kStates) {
    for (const auto& [name, input] : inputs()) {
      INFO(std::string(model::job_state_name(state)) + " + " + name);
      const Facts job = job_in(state);
      const Outcome out = step(job, input, kLimits);
      auto it = expected.find({state, name});
      ++checked;
      if (it == expected.end()) {
        CHECK(out.next == state);
        CHECK_FALSE(out.event.has_value());
        CHECK(out.effects == Effects{});
        CHECK(out.attempt == job.attempt);
        continue;
      }
      ++listed;
      const Row& row = it->second;
      CHECK(out.next == row.next);
      CHECK(out.event == row.event);
      CHECK(out.failure == row.failure);
      CHECK(out.charge == row.charge);
      CHECK(out.block_site == row.block);
      CHECK(out.effects == row.fx);
      if (out.event) {
        CHECK_FALSE(out.reason.empty());
        if (out.next != state) CHECK(can_transition(state, out.next));
      }
    }
  }
  CHECK(checked == 7 * inputs().size());
  CHECK(listed == expected.size());  // every row of the table was reached
}

TEST_CASE("lifecycle: a waiting job with files to stage is placed straight into staging, and "
          "the state machine lets it", "[lifecycle]") {
  Facts job = job_in(S::pending);
  job.stages = true;
  const Outcome out = step(job, Placed{"site_a", "A"}, kLimits);
  CHECK(out.next == S::staging);
  CHECK(out.event == EV::placed);
  CHECK(can_transition(S::pending, out.next));  // else the job would wait forever
}

TEST_CASE("lifecycle: a placement counts an attempt, and the attempt limit ends the job",
          "[lifecycle]") {
  Facts job = job_in(S::pending);
  const auto first = step(job, Placed{"site_a", "A"}, kLimits);
  CHECK(first.attempt == 1);
  CHECK(first.reason == "A");

  job.attempt = 3;  // three placements already (the limit)
  const auto last = step(job, Placed{"site_b", "B"}, kLimits);
  CHECK(last.next == S::failed);
  CHECK(last.failure == F::system_error);
  CHECK(last.effects.release);  // the planner's hold and in-flight count are given back
  CHECK_FALSE(last.charge);

  const auto none = step(job, NoSite{true, "all full"}, kLimits);
  CHECK(none.next == S::failed);  // may clear, but no attempt is left
}

TEST_CASE("lifecycle: a silent site is tried again, then failed over", "[lifecycle]") {
  Facts job = job_in(S::placed);
  for (int i = 0; i < 2; ++i) {
    const auto o = step(job, SubmitUnreachable{"timeout"}, kLimits);
    REQUIRE(o.next == S::placed);
    REQUIRE(o.effects.retry_submit);
    CHECK(o.unreachable_submits == i + 1);
    job.unreachable_submits = o.unreachable_submits;
  }
  const auto o = step(job, SubmitUnreachable{"timeout"}, kLimits);
  CHECK(o.next == S::pending);
  CHECK(o.event == EV::requeued);
  CHECK(o.block_site);
  CHECK(o.effects.place);
  CHECK(o.unreachable_submits == 0);
  CHECK(o.reason.find("did not answer") != std::string::npos);
}

TEST_CASE("lifecycle: a job lost after it started is placed again unless it asked not to be",
          "[lifecycle]") {
  Facts job = job_in(S::running);
  const auto again = step(job, Reported{Remote::lost, std::nullopt, "gone"}, kLimits);
  CHECK(again.next == S::pending);
  CHECK(again.effects.place);
  CHECK(again.reason.find("after it started") != std::string::npos);

  job.rerun = false;
  const auto stop = step(job, Reported{Remote::lost, std::nullopt, "gone"}, kLimits);
  CHECK(stop.next == S::failed);
  CHECK(stop.failure == F::system_error);
  CHECK_FALSE(stop.charge);  // the site's failure is not billed
  CHECK_FALSE(stop.effects.place);

  // Before it started it never ran, so it is placed again even so.
  Facts queued = job_in(S::submitted);
  queued.rerun = false;
  CHECK(step(queued, Reported{Remote::lost, std::nullopt, "gone"}, kLimits).next == S::pending);
}

TEST_CASE("lifecycle: once the owner canceled, a loss or a refusal ends it canceled",
          "[lifecycle]") {
  for (S state : {S::placed, S::submitted, S::running}) {
    Facts job = job_in(state);
    job.cancel_requested = true;
    const Input in = state == S::placed ? Input{SubmitRefused{"no"}}
                                        : Input{Reported{Remote::lost, std::nullopt, "gone"}};
    const auto o = step(job, in, kLimits);
    INFO(model::job_state_name(state));
    CHECK(o.next == S::canceled);
    CHECK_FALSE(o.effects.place);
    CHECK(o.effects.release);
    CHECK_FALSE(o.charge);
  }
  Facts running = job_in(S::running);
  running.cancel_requested = true;
  const auto o = step(running, Reported{Remote::canceled, std::nullopt, ""}, kLimits);
  CHECK(o.next == S::canceled);
  CHECK(o.charge);  // what ran until the owner's cancellation is the owner's
  // A pending job that was canceled is not placed.
  Facts pending = job_in(S::pending);
  pending.cancel_requested = true;
  CHECK(step(pending, Placed{"site_a", "A"}, kLimits).next == S::canceled);
  CHECK(step(pending, NoSite{true, "full"}, kLimits).next == S::canceled);
  // A queued job whose cancellation is on its way is not moved off an offline site.
  Facts submitted = job_in(S::submitted);
  submitted.cancel_requested = true;
  CHECK_FALSE(step(submitted, SiteOffline{"down"}, kLimits).event.has_value());
}

TEST_CASE("lifecycle: apply writes the outcome into the job record", "[lifecycle]") {
  model::JobRecord job;
  job.id = "job_1";
  job.state = S::running;
  job.site_id = "site_a";
  job.remote_id = "42";
  job.attempt = 1;
  const auto o = step(facts_of(job), Reported{Remote::lost, std::nullopt, "node down"}, kLimits);
  model::JobRecord next = job;
  apply(o, next);
  CHECK(next.state == S::pending);
  CHECK(next.blocked_sites == std::vector<std::string>{"site_a"});
  CHECK(next.remote_id.empty());
  CHECK(next.reason == o.reason);
  apply(o, next);  // idempotent: the site is blocked once
  CHECK(next.blocked_sites.size() == 1);
}
