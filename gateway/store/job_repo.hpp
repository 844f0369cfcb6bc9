// Jobs and their append-only events in the database. Every change to a job's state is written
// together with the event that caused it, in one transaction.
#pragma once

#include <map>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/model/job.hpp"
#include "gateway/model/usage.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

// The money a write of a job moves, decided by accounting (the hold, the charge, the usage
// record: gateway/accounting) and written here with the job, in its transaction, so that the
// org's figures never disagree with its jobs, even after a crash. The store applies what it is
// given; it decides none of it. runtime/job_writes computes it for every write in service.
struct JobMoney {
  double held_change_cny = 0;  // added to the org's held_cny
  double charge_cny = 0;       // added to the org's spent_cny and taken from its credit_cny
  std::optional<model::UsageRecord> usage;  // the job's usage record, written when it ends
};

// Inserts the job and its first events atomically, with `money`. An Idempotency-Key already
// used by the org fails with Errc::already_exists.
Result<void> insert_job(Db& db, const model::JobRecord& job,
                        const std::vector<model::JobEvent>& events, const JobMoney& money = {});

// A job's JSON columns, serialised. Making it touches no database, so a caller on an I/O thread
// can do it before handing the insert to the database thread, the one thread that limits
// durable submissions (a decision is ~6 KB of JSON).
struct JobText {
  std::string spec_json;
  std::string blocked_sites_json;
  std::optional<std::string> decision_json;  // none when the record has no decision
};
JobText job_text(const model::JobRecord& job);
// insert_job with the record's JSON already serialised. REQUIRES: text == job_text(job), except
// that decision_json may be the full decision of a record that carries only its brief.
Result<void> insert_job(Db& db, const model::JobRecord& job,
                        const std::vector<model::JobEvent>& events, const JobText& text,
                        const JobMoney& money = {});

// Writes the job's mutable columns, appends `event` (its seq is assigned here) and applies
// `money`, in one transaction. The update applies only if the stored state is still
// `expected_state`, so two actors cannot both move a job; returns false when it was not applied
// (and nothing was written). A record whose decision is null keeps the stored one (the
// dispatcher does not hold decisions in memory), and leaves it unwritten; a new decision (a
// re-placement) replaces it.
Result<bool> update_job(Db& db, const model::JobRecord& job, model::JobState expected_state,
                        model::JobEvent event, const JobMoney& money = {});

// A job's state, owner and estimate as stored: what accounting needs to know what a write of
// it moves (the hold it had). Reads one row by key, no JSON.
struct JobMoneyBasis {
  std::string org_id;
  model::JobState state = model::JobState::pending;
  std::optional<double> estimated_cost_cny;
};
Result<std::optional<JobMoneyBasis>> find_job_money_basis(Db& db, std::string_view id);
// Sets cancel_requested (no state change) and appends a cancel_requested event.
Result<void> request_cancel(Db& db, std::string_view job_id, TimePoint at);

// How much of a job's placement decision to read: all of it, only what a job's own document
// shows ("chosen" and "summary"; the rest, every ranked and rejected site, is most of a
// decision's bytes and is left in the database), or none (read as null, without reading
// job_decisions at all). Decisions are kept beside the jobs (migration 0005), so that writing
// a job's state does not rewrite its decision.
enum class DecisionPart { full, summary, none };
Result<std::optional<model::JobRecord>> find_job(Db& db, std::string_view id,
                                                 DecisionPart part = DecisionPart::full);
Result<std::optional<model::JobRecord>> find_job_by_idempotency_key(Db& db, std::string_view org_id,
                                                                    std::string_view key);

struct JobFilter {
  std::optional<std::string> org_id;                 // jobs of this org
  std::optional<std::vector<std::string>> site_ids;  // or: jobs placed on these sites (operator)
  std::optional<model::JobState> state;
  std::optional<std::string> before_id;  // keyset pagination: ids < this, newest first
  int limit = 50;
};
// With the summary part of each decision (DecisionPart::summary).
Result<std::vector<model::JobRecord>> list_jobs(Db& db, const JobFilter& filter);
// Jobs not in a final state with ids after `after_id`, in id order (oldest first), without
// their decisions: what the dispatcher works on, read in pages.
Result<std::vector<model::JobRecord>> list_active_jobs(Db& db, std::string_view after_id,
                                                       int limit);
Result<std::vector<model::JobEvent>> list_job_events(Db& db, std::string_view job_id);
// Jobs placed on the site and not finished yet (placed, staging, submitted, running or
// collecting): what keeps a site from being removed. Their number, and the ids of the oldest
// `listed` of them (to name them).
struct ActiveJobsOnSite {
  int64_t count = 0;
  std::vector<std::string> first_ids;
};
Result<ActiveJobsOnSite> active_jobs_on_site(Db& db, std::string_view site_id, int listed);
// Stored jobs by state name (states without jobs are absent).
Result<std::map<std::string, int64_t>> count_jobs_by_state(Db& db);

// A job that succeeded: who ran it, what it asked for, and how long it really ran.
struct FinishedRun {
  std::string org_id;
  model::JobSpec spec;
  int64_t runtime_s = 0;
};
// The last `limit` jobs stored that succeeded with a start and an end, oldest first: what the
// planner's runtime model relearns from at start-up. Reads newest rows first and stops at
// `limit`, so it costs the same at a million stored jobs.
Result<std::vector<FinishedRun>> recent_successes(Db& db, int limit);

}  // namespace suanwang::store
