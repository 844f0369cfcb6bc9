// The job state machine: the full 7 x 7 table of DESIGN §2 and state_machine.hpp.
//   pending -> placed -> submitted -> running -> succeeded | failed | canceled
//   placed | submitted | running -> pending   (fail over)
//   pending | placed | submitted -> failed | canceled
// plus submitted -> succeeded (a job that ran between two polls).
#include <catch2/catch.hpp>

#include <set>
#include <utility>

#include "gateway/lifecycle/state_machine.hpp"

namespace {

using suanwang::lifecycle::can_transition;
using S = suanwang::model::JobState;

constexpr S kAll[] = {S::pending,   S::placed, S::submitted, S::running,
                      S::succeeded, S::failed, S::canceled};

const std::set<std::pair<S, S>>& allowed() {
  static const std::set<std::pair<S, S>> a = {
      {S::pending, S::placed},      {S::pending, S::failed},    {S::pending, S::canceled},
      {S::placed, S::submitted},    {S::placed, S::pending},    {S::placed, S::failed},
      {S::placed, S::canceled},     {S::submitted, S::running}, {S::submitted, S::pending},
      {S::submitted, S::succeeded}, {S::submitted, S::failed},  {S::submitted, S::canceled},
      {S::running, S::succeeded},   {S::running, S::failed},    {S::running, S::canceled},
      {S::running, S::pending},
  };
  return a;
}

TEST_CASE("every documented transition is allowed", "[jobs][state_machine]") {
  for (const auto& [from, to] : allowed()) {
    INFO(suanwang::model::job_state_name(from) << " -> " << suanwang::model::job_state_name(to));
    CHECK(can_transition(from, to));
  }
}

TEST_CASE("every other transition is rejected", "[jobs][state_machine]") {
  int rejected = 0;
  for (S from : kAll) {
    for (S to : kAll) {
      if (allowed().contains({from, to})) continue;
      INFO(suanwang::model::job_state_name(from) << " -> " << suanwang::model::job_state_name(to));
      CHECK_FALSE(can_transition(from, to));
      ++rejected;
    }
  }
  CHECK(rejected == 49 - 16);
}

TEST_CASE("no state transitions to itself", "[jobs][state_machine]") {
  for (S s : kAll) {
    INFO(suanwang::model::job_state_name(s));
    CHECK_FALSE(can_transition(s, s));
  }
}

TEST_CASE("terminal states are terminal", "[jobs][state_machine]") {
  for (S from : kAll) {
    if (!suanwang::model::is_terminal(from)) continue;
    for (S to : kAll) {
      INFO(suanwang::model::job_state_name(from) << " -> " << suanwang::model::job_state_name(to));
      CHECK_FALSE(can_transition(from, to));
    }
  }
}

TEST_CASE("a running job goes back only to pending (a loss), never straight to another site",
          "[jobs][state_machine]") {
  // A site that loses a running job sends it back to pending (DESIGN §2: "before or after it
  // started"); the lifecycle refuses it when the job asked not to be run again.
  CHECK(can_transition(S::running, S::pending));
  CHECK_FALSE(can_transition(S::running, S::placed));
  CHECK_FALSE(can_transition(S::running, S::submitted));
  // Nor can a job skip placement.
  CHECK_FALSE(can_transition(S::pending, S::submitted));
  CHECK_FALSE(can_transition(S::pending, S::running));
  CHECK_FALSE(can_transition(S::pending, S::succeeded));
  CHECK_FALSE(can_transition(S::placed, S::running));
}

TEST_CASE("every non-terminal state can be canceled or failed", "[jobs][state_machine]") {
  for (S s : kAll) {
    if (suanwang::model::is_terminal(s)) continue;
    INFO(suanwang::model::job_state_name(s));
    CHECK(can_transition(s, S::canceled));
    CHECK(can_transition(s, S::failed));
  }
}

}  // namespace
