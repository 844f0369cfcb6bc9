// The v0.0.38 JSON mapping (see v0_0_38.hpp).
#include "adapters/slurm/v0_0_38.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace suanwang::adapters::slurm {
namespace {

using nlohmann::json;

constexpr int64_t kInfinite32 = 0xFFFFFFFE;  // Slurm's INFINITE/NO_VAL for 32-bit fields

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::optional<TimePoint> unix_time(const json& o, std::string_view key) {
  return unix_seconds(get_int(o, key));
}

AdapterResult<const json*> items(const json& body, std::string_view key, std::string_view what,
                                 int status, std::string_view raw) {
  return answer_items(body, key, what, status, raw, /*vague_auth_errors=*/true);
}

SlurmNode node_from(const json& n) {
  SlurmNode node = node_resources(n);
  node.state = upper(get_string(n, "state", 64).value_or("UNKNOWN"));
  for (auto& f : get_strings(n, "state_flags", 64)) node.state_flags.push_back(upper(f));
  return node;
}

SlurmPartition partition_from(const json& p) {
  SlurmPartition part;
  part.name = get_string(p, "name", 256).value_or("");
  part.total_cpus = static_cast<int>(bounded(get_int(p, "total_cpus"), kMaxCpus));
  part.total_nodes = static_cast<int>(bounded(get_int(p, "total_nodes"), kMaxCpus));
  const auto minutes = get_int(p, "max_time_limit");
  if (minutes && *minutes > 0 && *minutes < kInfinite32) part.max_time_s = *minutes * 60;
  const auto state = upper(get_string(p, "state", 64).value_or("UP"));
  part.up = state == "UP";
  return part;
}

SlurmJob job_from(const json& j) {
  SlurmJob job;
  job.job_id = get_int(j, "job_id").value_or(0);
  job.name = get_string(j, "name", 1024).value_or("");
  job.comment = get_string(j, "comment", 1024).value_or("");
  job.partition = get_string(j, "partition", 256).value_or("");
  job.state = upper(get_string(j, "job_state", 64).value_or(""));
  job.state_reason = get_string(j, "state_reason", 256).value_or("");
  job.state_description = get_string(j, "state_description", 512).value_or("");
  if (auto code = get_int(j, "exit_code"); code && *code >= 0 && *code <= 0xFFFF) {
    job.exit_status = static_cast<int>(*code);
  }
  job.cpus = static_cast<int>(bounded(get_int(j, "cpus"), kMaxCpus));
  const auto minutes = get_int(j, "time_limit");
  if (minutes && *minutes > 0 && *minutes < kInfinite32) job.time_limit_s = *minutes * 60;
  job.start_time = unix_time(j, "start_time");
  job.end_time = unix_time(j, "end_time");
  return job;
}

class V0038 final : public SlurmApi {
 public:
  std::string_view version() const override { return "v0.0.38"; }
  std::string ping_target() const override { return "/slurm/v0.0.38/ping"; }
  std::string nodes_target() const override { return "/slurm/v0.0.38/nodes"; }
  std::string partitions_target() const override { return "/slurm/v0.0.38/partitions"; }
  std::string jobs_target() const override { return "/slurm/v0.0.38/jobs"; }
  std::string job_target(int64_t job_id) const override {
    std::string t = "/slurm/v0.0.38/job/";
    t += std::to_string(job_id);
    return t;
  }
  std::string submit_target() const override { return "/slurm/v0.0.38/job/submit"; }

  std::string submit_body(const SlurmSubmit& s) const override {
    json env = json::object();
    for (const auto& [k, v] : s.environment) env[k] = v;
    if (env.empty()) env["PATH"] = "/usr/bin:/bin";  // must be a non-empty object
    json job = {{"name", s.name},
                {"comment", s.comment},
                {"partition", s.partition},
                {"current_working_directory", s.cwd},
                {"standard_output", s.standard_output},
                {"environment", env},
                {"time_limit", s.time_limit_min},
                {"cpus_per_task", s.cpus},
                {"memory_per_node", s.memory_mb}};
    if (s.gpus > 0) {
      job["gpus_per_node"] =
          s.gpu_type.empty() ? std::to_string(s.gpus) : s.gpu_type + ":" + std::to_string(s.gpus);
    }
    json body = {{"script", s.script}, {"job", job}};
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  AdapterResult<void> parse_ping(int status, std::string_view raw) const override {
    if (!is_success(status)) return std::unexpected(answer_error("ping", status, raw));
    auto body = parse_body(raw, "ping");
    if (!body) return std::unexpected(body.error());
    auto list = items(*body, "pings", "ping", status, raw);
    if (!list) return std::unexpected(list.error());
    if ((*list)->empty()) {
      return adapter_fail_coded(AdapterErrc::bad_response, "",
                                "slurmrestd ping: no controller listed",
                                "adapter.slurm.no_controller", {});
    }
    std::string states;
    for (const auto& p : **list) {
      const auto state = get_string(p, "ping", 64).value_or("?");
      if (state == "UP") return {};
      if (!states.empty()) states += ", ";
      states += get_string(p, "hostname", 256).value_or("?") + " " + state;
    }
    return adapter_fail_coded(AdapterErrc::unreachable, "", "slurmctld is not up: " + states,
                              "adapter.slurm.down", {{"states", states}});
  }

  AdapterResult<std::vector<SlurmNode>> parse_nodes(int status,
                                                    std::string_view raw) const override {
    if (!is_success(status)) return std::unexpected(answer_error("nodes", status, raw));
    auto body = parse_body(raw, "nodes");
    if (!body) return std::unexpected(body.error());
    auto list = items(*body, "nodes", "nodes", status, raw);
    if (!list) return std::unexpected(list.error());
    std::vector<SlurmNode> out;
    for (const auto& n : **list) {
      if (!n.is_object()) continue;
      auto node = node_from(n);
      if (!node.name.empty()) out.push_back(std::move(node));
    }
    return out;
  }

  AdapterResult<std::vector<SlurmPartition>> parse_partitions(int status,
                                                              std::string_view raw) const override {
    if (!is_success(status)) return std::unexpected(answer_error("partitions", status, raw));
    auto body = parse_body(raw, "partitions");
    if (!body) return std::unexpected(body.error());
    auto list = items(*body, "partitions", "partitions", status, raw);
    if (!list) return std::unexpected(list.error());
    std::vector<SlurmPartition> out;
    for (const auto& p : **list) {
      if (!p.is_object()) continue;
      auto part = partition_from(p);
      if (!part.name.empty()) out.push_back(std::move(part));
    }
    return out;
  }

  AdapterResult<std::vector<SlurmJob>> parse_jobs(int status, std::string_view raw) const override {
    if (!is_success(status)) return std::unexpected(answer_error("jobs", status, raw));
    auto body = parse_body(raw, "jobs");
    if (!body) return std::unexpected(body.error());
    auto list = items(*body, "jobs", "jobs", status, raw);
    if (!list) return std::unexpected(list.error());
    std::vector<SlurmJob> out;
    for (const auto& j : **list) {
      if (!j.is_object()) continue;
      auto job = job_from(j);
      if (job.job_id > 0 && !job.state.empty()) out.push_back(std::move(job));
    }
    return out;
  }

  AdapterResult<int64_t> parse_submit(int status, std::string_view raw) const override {
    auto body = parse_body(raw, "submit");
    if (body) {
      // A job id means the job exists, whatever the status and error entries say.
      if (auto id = get_int(*body, "job_id"); id && *id > 0) return *id;
    }
    return std::unexpected(answer_error("submit", status, raw));
  }

  AdapterResult<void> parse_cancel(int status, std::string_view raw) const override {
    if (is_success(status)) return {};
    auto e = answer_error("cancel", status, raw);
    // Signalling a job that has just finished: nothing left to cancel.
    if (e.message.find("[2021]") != std::string::npos) return {};  // kAlreadyDone
    return std::unexpected(std::move(e));
  }
};

}  // namespace

std::unique_ptr<SlurmApi> make_v0_0_38() {
  return std::make_unique<V0038>();
}

}  // namespace suanwang::adapters::slurm
