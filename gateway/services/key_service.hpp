// KeyService: API keys — create (the secret is shown once), list and revoke. A signed-in
// user's keys are the user's own; org admins and platform admins manage every key of the org;
// a member sees and revokes only its own. Another org's keys are not_found.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/auth/authenticator.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/random.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

using ApiKeyRecord = store::ApiKeyRecord;

struct CreatedKey {
  ApiKeyRecord key;
  std::string secret;  // the only time it is ever shown
};

class KeyService {
 public:
  KeyService(store::Store& store, auth::Authenticator& auth, IdGenerator& ids, Random& random,
             const Clock& clock, AuditService& audit)
      : store_(store), auth_(auth), ids_(ids), random_(random), clock_(clock), audit_(audit) {}

  // {name, org_id?} (org_id: the caller's org by default).
  boost::asio::awaitable<Result<CreatedKey>> create(const Caller& caller, const Result<Json>& body);
  // The keys of `org_id` (the caller's by default) the caller may see, in id order.
  boost::asio::awaitable<Result<Page<ApiKeyRecord>>> list(const auth::Principal& who,
                                                          std::optional<std::string> org_id,
                                                          const PageRequest& page);
  boost::asio::awaitable<Result<void>> revoke(const Caller& caller, const std::string& id);

 private:
  store::Store& store_;
  auth::Authenticator& auth_;
  IdGenerator& ids_;
  Random& random_;
  const Clock& clock_;
  AuditService& audit_;
};

}  // namespace suanwang::services
