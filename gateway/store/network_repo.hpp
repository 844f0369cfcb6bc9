// Regions and the network matrix in the database.
#pragma once

#include <vector>

#include "gateway/model/region.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

Result<std::vector<model::Region>> load_regions(Db& db);
Result<std::vector<model::NetworkLink>> load_links(Db& db);
// Replaces all regions; fails with a conflict naming the region if a live site or a link still
// refers to a region that would go.
Result<void> replace_regions(Db& db, const std::vector<model::Region>& regions);
Result<void> replace_links(Db& db, const std::vector<model::NetworkLink>& links);

}  // namespace suanwang::store
