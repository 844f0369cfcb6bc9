// Datasets (see dataset_service.hpp).
#include "gateway/services/dataset_service.hpp"

#include "gateway/store/site_repo.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

asio::awaitable<Result<model::Dataset>> DatasetService::create(const Caller& caller,
                                                               const Json& body) {
  auto d = model::parse_dataset(body);
  if (!d) co_return fail(d.error());
  for (std::size_t i = 0; i < d->replicas.size(); ++i) {
    auto& r = d->replicas[i];
    const std::string f = "replicas[" + std::to_string(i) + "]";
    if (!r.site.empty()) {
      auto v = directory_.view(r.site);
      if (!v) {
        co_return fail(
            Error{Errc::unprocessable, f + ".site: unknown site '" + r.site + "'", f + ".site"});
      }
      if (!r.region.empty() && r.region != v->site.region) {
        co_return fail(Error::invalid(
            f + ".region", f + ".region does not match the site's region " + v->site.region));
      }
      r.region = v->site.region;
    } else if (!geography_.has_region(r.region)) {
      co_return fail(Error{Errc::unprocessable, f + ".region: unknown region '" + r.region + "'",
                           f + ".region"});
    }
  }
  d->id = ids_.next("ds");
  d->org_id = caller.who.org_id;
  d->created_at = clock_.now();
  const AuditEntry created =
      audit_.entry(caller, "dataset.create", "dataset", d->id, d->org_id, {{"name", d->name}});
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto r = store::insert_dataset(db, *d); !r) return r;
      return store::insert_audit(db, created);
    });
  });
  if (!ins) co_return fail(ins.error());
  co_return std::move(*d);
}

asio::awaitable<Result<Page<model::Dataset>>> DatasetService::list(const auth::Principal& who,
                                                                   const PageRequest& page) {
  std::optional<std::string> org;
  if (!who.is_admin()) org = who.org_id;
  auto all = co_await store_.run([&](store::Db& db) {
    std::optional<std::string_view> of;
    if (org) of = *org;
    return store::list_datasets(db, of);
  });
  if (!all) co_return fail(all.error());
  co_return page_of(std::move(*all), page,
                    [](const model::Dataset& d) -> const std::string& { return d.id; });
}

asio::awaitable<Result<model::Dataset>> DatasetService::find(const auth::Principal& who,
                                                             const std::string& id) {
  auto d = co_await store_.run([&](store::Db& db) { return store::find_dataset(db, id); });
  if (!d) co_return fail(d.error());
  if (!*d || !who.owns((*d)->org_id)) co_return fail(Error::not_found("no dataset " + id));
  co_return std::move(**d);
}

asio::awaitable<Result<void>> DatasetService::remove(const Caller& caller, const std::string& id) {
  const TimePoint now = clock_.now();
  const auth::Principal& who = caller.who;
  // Found, checked and deleted in one transaction; the audit entry gets the dataset's org there.
  const AuditEntry deleted = audit_.entry(caller, "dataset.delete", "dataset", id, "");
  auto del = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      auto d = store::find_dataset(db, id);
      if (!d) return fail(d.error());
      if (!*d || !who.owns((*d)->org_id)) return fail(Error::not_found("no dataset " + id));
      if (auto r = store::delete_dataset(db, (*d)->org_id, id, now); !r) return fail(r.error());
      AuditEntry e = deleted;
      e.object_org_id = (*d)->org_id;
      return store::insert_audit(db, e);
    });
  });
  if (!del) co_return fail(del.error());
  co_return ok();
}

}  // namespace suanwang::services
