// Org kind names as they appear in the API and the database.
#include "gateway/model/org.hpp"

namespace suanwang::model {

const char* org_kind_name(OrgKind k) {
  switch (k) {
    case OrgKind::admin:
      return "admin";
    case OrgKind::operator_:
      return "operator";
    case OrgKind::user:
      return "user";
  }
  return "user";
}

std::optional<OrgKind> parse_org_kind(std::string_view s) {
  if (s == "admin") return OrgKind::admin;
  if (s == "operator") return OrgKind::operator_;
  if (s == "user") return OrgKind::user;
  return std::nullopt;
}

}  // namespace suanwang::model
