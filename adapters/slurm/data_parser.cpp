// The data_parser JSON mapping of v0.0.40 to v0.0.44 (see data_parser.hpp).
#include "adapters/slurm/data_parser.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace suanwang::adapters::slurm {
namespace {

using nlohmann::json;

constexpr int64_t kMaxMinutes = int64_t{1} << 31;

// Node base states; every other entry of a node's `state` array is a flag (DRAIN, PLANNED, ...).
constexpr std::array<std::string_view, 7> kNodeBaseStates = {"IDLE",  "ALLOCATED", "MIXED",  "DOWN",
                                                             "ERROR", "FUTURE",    "UNKNOWN"};
// Job state flags that name the job's state ahead of its base state, in the order of Slurm's
// job_state_string() (what v0.0.38 reported as the one state string).
constexpr std::array<std::string_view, 13> kJobStateFlags = {
    "COMPLETING",   "CONFIGURING",  "RESIZING",     "REQUEUED", "REQUEUE_FED",
    "REQUEUE_HOLD", "SPECIAL_EXIT", "STOPPED",      "REVOKED",  "RESV_DEL_HOLD",
    "SIGNALING",    "STAGE_OUT",    "POWER_UP_NODE"};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// A number field: a plain integer, or {"set", "infinite", "number"}; nullopt when unset,
// infinite, absent or of another type.
std::optional<int64_t> number(const json& o, std::string_view key) {
  if (auto plain = get_int(o, key)) return plain;
  if (!o.is_object()) return std::nullopt;
  auto it = o.find(key);
  if (it == o.end() || !it->is_object()) return std::nullopt;
  const auto set = it->find("set");
  const auto infinite = it->find("infinite");
  if (set == it->end() || !set->is_boolean() || !set->get<bool>()) return std::nullopt;
  if (infinite != it->end() && infinite->is_boolean() && infinite->get<bool>()) return std::nullopt;
  return get_int(*it, "number");
}

// The object under `key`, or a null json when absent or of another type.
const json& object_at(const json& o, std::string_view key) {
  static const json kNull;
  if (!o.is_object()) return kNull;
  auto it = o.find(key);
  return it != o.end() && it->is_object() ? *it : kNull;
}

std::optional<TimePoint> unix_time(const json& o, std::string_view key) {
  return unix_seconds(number(o, key));
}

// The 22.05-style raw wait status of an exit_code object
// {"status": ["SUCCESS"|"ERROR"|"SIGNALED"], "return_code": {...}, "signal": {"id": {...}}}.
std::optional<int> raw_exit_status(const json& j) {
  if (auto plain = get_int(j, "exit_code")) {
    if (*plain >= 0 && *plain <= 0xFFFF) return static_cast<int>(*plain);
    return std::nullopt;
  }
  const json& code = object_at(j, "exit_code");
  if (code.is_null()) return std::nullopt;
  const auto status = get_strings(code, "status", 8);
  const bool signaled = std::find(status.begin(), status.end(), "SIGNALED") != status.end();
  if (signaled) {
    const auto sig = number(object_at(code, "signal"), "id");
    if (sig && *sig > 0 && *sig < 128) return static_cast<int>(*sig);
  }
  if (auto rc = number(code, "return_code"); rc && *rc >= 0) {
    return static_cast<int>((*rc & 0xff) << 8);
  }
  return std::nullopt;
}

SlurmNode node_from(const json& n) {
  SlurmNode node = node_resources(n);
  for (auto& s : get_strings(n, "state", 16)) {
    if (node.state.empty() && one_of(kNodeBaseStates, s)) {
      node.state = std::move(s);
    } else {
      node.state_flags.push_back(std::move(s));
    }
  }
  if (node.state.empty()) node.state = "UNKNOWN";
  return node;
}

SlurmPartition partition_from(const json& p) {
  SlurmPartition part;
  part.name = get_string(p, "name", 256).value_or("");
  part.total_cpus = static_cast<int>(bounded(number(object_at(p, "cpus"), "total"), kMaxCpus));
  part.total_nodes = static_cast<int>(bounded(number(object_at(p, "nodes"), "total"), kMaxCpus));
  // maximums.time in minutes; {"set": false, "infinite": true} for MaxTime=INFINITE.
  const auto minutes = number(object_at(p, "maximums"), "time");
  if (minutes && *minutes > 0 && *minutes < kMaxMinutes) part.max_time_s = *minutes * 60;
  const auto states = get_strings(object_at(p, "partition"), "state", 8);
  part.up = states.empty() || std::find(states.begin(), states.end(), "UP") != states.end();
  return part;
}

class DataParserApi final : public SlurmApi {
 public:
  explicit DataParserApi(const DataParserDialect& d) : d_(d), prefix_("/slurm/") {
    prefix_ += d_.version;
    prefix_ += '/';
  }

  std::string_view version() const override { return d_.version; }
  std::string ping_target() const override { return prefix_ + "ping"; }
  // Never with ?update_time: 25.05 answers 500 "Unable to query partitions" when nodes changed
  // but partitions did not, and v0.0.40/41 refuse epoch values (README pitfall 4).
  std::string nodes_target() const override { return prefix_ + "nodes"; }
  std::string partitions_target() const override { return prefix_ + "partitions"; }
  std::string jobs_target() const override { return prefix_ + "jobs"; }
  std::string job_target(int64_t job_id) const override {
    return prefix_ + "job/" + std::to_string(job_id);
  }
  std::string submit_target() const override { return prefix_ + "job/submit"; }

  std::string submit_body(const SlurmSubmit& s) const override {
    // The environment is a list of "K=V" and must not be empty: without it the submit fails
    // with 2019 and still consumes a job id.
    json env = json::array();
    for (const auto& [k, v] : s.environment) env.push_back(k + "=" + v);
    if (env.empty()) env.push_back("PATH=/usr/bin:/bin");
    // Numbers as {set, infinite, number}: v0.0.40 warns on every plain integer, and every
    // version takes the object silently.
    const auto num = [](int64_t n) {
      return json{{"set", true}, {"infinite", false}, {"number", n}};
    };
    json job = {{"script", s.script},
                {"name", s.name},
                {"comment", s.comment},
                {"partition", s.partition},
                {"current_working_directory", s.cwd},
                {"standard_output", s.standard_output},
                {"environment", std::move(env)},
                {"time_limit", num(s.time_limit_min)},
                {"cpus_per_task", s.cpus},
                {"memory_per_node", num(s.memory_mb)}};
    if (s.gpus > 0) {
      // tres_per_node, the only GPU request these versions honour (gpus_per_node is an unknown
      // key, ignored with a warning); the type must be spelt as the site's GRES spells it.
      job["tres_per_node"] = "gres/gpu:" + (s.gpu_type.empty() ? std::string() : s.gpu_type + ":") +
                             std::to_string(s.gpus);
    }
    json body = {{"job", std::move(job)}};
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  AdapterResult<void> parse_ping(int status, std::string_view raw) const override {
    if (!is_success(status)) return std::unexpected(fail("ping", status, raw));
    auto body = parse_body(raw, "ping");
    if (!body) return std::unexpected(body.error());
    auto list = answer_items(*body, "pings", "ping", status, raw, /*vague_auth_errors=*/false);
    if (!list) return std::unexpected(list.error());
    if ((*list)->empty()) {
      return adapter_fail_coded(AdapterErrc::bad_response, "",
                                "slurmrestd ping: no controller listed",
                                "adapter.slurm.no_controller", {});
    }
    std::string states;
    for (const auto& p : **list) {
      const auto state = get_string(p, "pinged", 64).value_or("?");
      bool says_no = false;  // v0.0.42+: responding false
      if (d_.ping_responding && p.is_object()) {
        const auto r = p.find("responding");
        says_no = r != p.end() && r->is_boolean() && !r->get<bool>();
      }
      if (state == "UP" && !says_no) return {};
      if (!states.empty()) states += ", ";
      states += get_string(p, "hostname", 256).value_or("?") + " " + state;
    }
    // The ping answers 200 either way: "DOWN" is also what a bad, expired or mismatched token
    // gets (README pitfall 5), so the message names both causes.
    return adapter_fail_coded(AdapterErrc::unreachable, "",
                              "slurmctld is not up: " + states +
                                  " (slurmrestd also says DOWN when credentials.token is invalid, "
                                  "expired or not credentials.user's)",
                              "adapter.slurm.down_or_token", {{"states", states}});
  }

  AdapterResult<std::vector<SlurmNode>> parse_nodes(int status,
                                                    std::string_view raw) const override {
    return parse_list<SlurmNode>(status, raw, "nodes", [](const json& n) {
      auto node = node_from(n);
      return node.name.empty() ? std::nullopt : std::optional<SlurmNode>(std::move(node));
    });
  }

  AdapterResult<std::vector<SlurmPartition>> parse_partitions(int status,
                                                              std::string_view raw) const override {
    return parse_list<SlurmPartition>(status, raw, "partitions", [](const json& p) {
      auto part = partition_from(p);
      return part.name.empty() ? std::nullopt : std::optional<SlurmPartition>(std::move(part));
    });
  }

  AdapterResult<std::vector<SlurmJob>> parse_jobs(int status, std::string_view raw) const override {
    return parse_list<SlurmJob>(status, raw, "jobs", [this](const json& j) {
      auto job = job_from(j);
      const bool usable = job.job_id > 0 && !job.state.empty();
      return usable ? std::optional<SlurmJob>(std::move(job)) : std::nullopt;
    });
  }

  AdapterResult<int64_t> parse_submit(int status, std::string_view raw) const override {
    auto body = parse_body(raw, "submit");
    if (body) {
      // A job id means the job exists, whatever the status and error entries say.
      if (auto id = get_int(*body, "job_id"); id && *id > 0) return *id;
      if (d_.submit_result) {
        if (auto id = get_int(object_at(*body, "result"), "job_id"); id && *id > 0) return *id;
      }
    }
    // No id: refused (2000 bad partition, 2014 unsatisfiable, 2019 environment, 9000 no
    // script), out of reach (1800) or the credentials (511).
    return std::unexpected(fail("submit", status, raw));
  }

  AdapterResult<void> parse_cancel(int status, std::string_view raw) const override {
    if (!is_success(status)) {
      auto e = fail("cancel", status, raw);
      if (e.message.find("[2021]") != std::string::npos) return {};  // kAlreadyDone
      return std::unexpected(std::move(e));
    }
    if (!d_.delete_status) return {};  // v0.0.40/41: 200 for a running, finished or unknown job
    auto body = parse_body(raw, "cancel");
    if (!body) return std::unexpected(body.error());
    auto it = body->find("status");
    if (it == body->end() || !it->is_array()) return {};
    for (const auto& entry : *it) {
      const json& error = object_at(entry, "error");
      const auto code = get_int(error, "code").value_or(0);
      if (code == 0 || code == kAlreadyDone) continue;
      const std::string words =
          get_string(error, "string", 256).value_or("error") + " [" + std::to_string(code) + "]";
      return adapter_fail(code == kInvalidJobId ? AdapterErrc::not_found : AdapterErrc::refused,
                          "slurmrestd cancel: " + words);
    }
    return {};
  }

 private:
  AdapterError fail(std::string_view what, int status, std::string_view raw) const {
    return answer_error(what, status, raw, /*vague_auth_errors=*/false);
  }

  template <class T, class F>
  AdapterResult<std::vector<T>> parse_list(int status, std::string_view raw, std::string_view key,
                                           F&& one) const {
    if (!is_success(status)) return std::unexpected(fail(key, status, raw));
    auto body = parse_body(raw, key);
    if (!body) return std::unexpected(body.error());
    auto list = answer_items(*body, key, key, status, raw, /*vague_auth_errors=*/false);
    if (!list) return std::unexpected(list.error());
    std::vector<T> out;
    for (const auto& item : **list) {
      if (!item.is_object()) continue;
      if (auto v = one(item)) out.push_back(std::move(*v));
    }
    return out;
  }

  SlurmJob job_from(const json& j) const {
    SlurmJob job;
    job.job_id = get_int(j, "job_id").value_or(0);
    job.name = get_string(j, "name", 1024).value_or("");
    job.comment = get_string(j, "comment", 1024).value_or("");
    job.partition = get_string(j, "partition", 256).value_or("");
    // ["RUNNING"], ["PENDING", "REQUEUED"], ["COMPLETED", "COMPLETING"]: a flag that Slurm
    // names ahead of the base state wins, as in v0.0.38's single string.
    const auto states = get_strings(j, "job_state", 16);
    if (!states.empty()) job.state = states.front();
    for (auto flag : kJobStateFlags) {
      if (std::find(states.begin(), states.end(), flag) != states.end()) {
        job.state = flag;
        break;
      }
    }
    job.state_reason = get_string(j, "state_reason", 256).value_or("");
    job.state_description = get_string(j, "state_description", 512).value_or("");
    job.exit_status = raw_exit_status(j);
    job.cpus = static_cast<int>(bounded(number(j, "cpus"), kMaxCpus));
    const auto minutes = number(j, "time_limit");
    if (minutes && *minutes > 0 && *minutes < kMaxMinutes) job.time_limit_s = *minutes * 60;
    job.start_time = unix_time(j, "start_time");
    job.end_time = unix_time(j, "end_time");
    const json& resources = object_at(j, "job_resources");
    job.nodes = d_.job_resources == JobResourcesShape::nodes_string
                    ? get_string(resources, "nodes", 4096).value_or("")
                    : get_string(object_at(resources, "nodes"), "list", 4096).value_or("");
    job.standard_output =
        get_string(j, d_.stdout_expanded ? "stdout_expanded" : "standard_output", 4096)
            .value_or("");
    return job;
  }

  DataParserDialect d_;
  std::string prefix_;
};

}  // namespace

std::unique_ptr<SlurmApi> make_data_parser_api(const DataParserDialect& dialect) {
  return std::make_unique<DataParserApi>(dialect);
}

}  // namespace suanwang::adapters::slurm
