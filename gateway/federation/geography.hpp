// Geography: the regions and the network matrix, kept in memory for placement and updated
// when an admin replaces them. Thread-safe; readers get an immutable snapshot.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "gateway/model/region.hpp"

namespace suanwang::federation {

class Geography {
 public:
  void set(std::vector<model::Region> regions, std::vector<model::NetworkLink> links);
  void set_regions(std::vector<model::Region> regions);
  void set_links(std::vector<model::NetworkLink> links);

  std::shared_ptr<const std::vector<model::Region>> regions() const;
  std::shared_ptr<const model::Network> network() const;
  bool has_region(const std::string& id) const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const std::vector<model::Region>> regions_ =
      std::make_shared<std::vector<model::Region>>();
  std::shared_ptr<const model::Network> network_ = std::make_shared<model::Network>();
};

}  // namespace suanwang::federation
