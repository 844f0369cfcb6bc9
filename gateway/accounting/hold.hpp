// Held money: what an org's jobs in flight may still cost it. A job holds its estimated cost
// from the moment it is in flight (pending, placed, submitted, running) until it ends; the org's
// held_cny is the sum of those holds. These rules decide how a job's write moves that sum; the
// store adds the delta in the job's own transaction (before migration 0007, SQL triggers did).
#pragma once

#include <optional>

#include "gateway/model/job.hpp"

namespace suanwang::accounting {

// Whether a job in `state` holds its estimate: it is in flight, not final.
bool holds_money(model::JobState state);

// What a job in `state` with `estimate` holds (0 when not in flight or without an estimate).
double hold_cny(model::JobState state, const std::optional<double>& estimate);

// How the org's held money moves when a job goes from (from, from_estimate) to (to,
// to_estimate). Exactly 0 for moves within flight at the same estimate and between final
// states, so that such writes (most of the dispatcher's) leave the org row alone.
double hold_change_cny(model::JobState from, const std::optional<double>& from_estimate,
                       model::JobState to, const std::optional<double>& to_estimate);

}  // namespace suanwang::accounting
