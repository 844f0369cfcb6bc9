// SimEngine: the emulated compute center behind the sim adapter, as a lazy discrete-event
// simulation. It has no timers: every call first advances the model to the caller's `now`,
// completing jobs in time order and starting queued ones at the moment resources freed, so
// the outcome depends only on the calls, their times and the seed (never on wall time).
// Single-threaded: the adapter calls it from its strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "adapters/common/resources.hpp"
#include "adapters/sim/sim_options.hpp"
#include "adapters/sim/sim_snapshot.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::sim {

class SimEngine {
 public:
  SimEngine(SimOptions options, uint64_t seed);

  Description describe() const;
  Health health() const;
  Capacity capacity(TimePoint now);
  AdapterResult<SubmitResult> submit(const JobRequest& job, TimePoint now);
  std::vector<RemoteStatus> status(const std::vector<std::string>& remote_ids, TimePoint now);
  AdapterResult<void> cancel(const std::string& remote_id, TimePoint now);
  AdapterResult<LogChunk> logs(const std::string& remote_id, int64_t offset, int64_t max_bytes,
                               TimePoint now);

  // For a host that keeps the site across restarts (the sim adapter, under its work dir).
  // Everything after the snapshot's clock follows from it: the model is a function of the
  // calls, their times and the seed, so a restored engine advanced to `now` reports what this
  // one would have, jobs that ended meanwhile at their proper end times included. Status and
  // capacity calls therefore change nothing a snapshot must carry.
  SimSnapshot snapshot() const;
  // REQUIRES: no call has been made on this engine yet. Refuses, leaving the engine as it was,
  // a snapshot these options cannot hold (a pool gone, or too small for its jobs now).
  AdapterResult<void> restore(const SimSnapshot& snapshot);
  // Moves whenever a snapshot would differ in more than the clock (a submit, a cancel, a draw
  // of the random sequence): a host saves when it has moved since its last save.
  uint64_t changes() const { return changes_; }

 private:
  using Duration = TimePoint::duration;

  // How a job ends if nothing cancels it; drawn at submit so the RNG sequence depends only on
  // the order of submits, not on when the caller happens to poll.
  using Outcome = SimOutcome;

  struct Job {
    std::string key;
    size_t pool = 0;
    Demand demand;
    int64_t walltime_s = 0;
    Duration hold{};  // how long it occupies its resources once started
    Outcome outcome = Outcome::exits;
    RemoteState state = RemoteState::queued;
    TimePoint submitted_at{};
    std::optional<TimePoint> started_at;
    std::optional<TimePoint> finished_at;
  };

  // A FIFO of job indexes that allocates nothing while empty: std::deque allocates a block even
  // then, which at 10,000 sites of several pools each is tens of megabytes for nothing.
  class JobQueue {
   public:
    bool empty() const { return head_ == items_.size(); }
    size_t size() const { return items_.size() - head_; }
    size_t front() const { return items_[head_]; }
    void push_back(size_t index) { items_.push_back(index); }
    void pop_front();
    void erase(size_t index);
    auto begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
    auto end() const { return items_.end(); }

   private:
    std::vector<size_t> items_;
    size_t head_ = 0;  // items_[0, head_) have left the queue
  };

  struct Pool {
    SimPool spec;
    FreeResources total;
    FreeResources free;
    JobQueue queue;
    std::set<size_t> running;  // job indexes
  };

  struct Release {
    TimePoint at;
    size_t job;
    bool operator>(const Release& o) const { return at != o.at ? at > o.at : job > o.job; }
  };

  void advance_to(TimePoint now);
  void start_queued(Pool& pool, TimePoint at);
  void start(size_t index, TimePoint at);
  void release(size_t index, TimePoint at, RemoteState final_state);
  std::optional<size_t> find(const std::string& remote_id) const;
  RemoteStatus status_of(size_t index) const;
  std::string log_text(size_t index) const;
  double draw();  // uniform in [0, 1), the same on every platform

  SimOptions options_;
  std::vector<Pool> pools_;
  std::vector<Job> jobs_;  // index i has remote id "sim-<i+1>"
  std::unordered_map<std::string, size_t> by_key_;
  std::priority_queue<Release, std::vector<Release>, std::greater<>> releases_;
  // Made at the first draw: its state is 2.5 KB, and most sites of a large federation never
  // draw. The sequence is the same as if it had been made at construction.
  uint64_t seed_;
  std::unique_ptr<std::mt19937_64> rng_;
  uint64_t draws_ = 0;    // numbers taken from rng_, so a restored engine can go on from there
  uint64_t changes_ = 0;  // see changes()
  TimePoint clock_{};     // how far the model has advanced; never moves back
  bool started_clock_ = false;
};

}  // namespace suanwang::adapters::sim
