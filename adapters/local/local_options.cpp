// Parsing and validation of the local adapter's options.
#include "adapters/local/local_options.hpp"

#include <limits>

#include "adapters/common/options.hpp"

namespace suanwang::adapters::local {

AdapterResult<LocalOptions> parse_local_options(const nlohmann::json& options) {
  constexpr std::string_view kRoot = "options";
  if (auto ok = require_object(options, kRoot, {"cpus", "memory_gb", "max_walltime_s", "rtt_ms", "container_runtime",
                                      "containers_conf"});
      !ok) {
    return std::unexpected(ok.error());
  }
  LocalOptions out;
  auto cpus = optional_int(options, "cpus", kRoot, 1, std::numeric_limits<int>::max(),
                           must_be("a positive integer", "adapter.option.positive_int"));
  if (!cpus) return std::unexpected(cpus.error());
  if (*cpus) out.cpus = static_cast<int>(**cpus);

  auto memory =
      optional_number(options, "memory_gb", kRoot, 0, std::numeric_limits<double>::max(), true,
                      must_be("a positive number", "adapter.option.positive_number"));
  if (!memory) return std::unexpected(memory.error());
  out.memory_gb = *memory;

  auto walltime = optional_int(
      options, "max_walltime_s", kRoot, 0, std::numeric_limits<int64_t>::max(),
      must_be("a non-negative integer (0 = no limit)", "adapter.option.walltime_limit"));
  if (!walltime) return std::unexpected(walltime.error());
  out.max_walltime_s = walltime->value_or(0);

  auto rtt =
      optional_number(options, "rtt_ms", kRoot, 0, std::numeric_limits<double>::max(), false,
                      must_be("a non-negative number", "adapter.option.non_negative_number"));
  if (!rtt) return std::unexpected(rtt.error());

  auto runtime = parse_container_runtime(options, kRoot, {ContainerRuntime::podman});
  if (!runtime) return std::unexpected(runtime.error());
  out.container_runtime = *runtime;
  auto conf = string_option(options, "containers_conf", kRoot, std::string());
  if (!conf) return std::unexpected(conf.error());
  if (!conf->empty() && conf->front() != '/') {
    return option_error(option_path(kRoot, "containers_conf"), "must be an absolute path",
                        "adapter.option.absolute_path");
  }
  out.containers_conf = *conf;
  return out;
}

}  // namespace suanwang::adapters::local
