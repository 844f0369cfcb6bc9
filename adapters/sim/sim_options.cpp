// Parsing and validation of the sim adapter's options.
#include "adapters/sim/sim_options.hpp"

#include <limits>
#include <set>

#include "adapters/common/options.hpp"

namespace suanwang::adapters::sim {
namespace {

constexpr int64_t kIntMax = std::numeric_limits<int>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr double kDoubleMax = std::numeric_limits<double>::max();

AdapterResult<SimPool> parse_pool(const nlohmann::json& value, const std::string& path) {
  if (!value.is_object()) {
    return option_error(path, "must be a JSON object", "adapter.option.not_object");
  }
  if (auto ok = require_object(value, path,
                               {"name", "cpus", "memory_gb", "accelerators", "max_walltime_s"});
      !ok) {
    return std::unexpected(ok.error());
  }
  SimPool pool;
  auto name = value.find("name");
  if (name == value.end() || !name->is_string() || name->get<std::string>().empty()) {
    return option_error(option_path(path, "name"), "must be a non-empty string",
                        "adapter.option.non_empty_string");
  }
  pool.name = name->get<std::string>();

  auto cpus = optional_int(value, "cpus", path, 1, kIntMax,
                           must_be("a positive integer", "adapter.option.positive_int"));
  if (!cpus) return std::unexpected(cpus.error());
  if (!*cpus)
    return must_be_error(option_path(path, "cpus"),
                         must_be("a positive integer", "adapter.option.positive_int"));
  pool.cpus = static_cast<int>(**cpus);

  auto memory = optional_number(value, "memory_gb", path, 0, kDoubleMax, true,
                                must_be("a positive number", "adapter.option.positive_number"));
  if (!memory) return std::unexpected(memory.error());
  if (!*memory)
    return must_be_error(option_path(path, "memory_gb"),
                         must_be("a positive number", "adapter.option.positive_number"));
  pool.memory_gb = **memory;

  if (auto acc = value.find("accelerators"); acc != value.end() && !acc->is_null()) {
    const auto acc_path = option_path(path, "accelerators");
    if (!acc->is_object()) {
      return option_error(acc_path, "must be an object of model: count",
                          "adapter.sim.accelerators");
    }
    for (const auto& [model, count] : acc->items()) {
      if (model.empty()) {
        return option_error(acc_path, "must not have an empty model name",
                            "adapter.sim.empty_model");
      }
      auto n = optional_int(*acc, model, acc_path, 0, kIntMax,
                            must_be("a non-negative integer", "adapter.option.non_negative_int"));
      if (!n) return std::unexpected(n.error());
      pool.accelerators[model] = static_cast<int>(**n);
    }
  }

  auto walltime = optional_int(
      value, "max_walltime_s", path, 0, kInt64Max,
      must_be("a non-negative integer (0 = no limit)", "adapter.option.walltime_limit"));
  if (!walltime) return std::unexpected(walltime.error());
  pool.max_walltime_s = walltime->value_or(0);
  return pool;
}

}  // namespace

AdapterResult<SimOptions> parse_sim_options(const nlohmann::json& options) {
  constexpr std::string_view kRoot = "options";
  if (auto ok = require_object(options, kRoot,
                               {"pools", "failure_rate", "lose_rate", "default_runtime_s",
                                "exit_code", "rtt_ms", "fault_injection"});
      !ok) {
    return std::unexpected(ok.error());
  }
  SimOptions out;
  const auto pools_path = option_path(kRoot, "pools");
  auto pools = options.is_object() ? options.find("pools") : options.end();
  if (!options.is_object() || pools == options.end() || !pools->is_array() || pools->empty()) {
    return option_error(pools_path, "must be a non-empty array of pools", "adapter.sim.pools");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < pools->size(); ++i) {
    const auto path = option_path(pools_path, i);
    auto pool = parse_pool((*pools)[i], path);
    if (!pool) return std::unexpected(pool.error());
    if (!names.insert(pool->name).second) {
      return option_error(option_path(path, "name"), "repeats the pool name '" + pool->name + "'",
                          "adapter.sim.pool_repeated", {{"name", pool->name}});
    }
    out.pools.push_back(std::move(*pool));
  }

  auto failure = optional_number(options, "failure_rate", kRoot, 0, 1, false, number_in("0", "1"));
  if (!failure) return std::unexpected(failure.error());
  out.failure_rate = failure->value_or(0);

  auto lose = optional_number(options, "lose_rate", kRoot, 0, 1, false, number_in("0", "1"));
  if (!lose) return std::unexpected(lose.error());
  out.lose_rate = lose->value_or(0);

  auto runtime = optional_int(options, "default_runtime_s", kRoot, 1, kInt64Max / 2,
                              must_be("a positive integer", "adapter.option.positive_int"));
  if (!runtime) return std::unexpected(runtime.error());
  out.default_runtime_s = runtime->value_or(30);

  auto exit_code = optional_int(options, "exit_code", kRoot, 0, 255, int_in(0, 255));
  if (!exit_code) return std::unexpected(exit_code.error());
  out.exit_code = static_cast<int>(exit_code->value_or(0));

  auto rtt =
      optional_number(options, "rtt_ms", kRoot, 0, kDoubleMax, false,
                      must_be("a non-negative number", "adapter.option.non_negative_number"));
  if (!rtt) return std::unexpected(rtt.error());
  out.rtt_ms = rtt->value_or(0);

  if (auto f = options.find("fault_injection"); f != options.end() && !f->is_null()) {
    if (!f->is_boolean())
      return option_error(option_path(kRoot, "fault_injection"), "must be a boolean",
                          "adapter.option.boolean");
    out.fault_injection = f->get<bool>();
  }
  return out;
}

}  // namespace suanwang::adapters::sim
