// Dataset: a named object with a size and replicas in regions or at sites (DESIGN §2).
#pragma once

#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/json.hpp"

namespace suanwang::model {

struct Replica {
  std::string region;  // always set (a site replica carries its site's region)
  std::string site;    // optional: the replica sits at this site
};

struct Dataset {
  std::string id;
  std::string org_id;
  std::string name;
  int64_t size_bytes = 0;
  std::vector<Replica> replicas;
  TimePoint created_at{};
};

// A create body -> a Dataset without id/org/timestamps. The caller checks that regions and
// sites exist and fills a site replica's region.
Result<Dataset> parse_dataset(const Json& body);
Json to_json(const Dataset& d);

}  // namespace suanwang::model
