// Principal: who is calling. The role is the kind of the caller's org (DESIGN §5).
#pragma once

#include <string>

#include "gateway/model/org.hpp"

namespace suanwang::auth {

struct Principal {
  std::string org_id;
  std::string org_name;
  model::OrgKind kind = model::OrgKind::user;
  std::string key_id;      // set when authenticated by an API key
  std::string user_id;     // set for a user's session or a user's named key
  std::string email;       // the user's
  std::string org_role;    // the role within the org: "admin" (org-level keys too) or "member"
  std::string session_id;  // set when authenticated by a portal session cookie

  // May manage the org's members and every key of the org.
  bool is_org_admin() const { return org_role == "admin"; }

  bool is_admin() const { return kind == model::OrgKind::admin; }
  bool is_operator() const { return kind == model::OrgKind::operator_; }
  bool is_user() const { return kind == model::OrgKind::user; }
  // May see objects owned by `owner_org_id`: its own org's, or everything for an admin.
  bool owns(const std::string& owner_org_id) const { return is_admin() || org_id == owner_org_id; }
};

}  // namespace suanwang::auth
