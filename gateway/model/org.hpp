// Org: the unit of ownership and isolation. Its kind is the role of everyone acting for it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/clock.hpp"
#include "gateway/core/enum_names.hpp"

namespace suanwang::model {

enum class OrgKind { admin, operator_, user };
inline constexpr EnumNames<OrgKind, 3> kOrgKindNames(
    {{{OrgKind::admin, "admin"}, {OrgKind::operator_, "operator"}, {OrgKind::user, "user"}}});
inline const char* org_kind_name(OrgKind k) {
  return kOrgKindNames.name(k);
}
inline std::optional<OrgKind> parse_org_kind(std::string_view s) {
  return kOrgKindNames.parse(s);
}

struct Org {
  std::string id;
  std::string name;
  OrgKind kind = OrgKind::user;
  std::optional<double> budget_cny;  // placement refuses jobs beyond it (issue: budgets)
  TimePoint created_at{};
};

// An org's money as stored: its budget, what it has been charged, what its jobs in flight hold
// (their estimated cost), and its prepaid balance. Figures only: what they leave to spend is
// accounting's to say (gateway/accounting/spending).
struct OrgMoney {
  std::optional<double> budget_cny;  // none = no budget
  double spent_cny = 0;
  double held_cny = 0;
  std::optional<double> credit_cny;  // the prepaid balance; none = no prepaid account
};

}  // namespace suanwang::model
