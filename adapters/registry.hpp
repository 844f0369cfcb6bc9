// The explicit table of built-in adapters (no static self-registration). The gateway asks the
// registry to validate a site's adapter settings and to build the live adapter.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

struct AdapterFactory {
  std::string_view type;
  std::string_view summary;
  // Checks the settings without side effects; the error names the offending option.
  AdapterResult<void> (*validate)(const AdapterConfig& config);
  // Builds the adapter; `config` has passed `validate`.
  AdapterResult<std::unique_ptr<SiteAdapter>> (*create)(const AdapterConfig& config,
                                                        const AdapterContext& context);
};

class AdapterRegistry {
 public:
  // The built-in table: sim, local, slurm, peer.
  static AdapterRegistry builtin();

  explicit AdapterRegistry(std::vector<AdapterFactory> factories)
      : factories_(std::move(factories)) {}

  const AdapterFactory* find(std::string_view type) const;
  std::span<const AdapterFactory> all() const { return factories_; }

  AdapterResult<void> validate(const AdapterConfig& config) const;
  AdapterResult<std::unique_ptr<SiteAdapter>> create(const AdapterConfig& config,
                                                     const AdapterContext& context) const;

 private:
  std::vector<AdapterFactory> factories_;
};

}  // namespace suanwang::adapters
