// `suanwang replay`: replays a generated week of national demand (or an SWF trace) through the
// placement engine and the sim sites on a virtual clock, for each policy and baseline, and
// reports cost, time to result, queue wait, data moved, residency, refusals and utilisation as
// a table, JSON (<out>/replay.json) and an SVG chart (<out>/replay.svg).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace suanwang::replay {

extern const char* const kReplayUsage;

// Exit codes: 0 done, 1 an invariant broke (residency, overfill, unfinished jobs), 2 usage or
// input error, 3 --require-goal and balanced missed the goal against a baseline.
int replay_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace suanwang::replay
