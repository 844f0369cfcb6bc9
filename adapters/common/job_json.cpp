// JobRequest <-> JSON.
#include "adapters/common/job_json.hpp"

namespace suanwang::adapters {

nlohmann::json job_to_json(const JobRequest& job) {
  nlohmann::json out = {
      {"key", job.key},       {"name", job.name},           {"command", job.command},
      {"script", job.script}, {"image", job.image},         {"env", job.env},
      {"cpus", job.cpus},     {"memory_gb", job.memory_gb}, {"walltime_s", job.walltime_s},
  };
  if (job.accelerators) {
    out["accelerators"] = {{"model", job.accelerators->model}, {"count", job.accelerators->count}};
  }
  if (job.expected_runtime_s) out["expected_runtime_s"] = *job.expected_runtime_s;
  return out;
}

AdapterResult<JobRequest> job_from_json(const nlohmann::json& value) {
  // nlohmann reports type mismatches by throwing; convert here, where it is thrown.
  try {
    JobRequest job;
    job.key = value.at("key").get<std::string>();
    job.name = value.value("name", std::string());
    job.command = value.value("command", std::string());
    job.script = value.value("script", std::string());
    job.image = value.value("image", std::string());
    if (auto it = value.find("env"); it != value.end()) {
      job.env = it->get<std::map<std::string, std::string>>();
    }
    job.cpus = value.at("cpus").get<int>();
    job.memory_gb = value.at("memory_gb").get<double>();
    job.walltime_s = value.at("walltime_s").get<int64_t>();
    if (auto it = value.find("accelerators"); it != value.end() && it->is_object()) {
      job.accelerators =
          AcceleratorRequest{it->at("model").get<std::string>(), it->at("count").get<int>()};
    }
    if (auto it = value.find("expected_runtime_s"); it != value.end() && !it->is_null()) {
      job.expected_runtime_s = it->get<int64_t>();
    }
    return job;
  } catch (const nlohmann::json::exception& e) {
    return adapter_fail(AdapterErrc::bad_response,
                        std::string("stored job is malformed: ") + e.what());
  }
}

}  // namespace suanwang::adapters
