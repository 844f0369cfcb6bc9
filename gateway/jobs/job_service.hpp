// JobService: the domain operations behind the jobs and quotes API — quote, submit (durable
// and idempotent), cancel, and visibility rules. The dispatcher does the rest of a job's life.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/auth/principal.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/jobs/planner.hpp"
#include "gateway/model/job.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::jobs {

struct SubmitOutcome {
  model::JobRecord job;
  bool created = true;  // false: an earlier request with the same Idempotency-Key answered
};

// A refusal to place, carrying the explanation for the problem+json body.
struct PlacementRefusal {
  Error error;
  Json decision;
};

class JobService {
 public:
  JobService(store::Store& store, Planner& planner, federation::SiteDirectory& directory,
             IdGenerator& ids, const Clock& clock, std::function<void()> wake_dispatcher)
      : store_(store),
        planner_(planner),
        directory_(directory),
        ids_(ids),
        clock_(clock),
        wake_dispatcher_(std::move(wake_dispatcher)) {}

  boost::asio::awaitable<Result<placement::Decision>> quote(const auth::Principal& who,
                                                            const model::JobSpec& spec);
  // The job is committed before this returns. A job no site can run is refused (422) with the
  // decision in `refusal`.
  boost::asio::awaitable<Result<SubmitOutcome>> submit(const auth::Principal& who,
                                                       model::JobSpec spec,
                                                       std::string idempotency_key,
                                                       std::string request_hash,
                                                       std::optional<PlacementRefusal>& refusal);
  boost::asio::awaitable<Result<model::JobRecord>> cancel(const auth::Principal& who,
                                                          const std::string& job_id);
  // The job if `who` may see it, else not_found (never forbidden: ids do not leak).
  boost::asio::awaitable<Result<model::JobRecord>> find_visible(const auth::Principal& who,
                                                                const std::string& job_id);
  // Whether `who` sees this job only as the operator of its site (env withheld).
  bool sees_as_operator(const auth::Principal& who, const model::JobRecord& job) const;
  bool can_view(const auth::Principal& who, const model::JobRecord& job) const;

 private:
  boost::asio::awaitable<Result<std::vector<model::Dataset>>> org_datasets(const std::string& org);
  // The org's budget left (budget - spent - held), none when it has no budget.
  boost::asio::awaitable<Result<std::optional<double>>> budget_remaining(const std::string& org);

  store::Store& store_;
  Planner& planner_;
  federation::SiteDirectory& directory_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::function<void()> wake_dispatcher_;
};

}  // namespace suanwang::jobs
