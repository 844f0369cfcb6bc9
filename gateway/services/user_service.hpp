// UserService: an org's people. Platform admins and the org's own admins (users with role
// "admin", and org-level API keys) add and disable members; every member may list them.
// Another org's users are not_found. Disabling a user revokes its sessions and keys with it.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/auth/authenticator.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/security/password.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/store/store.hpp"
#include "gateway/store/user_repo.hpp"

namespace suanwang::services {

using UserRecord = store::UserRecord;

class UserService {
 public:
  UserService(store::Store& store, auth::Authenticator& auth, security::PasswordHasher& passwords,
              IdGenerator& ids, const Clock& clock, AuditService& audit)
      : store_(store),
        auth_(auth),
        passwords_(passwords),
        ids_(ids),
        clock_(clock),
        audit_(audit) {}

  // {email, password, name?, role?} (role "admin" or "member", the default).
  boost::asio::awaitable<Result<UserRecord>> create(const Caller& caller, const std::string& org_id,
                                                    const Result<Json>& body);
  // The org's users, in id order.
  boost::asio::awaitable<Result<Page<UserRecord>>> list(const auth::Principal& who,
                                                        const std::string& org_id,
                                                        const PageRequest& page);
  boost::asio::awaitable<Result<void>> disable(const Caller& caller, const std::string& org_id,
                                               const std::string& user_id);

 private:
  store::Store& store_;
  auth::Authenticator& auth_;
  security::PasswordHasher& passwords_;
  IdGenerator& ids_;
  const Clock& clock_;
  AuditService& audit_;
};

}  // namespace suanwang::services
