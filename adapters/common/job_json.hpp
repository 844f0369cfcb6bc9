// JobRequest <-> JSON, for adapters that persist or forward a request (local keeps it in
// <job dir>/job.json so a restarted gateway can recover the job).
#pragma once

#include <nlohmann/json.hpp>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

nlohmann::json job_to_json(const JobRequest& job);

// Reads what job_to_json wrote; anything else (hand-edited, truncated) is bad_response.
AdapterResult<JobRequest> job_from_json(const nlohmann::json& value);

}  // namespace suanwang::adapters
