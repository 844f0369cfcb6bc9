// Principal: who is calling. The role is the kind of the caller's org (DESIGN §5).
#pragma once

#include <string>

#include "gateway/model/org.hpp"

namespace suanwang::auth {

struct Principal {
  std::string org_id;
  std::string org_name;
  model::OrgKind kind = model::OrgKind::user;
  std::string key_id;

  bool is_admin() const { return kind == model::OrgKind::admin; }
  bool is_operator() const { return kind == model::OrgKind::operator_; }
  bool is_user() const { return kind == model::OrgKind::user; }
  // May see objects owned by `owner_org_id`: its own org's, or everything for an admin.
  bool owns(const std::string& owner_org_id) const { return is_admin() || org_id == owner_org_id; }
};

}  // namespace suanwang::auth
