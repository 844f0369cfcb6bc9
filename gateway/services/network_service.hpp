// NetworkService: the regions and the network matrix between them. Everyone reads them;
// admins replace them, in the database first and then in the live Geography.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/federation/geography.hpp"
#include "gateway/model/region.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

class NetworkService {
 public:
  NetworkService(store::Store& store, federation::Geography& geography, AuditService& audit)
      : store_(store), geography_(geography), audit_(audit) {}

  // The regions in id order.
  Result<Page<model::Region>> regions(const PageRequest& page) const;
  std::shared_ptr<const model::Network> network() const { return geography_.network(); }

  // Admins only; the body is looked at after the caller's rights. A region still used by a
  // live site or a link cannot go (conflict).
  boost::asio::awaitable<Result<std::vector<model::Region>>> replace_regions(
      const Caller& caller, const Result<Json>& body);
  boost::asio::awaitable<Result<std::shared_ptr<const model::Network>>> replace_links(
      const Caller& caller, const Result<Json>& body);

 private:
  store::Store& store_;
  federation::Geography& geography_;
  AuditService& audit_;
};

}  // namespace suanwang::services
