// AuditService: the audit log — the entry each change writes (in the change's own transaction,
// so a change and its record commit together), the best-effort record of events that change
// nothing (a failed sign-in), and the reading of the log by its readers.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/auth/principal.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/services/page.hpp"
#include "gateway/store/audit_repo.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

using AuditEntry = store::AuditEntry;

// Who asks for a change, and through which request: what the audit log records of it.
struct Caller {
  // A constructor, so that a Caller is not an aggregate: handlers pass it as a temporary to
  // awaited calls, which g++ 12 gets wrong for aggregates (gateway/core/coro.hpp).
  Caller(auth::Principal who_, std::string request_id_, std::string remote_)
      : who(std::move(who_)), request_id(std::move(request_id_)), remote(std::move(remote_)) {}

  auth::Principal who;
  std::string request_id;
  std::string remote;  // the caller's address
};

class AuditService {
 public:
  AuditService(store::Store& store, const Clock& clock, Logger& log)
      : store_(store), clock_(clock), log_(log) {}

  // The entry for a change made by `caller` now (the detail never holds a secret).
  AuditEntry entry(const Caller& caller, std::string action, std::string object_type,
                   std::string object_id, std::string object_org_id,
                   Json detail = Json::object()) const;
  // Records an entry on its own, best effort: a failure is logged, not returned. For what is
  // not a change written in a transaction of its own (a refused sign-in).
  boost::asio::awaitable<void> record(AuditEntry entry);

  // Admins read every entry (or one org's, org_id); others the entries on their own org's
  // objects or made by its members. Newest first.
  boost::asio::awaitable<Result<Page<AuditEntry>>> list(const auth::Principal& who,
                                                        std::optional<std::string> org_id,
                                                        std::optional<std::string> action,
                                                        const PageRequest& page);

 private:
  store::Store& store_;
  const Clock& clock_;
  Logger& log_;
};

}  // namespace suanwang::services
