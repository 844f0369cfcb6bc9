// In-memory regions and network matrix.
#include "gateway/federation/geography.hpp"

#include <algorithm>

namespace suanwang::federation {

void Geography::set(std::vector<model::Region> regions, std::vector<model::NetworkLink> links) {
  set_regions(std::move(regions));
  set_links(std::move(links));
}

void Geography::set_regions(std::vector<model::Region> regions) {
  auto r = std::make_shared<const std::vector<model::Region>>(std::move(regions));
  std::lock_guard lock(mu_);
  regions_ = std::move(r);
}

void Geography::set_links(std::vector<model::NetworkLink> links) {
  auto n = std::make_shared<const model::Network>(std::move(links));
  std::lock_guard lock(mu_);
  network_ = std::move(n);
}

std::shared_ptr<const std::vector<model::Region>> Geography::regions() const {
  std::lock_guard lock(mu_);
  return regions_;
}

std::shared_ptr<const model::Network> Geography::network() const {
  std::lock_guard lock(mu_);
  return network_;
}

bool Geography::has_region(const std::string& id) const {
  auto r = regions();
  return std::any_of(r->begin(), r->end(), [&](const auto& x) { return x.id == id; });
}

}  // namespace suanwang::federation
