// JobService: the domain operations behind the jobs and quotes API — quote, submit (durable
// and idempotent), cancel, and visibility rules. The dispatcher does the rest of a job's life.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/auth/principal.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/config.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/lifecycle/lifecycle.hpp"
#include "gateway/model/job.hpp"
#include "gateway/runtime/dispatcher.hpp"
#include "gateway/runtime/job_listener.hpp"
#include "gateway/runtime/planner.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/store/audit_repo.hpp"
#include "gateway/store/job_repo.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

using DecisionPart = store::DecisionPart;

struct SubmitOutcome {
  model::JobRecord job;
  bool created = true;  // false: an earlier request with the same Idempotency-Key answered
};

// A refusal to place, carrying the explanation for the problem+json body.
struct PlacementRefusal {
  Error error;
  Json decision;
};

// What an org may still commit to a new job: the smaller of what its budget and its prepaid
// credit leave (none = no limit), and which of the two that is.
struct SpendLimit {
  std::optional<double> remaining_cny;
  const char* name = "budget";  // "budget" or "prepaid credit"
};

class JobService {
 public:
  JobService(store::Store& store, runtime::Planner& planner, federation::SiteDirectory& directory,
             IdGenerator& ids, const Clock& clock, runtime::JobListener& dispatcher,
             const Config& config, AuditService& audit)
      : config_(config),
        store_(store),
        planner_(planner),
        directory_(directory),
        ids_(ids),
        clock_(clock),
        dispatcher_(dispatcher),
        audit_(audit) {}

  boost::asio::awaitable<Result<placement::Decision>> quote(const auth::Principal& who,
                                                            const model::JobSpec& spec);
  // The job is committed before this returns: placed on the best site, or pending when every
  // site that could run it is only full, offline, draining or unreported for now
  // (placement::Decision::may_clear; the dispatcher places it later). A job no site can ever
  // run, or one over budget, is refused (422, 402) with the decision in `refusal`. `audit`, when
  // given, is written in the job's own transaction, with the job's id, org, name and site filled
  // in.
  boost::asio::awaitable<Result<SubmitOutcome>> submit(const auth::Principal& who,
                                                       model::JobSpec spec,
                                                       std::string idempotency_key,
                                                       std::string request_hash,
                                                       std::optional<PlacementRefusal>& refusal,
                                                       store::AuditEntry* audit = nullptr);
  // Cancels here a job not at a site yet, or asks its site to; audited with the change (a job
  // already canceled is answered as it is, and audited too, as before).
  boost::asio::awaitable<Result<model::JobRecord>> cancel(const Caller& caller,
                                                          const std::string& job_id);
  // The job if `who` may see it, else not_found (never forbidden: ids do not leak); with
  // the decision in full or only its summary part.
  boost::asio::awaitable<Result<model::JobRecord>> find_visible(
      const auth::Principal& who, const std::string& job_id,
      store::DecisionPart part = store::DecisionPart::full);
  // The jobs `who` sees, newest first: an operator the jobs on its own sites, a user its org's,
  // an admin all; optionally only those in `state` or on `site`.
  boost::asio::awaitable<Result<Page<model::JobRecord>>> list(const auth::Principal& who,
                                                              std::optional<model::JobState> state,
                                                              std::optional<std::string> site,
                                                              const PageRequest& page);
  // The job's events in order, when `who` may see the job.
  boost::asio::awaitable<Result<Page<model::JobEvent>>> events(const auth::Principal& who,
                                                               const std::string& job_id,
                                                               const PageRequest& page);
  // Up to `max_bytes` of the job's output from `offset`, read from its site (the job's own org
  // only; an operator does not read its customers' output). A conflict before the job has
  // reached a site; unavailable when the site cannot answer.
  boost::asio::awaitable<Result<adapters::LogChunk>> logs(const auth::Principal& who,
                                                          const std::string& job_id, int64_t offset,
                                                          int64_t max_bytes);
  // Whether `who` sees this job only as the operator of its site (env withheld).
  bool sees_as_operator(const auth::Principal& who, const model::JobRecord& job) const;
  bool can_view(const auth::Principal& who, const model::JobRecord& job) const;

 private:
  // The org's datasets (for references and placement) and what it may still spend.
  struct OrgContext {
    std::vector<model::Dataset> datasets;
    SpendLimit limit;
  };
  boost::asio::awaitable<Result<OrgContext>> org_context(const std::string& org);

  const Config& config_;
  store::Store& store_;
  runtime::Planner& planner_;
  federation::SiteDirectory& directory_;
  IdGenerator& ids_;
  const Clock& clock_;
  runtime::JobListener& dispatcher_;
  AuditService& audit_;
};

}  // namespace suanwang::services
