// JobListener: how the API side (JobService) tells the dispatcher about jobs it wrote, so that
// the dispatcher works from memory instead of re-reading every active job from the database.
#pragma once

#include <string>

#include "gateway/model/job.hpp"

namespace suanwang::runtime {

class JobListener {
 public:
  virtual ~JobListener() = default;
  // `job` was committed (a new submission). Its decision is not needed (callers may pass the
  // job without it). Thread-safe.
  virtual void job_created(const model::JobRecord& job) = 0;
  // Job `job_id` changed in the database outside the dispatcher (a cancellation): read it
  // again. Thread-safe.
  virtual void job_changed(const std::string& job_id) = 0;
};

}  // namespace suanwang::runtime
