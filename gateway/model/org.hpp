// Org: the unit of ownership and isolation. Its kind is the role of everyone acting for it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/clock.hpp"

namespace suanwang::model {

enum class OrgKind { admin, operator_, user };

const char* org_kind_name(OrgKind k);
std::optional<OrgKind> parse_org_kind(std::string_view s);

struct Org {
  std::string id;
  std::string name;
  OrgKind kind = OrgKind::user;
  std::optional<double> budget_cny;  // placement refuses jobs beyond it (issue: budgets)
  TimePoint created_at{};
};

}  // namespace suanwang::model
