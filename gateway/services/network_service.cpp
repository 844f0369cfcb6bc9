// Regions and the network matrix (see network_service.hpp).
#include "gateway/services/network_service.hpp"

#include <algorithm>

#include "gateway/store/network_repo.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

Result<Page<model::Region>> NetworkService::regions(const PageRequest& page) const {
  // Kept in the order they were given; paged in id order, which a token can resume.
  std::vector<model::Region> all = *geography_.regions();
  std::stable_sort(all.begin(), all.end(),
                   [](const model::Region& a, const model::Region& b) { return a.id < b.id; });
  return page_of(std::move(all), page,
                 [](const model::Region& r) -> const std::string& { return r.id; });
}

asio::awaitable<Result<std::vector<model::Region>>> NetworkService::replace_regions(
    const Caller& caller, const Result<Json>& body) {
  if (!caller.who.is_admin()) {
    co_return fail(Error::coded(Errc::forbidden, "", {"region.admins_only", {}}));
  }
  if (!body) co_return fail(body.error());
  auto regions = model::parse_regions(*body);
  if (!regions) co_return fail(regions.error());
  const AuditEntry replaced =
      audit_.entry(caller, "regions.replace", "regions", "", "", {{"regions", regions->size()}});
  auto r = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto w = store::replace_regions(db, *regions); !w) return w;
      return store::insert_audit(db, replaced);
    });
  });
  if (!r) co_return fail(r.error());
  geography_.set_regions(*regions);
  co_return std::move(*regions);
}

asio::awaitable<Result<std::shared_ptr<const model::Network>>> NetworkService::replace_links(
    const Caller& caller, const Result<Json>& body) {
  if (!caller.who.is_admin()) {
    co_return fail(Error::coded(Errc::forbidden, "", {"network.admins_only", {}}));
  }
  if (!body) co_return fail(body.error());
  auto links = model::parse_links(*body, *geography_.regions());
  if (!links) co_return fail(links.error());
  const AuditEntry replaced =
      audit_.entry(caller, "network.replace", "network", "", "", {{"links", links->size()}});
  auto r = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto w = store::replace_links(db, *links); !w) return w;
      return store::insert_audit(db, replaced);
    });
  });
  if (!r) co_return fail(r.error());
  geography_.set_links(*links);
  co_return geography_.network();
}

}  // namespace suanwang::services
