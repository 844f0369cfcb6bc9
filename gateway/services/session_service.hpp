// SessionService: portal sign-in and sign-out. A session is a random token whose hash alone is
// stored; the cookie and its CSRF token are the API's business.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/config.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/random.hpp"
#include "gateway/security/password.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/store/store.hpp"
#include "gateway/store/user_repo.hpp"

namespace suanwang::services {

struct NewSession {
  auth::Principal who;  // the signed-in user, as later requests with the cookie will see it
  std::string token;    // the cookie's value; never stored
  TimePoint expires_at{};
};

class SessionService {
 public:
  SessionService(store::Store& store, security::PasswordHasher& passwords, IdGenerator& ids,
                 Random& random, const Clock& clock, const Config& config, AuditService& audit)
      : store_(store),
        passwords_(passwords),
        ids_(ids),
        random_(random),
        clock_(clock),
        config_(config),
        audit_(audit) {}

  // Checks the password of the enabled user with this email (lower-cased) and opens a session.
  // A wrong email costs as long as a wrong password, and both are the same unauthenticated
  // error; the refusal is audited.
  boost::asio::awaitable<Result<NewSession>> login(const Caller& caller, std::string email,
                                                   std::string password);
  // Ends the caller's session ("this") or every session of its user ("all").
  boost::asio::awaitable<Result<void>> logout(const Caller& caller, const std::string& scope);

 private:
  store::Store& store_;
  security::PasswordHasher& passwords_;
  IdGenerator& ids_;
  Random& random_;
  const Clock& clock_;
  const Config& config_;
  AuditService& audit_;
};

}  // namespace suanwang::services
