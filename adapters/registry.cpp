// The built-in adapter table and the lookups over it.
#include "adapters/registry.hpp"

#include "adapters/local/local_adapter.hpp"
#include "adapters/peer/peer_adapter.hpp"
#include "adapters/sim/sim_adapter.hpp"
#include "adapters/slurm/slurm_adapter.hpp"

namespace suanwang::adapters {

AdapterRegistry AdapterRegistry::builtin() {
  return AdapterRegistry({
      sim::factory(),
      local::factory(),
      slurm::factory(),
      peer::factory(),
  });
}

const AdapterFactory* AdapterRegistry::find(std::string_view type) const {
  for (const auto& f : factories_) {
    if (f.type == type) return &f;
  }
  return nullptr;
}

AdapterResult<void> AdapterRegistry::validate(const AdapterConfig& config) const {
  const auto* f = find(config.type);
  if (f == nullptr) {
    return adapter_fail_coded(AdapterErrc::invalid_config, "type",
                              "unknown adapter type '" + config.type + "'", "adapter.unknown_type",
                              {{"type", config.type}});
  }
  return f->validate(config);
}

AdapterResult<std::unique_ptr<SiteAdapter>> AdapterRegistry::create(
    const AdapterConfig& config, const AdapterContext& context) const {
  if (auto v = validate(config); !v) return std::unexpected(v.error());
  return find(config.type)->create(config, context);
}

const char* adapter_errc_name(AdapterErrc code) {
  switch (code) {
    case AdapterErrc::invalid_config:
      return "invalid_config";
    case AdapterErrc::unreachable:
      return "unreachable";
    case AdapterErrc::timeout:
      return "timeout";
    case AdapterErrc::refused:
      return "refused";
    case AdapterErrc::not_found:
      return "not_found";
    case AdapterErrc::bad_response:
      return "bad_response";
    case AdapterErrc::unsupported:
      return "unsupported";
    case AdapterErrc::internal:
      return "internal";
  }
  return "internal";
}

const char* remote_state_name(RemoteState s) {
  switch (s) {
    case RemoteState::queued:
      return "queued";
    case RemoteState::running:
      return "running";
    case RemoteState::succeeded:
      return "succeeded";
    case RemoteState::failed:
      return "failed";
    case RemoteState::canceled:
      return "canceled";
    case RemoteState::lost:
      return "lost";
  }
  return "lost";
}

}  // namespace suanwang::adapters
