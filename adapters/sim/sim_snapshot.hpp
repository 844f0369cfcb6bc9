// SimSnapshot: what an emulated site must remember to carry on after a gateway restart, as a
// real center keeps its jobs while the gateway is down, and its text on disk. The sim adapter
// keeps it in <work_dir>/sim-state.json; the engine makes and takes it (SimEngine::snapshot,
// SimEngine::restore), so engines without a work dir (the replay, scale tests) pay nothing.
//
// The text is one JSON object, times as integer nanoseconds since the Unix epoch (exact, so a
// restored job ends at the very instant it would have):
//   {"format": "suanwang-sim-state/1", "clock_ns": 1790000000000000000, "draws": 4,
//    "jobs": [{"id": "sim-1", "key": "job_8f2c", "pool": "gpu", "cpus": 4, "memory_mib": 16384,
//              "accelerator_model": "H100", "accelerator_count": 2, "walltime_s": 3600,
//              "hold_ns": 600000000000, "outcome": "exits", "state": "running",
//              "submitted_ns": ..., "started_ns": ..., "finished_ns": null}, ...]}
// jobs[i] is remote id "sim-<i+1>"; a job's pool is named, not numbered, so reordering the
// pools in the site's options does not move jobs between pools.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/resources.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::sim {

// How a job ends if nothing cancels it; drawn at submit.
enum class SimOutcome { exits, walltime_exceeded, lost };

struct SimJobRecord {
  std::string key;
  std::string pool;
  Demand demand;
  int64_t walltime_s = 0;
  TimePoint::duration hold{};  // how long it occupies its resources once started
  SimOutcome outcome = SimOutcome::exits;
  RemoteState state = RemoteState::queued;
  TimePoint submitted_at{};
  std::optional<TimePoint> started_at;  // set when running, and for jobs that ran
  std::optional<TimePoint> finished_at;
};

struct SimSnapshot {
  TimePoint clock{};   // every job's state is as of this moment
  uint64_t draws = 0;  // random numbers drawn so far: the sequence goes on from there
  std::vector<SimJobRecord> jobs;
};

std::string snapshot_to_text(const SimSnapshot& snapshot);
// Checks the shape and what the engine relies on (a running job has a start time, keys are
// unique, ids follow the order); the error says what is wrong.
AdapterResult<SimSnapshot> snapshot_from_text(std::string_view text);

}  // namespace suanwang::adapters::sim
