// Version-independent Slurm rules: GRES strings, node usability, capacity and job states.
#include "adapters/slurm/slurm_model.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "adapters/common/resources.hpp"

namespace suanwang::adapters::slurm {
namespace {

constexpr int kMaxGresCount = 1'000'000;

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string_view> split_top_level(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && depth > 0) --depth;
    if (s[i] == sep && depth == 0) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

std::optional<int> parse_count(std::string_view s) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return static_cast<int>(std::min<int64_t>(n, kMaxGresCount));
}

struct Fit {
  int cpus = 0;
  int64_t memory_mb = 0;
  std::map<std::string, int> gpus;
};

}  // namespace

std::map<std::string, int> parse_gpu_gres(std::string_view gres, std::string_view untyped_model) {
  std::map<std::string, int> out;
  if (gres.size() > 64 * 1024) return out;  // no node has that many GRES: not ours to parse
  for (auto entry : split_top_level(gres, ',')) {
    if (auto paren = entry.find('('); paren != std::string_view::npos) {
      entry = entry.substr(0, paren);
    }
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (size_t i = 0; i <= entry.size(); ++i) {
      if (i == entry.size() || entry[i] == ':') {
        parts.push_back(entry.substr(start, i - start));
        start = i + 1;
      }
    }
    if (parts.empty() || parts[0] != "gpu") continue;
    std::string model;
    std::optional<int> count;
    if (parts.size() == 2) {
      model = std::string(untyped_model);
      count = parse_count(parts[1]);
    } else if (parts.size() == 3 && !parts[1].empty()) {
      model = std::string(parts[1]);
      count = parse_count(parts[2]);
    }
    if (!count || model.empty() || model.size() > 64) continue;
    out[model] = std::min(kMaxGresCount, out[model] + *count);
  }
  return out;
}

std::optional<std::string> site_gpu_type(const std::vector<SlurmNode>& nodes,
                                         std::string_view partition, std::string_view wanted) {
  const auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& node : nodes) {
    if (!has(node.partitions, partition) || !node_usable(node)) continue;
    // Untyped GPUs have no type to spell: an empty model keeps them out of the match.
    for (const auto& [model, n] : parse_gpu_gres(node.gres, "")) {
      if (same(model, wanted)) return model;
    }
  }
  return std::nullopt;
}

bool is_rejected_submit_leftover(const SlurmJob& job) {
  return job.state == "FAILED" && job.state_reason == "BadConstraints";
}

bool node_usable(const SlurmNode& node) {
  static constexpr std::string_view kBadStates[] = {"DOWN", "FUTURE", "UNKNOWN", "ERROR"};
  static constexpr std::string_view kBadFlags[] = {"DRAIN",          "DRAINING",     "DRAINED",
                                                   "NOT_RESPONDING", "FAIL",         "POWERED_DOWN",
                                                   "POWERING_DOWN",  "REBOOT_ISSUED"};
  for (auto s : kBadStates) {
    if (node.state == s) return false;
  }
  for (auto f : kBadFlags) {
    if (has(node.state_flags, f)) return false;
  }
  return node.cpus > 0;
}

PoolCapacity partition_pool(const std::vector<SlurmNode>& nodes, const SlurmPartition& partition,
                            std::string_view untyped_gpu_model) {
  PoolCapacity pool;
  pool.name = partition.name;
  pool.max_walltime_s = partition.max_time_s;
  if (!partition.up) return pool;
  int64_t mem_total = 0;
  int64_t mem_free = 0;
  for (const auto& node : nodes) {
    if (!has(node.partitions, partition.name) || !node_usable(node)) continue;
    pool.cpus_total += node.cpus;
    pool.cpus_free += std::clamp(node.cpus - node.alloc_cpus, 0, node.cpus);
    mem_total += node.real_memory_mb;
    mem_free +=
        std::clamp<int64_t>(node.real_memory_mb - node.alloc_memory_mb, 0, node.real_memory_mb);
    const auto total = parse_gpu_gres(node.gres, untyped_gpu_model);
    const auto used = parse_gpu_gres(node.gres_used, untyped_gpu_model);
    for (const auto& [model, n] : total) {
      auto& acc = pool.accelerators[model];
      acc.total += n;
      const auto it = used.find(model);
      acc.free += std::clamp(n - (it == used.end() ? 0 : it->second), 0, n);
    }
  }
  pool.memory_gb_total = mib_to_gb(mem_total);
  pool.memory_gb_free = mib_to_gb(mem_free);
  return pool;
}

void count_jobs(const std::vector<SlurmJob>& jobs, std::string_view partition, Capacity& capacity) {
  for (const auto& job : jobs) {
    if (job.partition != partition) continue;
    if (job.state == "RUNNING" || job.state == "COMPLETING" || job.state == "CONFIGURING") {
      ++capacity.running_jobs;
    } else if (job.state == "PENDING") {
      ++capacity.queued_jobs;
      capacity.queued_work_core_s +=
          static_cast<double>(std::max(job.cpus, 1)) * static_cast<double>(job.time_limit_s);
    }
  }
}

std::optional<std::string> never_fits(const std::vector<SlurmNode>& nodes,
                                      std::string_view partition, const SlurmSubmit& want,
                                      std::string_view untyped_gpu_model) {
  Fit best;
  bool any = false;
  for (const auto& node : nodes) {
    if (!has(node.partitions, std::string(partition)) || !node_usable(node)) continue;
    any = true;
    const auto gpus = parse_gpu_gres(node.gres, untyped_gpu_model);
    int gpu_count = 0;
    for (const auto& [model, n] : gpus) {
      if (want.gpu_type.empty() || model == want.gpu_type) gpu_count += n;
    }
    const bool cpus_ok = node.cpus >= want.cpus;
    const bool mem_ok = node.real_memory_mb >= want.memory_mb;
    const bool gpus_ok = gpu_count >= want.gpus;
    if (cpus_ok && mem_ok && gpus_ok) return std::nullopt;
    best.cpus = std::max(best.cpus, node.cpus);
    best.memory_mb = std::max(best.memory_mb, node.real_memory_mb);
    for (const auto& [model, n] : gpus) best.gpus[model] = std::max(best.gpus[model], n);
  }
  if (!any) return "partition " + std::string(partition) + " has no usable node";
  if (want.cpus > best.cpus) {
    return "asks for " + std::to_string(want.cpus) + " cpus; the largest node of partition " +
           std::string(partition) + " has " + std::to_string(best.cpus);
  }
  if (want.memory_mb > best.memory_mb) {
    return "asks for " + std::to_string(want.memory_mb) + " MB memory; the largest node of " +
           "partition " + std::string(partition) + " has " + std::to_string(best.memory_mb) + " MB";
  }
  std::string have;
  for (const auto& [model, n] : best.gpus) {
    if (!have.empty()) have += ", ";
    have += std::to_string(n) + " x " + model;
  }
  return "asks for " + std::to_string(want.gpus) + " x " +
         (want.gpu_type.empty() ? std::string("GPU") : want.gpu_type) + "; nodes of partition " +
         std::string(partition) + " have " + (have.empty() ? std::string("no GPUs") : have);
}

std::optional<int> exit_code_of(int raw_status) {
  if ((raw_status & 0x7f) != 0) return std::nullopt;
  return (raw_status >> 8) & 0xff;
}

int signal_of(int raw_status) {
  return raw_status & 0x7f;
}

RemoteStatus to_remote_status(const SlurmJob& job) {
  RemoteStatus s;
  s.remote_id = std::to_string(job.job_id);
  s.started_at = job.start_time;
  const std::string& st = job.state;
  const bool has_reason = !job.state_reason.empty() && job.state_reason != "None";
  const std::string why = has_reason ? " (" + job.state_reason + ")" : std::string();

  if (st == "PENDING" || st == "REQUEUED" || st == "REQUEUE_HOLD" || st == "REQUEUE_FED" ||
      st == "RESV_DEL_HOLD") {
    s.state = RemoteState::queued;
    s.started_at.reset();
    s.reason = "pending" + why;
    return s;
  }
  if (st == "RUNNING" || st == "CONFIGURING" || st == "COMPLETING" || st == "SUSPENDED" ||
      st == "SIGNALING" || st == "STAGE_OUT" || st == "RESIZING" || st == "STOPPED" ||
      st == "POWER_UP_NODE" || st == "UPDATE_DB") {
    s.state = RemoteState::running;
    s.reason = st == "RUNNING" ? std::string("running") : st;
    return s;
  }
  // Final from here on.
  s.finished_at = job.end_time;
  if (job.exit_status) {
    s.exit_code = exit_code_of(*job.exit_status);
  }
  const int sig = job.exit_status ? signal_of(*job.exit_status) : 0;
  if (st == "COMPLETED") {
    s.state = s.exit_code.value_or(0) == 0 ? RemoteState::succeeded : RemoteState::failed;
    if (!s.exit_code) s.exit_code = 0;
    s.reason = "exit code " + std::to_string(*s.exit_code);
    return s;
  }
  if (st == "FAILED") {
    s.state = RemoteState::failed;
    if (sig != 0) {
      s.reason = "FAILED: killed by signal " + std::to_string(sig) + why;
    } else {
      s.reason = "FAILED: exit code " + std::to_string(s.exit_code.value_or(-1)) + why;
    }
    return s;
  }
  if (st == "CANCELLED") {
    s.state = RemoteState::canceled;
    s.reason = "CANCELLED" + why;
    return s;
  }
  if (st == "TIMEOUT") {
    s.state = RemoteState::failed;
    s.reason = "TIMEOUT: walltime exceeded";
    return s;
  }
  if (st == "OUT_OF_MEMORY") {
    s.state = RemoteState::failed;
    s.reason = "OUT_OF_MEMORY: the job exceeded its memory";
    return s;
  }
  if (st == "DEADLINE") {
    s.state = RemoteState::failed;
    s.reason = "DEADLINE: the job's deadline passed";
    return s;
  }
  if (st == "NODE_FAIL" || st == "BOOT_FAIL" || st == "PREEMPTED") {
    // The job did not end on its own: the site lost it (the gateway may place it again).
    s.state = RemoteState::lost;
    s.reason = st + why;
    return s;
  }
  if (st == "REVOKED") {
    s.state = RemoteState::canceled;
    s.reason = "REVOKED: started on another cluster of a federation";
    return s;
  }
  if (st == "SPECIAL_EXIT") {
    s.state = RemoteState::failed;
    s.reason = "SPECIAL_EXIT" + why;
    return s;
  }
  // A state this adapter does not know yet: not final (it may yet end), reported as such.
  s.state = RemoteState::running;
  s.finished_at.reset();
  s.reason = "unrecognised Slurm state '" + st.substr(0, 64) + "'";
  return s;
}

}  // namespace suanwang::adapters::slurm
