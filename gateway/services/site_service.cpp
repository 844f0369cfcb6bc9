// The sites of the federation (see site_service.hpp).
#include "gateway/services/site_service.hpp"

#include "gateway/core/json.hpp"
#include "gateway/services/not_found.hpp"
#include "gateway/store/job_repo.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

namespace {
// The operator's connection check (SiteAdapter::check_connection) on the adapter's strand.
asio::awaitable<adapters::AdapterResult<void>> connection_checked(adapters::SiteAdapter& adapter) {
  co_return co_await adapter.check_connection();
}

asio::awaitable<adapters::AdapterResult<adapters::Capacity>> first_capacity(
    adapters::SiteAdapter& adapter) {
  co_return co_await adapter.capacity();
}

// health(), then describe(), on the adapter's strand (see admit()).
asio::awaitable<adapters::AdapterResult<adapters::Health>> health_described(
    adapters::SiteAdapter& adapter, adapters::Description& described) {
  auto h = co_await adapter.health();
  described = adapter.describe();
  co_return h;
}
}  // namespace

// The settings are checked against the site itself first: a wrong address, token or partition
// is the operator's 400, naming the field, in the site's own words. What the gateway then learns
// (release, API version, pools, accelerators, container runtime) is in the answer at once, not
// after the first capacity poll.
asio::awaitable<Result<void>> SiteService::admit(std::string site_id) {
  auto checked = co_await directory_.call(site_id, &connection_checked);
  if (!checked) {
    const std::string field =
        checked.error().field.empty() ? "adapter" : "adapter." + checked.error().field;
    co_return fail(federation::adapter_problem("site.check_failed", field, checked.error()));
  }
  adapters::Description described;
  auto h = co_await directory_.call(
      site_id, [&](adapters::SiteAdapter& a) { return health_described(a, described); });
  if (!h && h.error().code == adapters::AdapterErrc::invalid_config) {
    co_return fail(federation::adapter_problem("site.check_failed", "adapter", h.error()));
  }
  if (!described.adapter.empty()) directory_.record_description(site_id, std::move(described));
  if (h && h->reachable) {
    if (auto cap = co_await directory_.call(site_id, &first_capacity)) {
      directory_.record_capacity(site_id, federation::to_model(*cap), h->rtt_ms);
      // This answer is the site's first report: it is online from here, not `checking` until
      // the next capacity round (a job sent to it at once would otherwise wait for that).
      if (auto changed = directory_.record_success(site_id)) {
        auto stored =
            co_await store_.run([&](store::Db& db) { return store::update_site(db, *changed); });
        if (!stored) co_return fail(stored.error());
      }
    }
  }
  co_return ok();
}

Result<model::Site> SiteService::validate(const Json& doc) const {
  auto site = model::parse_site(doc);
  if (!site) return site;
  if (!geography_.has_region(site->region)) {
    return fail(Error::coded(Errc::unprocessable, "region",
                             {"region.unknown", {{"field", "region"}, {"region", site->region}}}));
  }
  if (auto v = registry_.validate(federation::to_adapter_config(site->adapter)); !v) {
    return fail(federation::adapter_problem("site.adapter_invalid", "adapter", v.error()));
  }
  return site;
}

Result<federation::SiteView> SiteService::current(const std::string& id) const {
  auto v = directory_.view(id);
  if (!v) return fail(no_site(id));
  return std::move(*v);
}

Result<federation::SiteView> SiteService::find(const std::string& id) const {
  return current(id);
}

Result<federation::SiteView> SiteService::owned(const auth::Principal& who,
                                                const std::string& id) const {
  auto v = current(id);
  if (!v) return v;
  if (!who.owns(v->site.org_id)) {
    return fail(Error::coded(Errc::forbidden, "",
                             {"site.not_yours", {{"id", id}, {"name", v->site.name}}}));
  }
  return v;
}

asio::awaitable<Result<federation::SiteView>> SiteService::create(const Caller& caller,
                                                                  const Json& doc) {
  if (!caller.who.is_operator() && !caller.who.is_admin()) {
    co_return fail(Error::coded(Errc::forbidden, "", {"site.operators_only", {}}));
  }
  auto site = validate(doc);
  if (!site) co_return fail(site.error());
  site->id = ids_.next("site");
  site->org_id = caller.who.org_id;
  site->created_at = site->updated_at = clock_.now();
  // Until it first reports: at once when the registration's check reads its capacity (admit),
  // else at the first capacity round that hears from it.
  site->status = model::SiteStatus::checking;
  Json detail = {{"name", site->name}, {"adapter", site->adapter.type}};
  const AuditEntry created =
      audit_.entry(caller, "site.create", "site", site->id, site->org_id, std::move(detail));
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto r = vault_.insert_site(db, *site); !r) return r;
      return store::insert_audit(db, created);
    });
  });
  if (!ins) co_return fail(ins.error());
  Result<void> up = directory_.upsert(*site);
  if (up) {
    up = co_await admit(site->id);
    if (!up) directory_.remove(site->id);
  }
  if (!up) {
    // The adapter passed validation but would not start, or found its site unusable: the site is
    // taken out again, so the database does not list a site the federation does not run.
    const TimePoint now = clock_.now();
    const AuditEntry undone = audit_.entry(caller, "site.delete", "site", site->id, site->org_id,
                                           {{"reason", up.error().message}});
    auto del = co_await store_.run([&](store::Db& db) {
      return db.transaction([&]() -> Result<void> {
        if (auto r = store::delete_site(db, site->id, now); !r) return r;
        return store::insert_audit(db, undone);
      });
    });
    (void)del;  // a failure leaves a stored site that the next start lists as offline
    co_return fail(up.error());
  }
  co_return current(site->id);
}

Result<Page<federation::SiteView>> SiteService::list(const auth::Principal& who,
                                                     const std::optional<std::string>& region,
                                                     const PageRequest& page) const {
  // The snapshot is in id order and leaves out adapter options; an owner is shown them, from
  // the full view, for the sites of the page only.
  const auto views = directory_.snapshot();
  std::vector<const federation::SiteView*> matching;
  for (const auto& v : *views) {
    if (!region || v.site.region == *region) matching.push_back(&v);
  }
  auto refs =
      page_of(std::move(matching), page,
              [](const federation::SiteView* v) -> const std::string& { return v->site.id; });
  if (!refs) return fail(refs.error());
  Page<federation::SiteView> out;
  out.next_token = std::move(refs->next_token);
  out.items.reserve(refs->items.size());
  for (const auto* v : refs->items) {
    std::optional<federation::SiteView> full;
    if (who.owns(v->site.org_id)) full = directory_.view(v->site.id);
    out.items.push_back(full ? std::move(*full) : *v);
  }
  return out;
}

asio::awaitable<Result<federation::SiteView>> SiteService::patch(const Caller& caller,
                                                                 const std::string& id,
                                                                 const Json& patch) {
  auto v = owned(caller.who, id);
  if (!v) co_return fail(v.error());
  if (auto o = JsonReader(patch, "").expect_object(); !o) co_return fail(o.error());
  const bool adapter_patched = patch.contains("adapter");
  for (const auto& [k, val] : patch.items()) {
    if (k == "id" || k == "org_id" || k == "status" || k == "created_at" || k == "updated_at") {
      co_return fail(Error::invalid_coded(
          k, {k == "status" ? "site.status_fixed" : "site.field_fixed", {{"field", k}}}));
    }
  }
  Json doc = model::site_to_stored_json(v->site);
  doc.merge_patch(patch);
  auto site = validate(doc);
  if (!site) co_return fail(site.error());
  const model::Site& before = v->site;
  site->id = before.id;
  site->org_id = before.org_id;
  site->status = before.status;
  site->drained = before.drained;
  site->created_at = before.created_at;
  site->updated_at = clock_.now();
  // The changed fields' names only: values may be credentials.
  Json fields = Json::array();
  for (const auto& [k, val] : patch.items()) fields.push_back(k);
  const AuditEntry updated = audit_.entry(caller, "site.update", "site", site->id, site->org_id,
                                          {{"fields", std::move(fields)}});
  auto up = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto r = vault_.update_site(db, *site); !r) return r;
      return store::insert_audit(db, updated);
    });
  });
  if (!up) co_return fail(up.error());
  Result<void> d = directory_.upsert(*site);
  if (d && adapter_patched) {
    d = co_await admit(site->id);
    if (!d) (void)directory_.upsert(before);
  }
  if (!d) {
    // The new adapter settings would not start or found the site unusable: the stored site goes
    // back to what still runs.
    auto back = co_await store_.run([&](store::Db& db) { return vault_.update_site(db, before); });
    (void)back;
    co_return fail(d.error());
  }
  co_return current(site->id);
}

asio::awaitable<Result<void>> SiteService::remove(const Caller& caller, const std::string& id) {
  auto v = owned(caller.who, id);
  if (!v) co_return fail(v.error());
  const TimePoint now = clock_.now();
  const AuditEntry deleted = audit_.entry(caller, "site.delete", "site", id, v->site.org_id);
  auto del = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      auto active = store::active_jobs_on_site(db, id, 5);
      if (!active) return fail(active.error());
      if (active->count > 0) {
        // Named, so that the operator knows which jobs to wait for (the oldest five).
        std::string listed;
        for (const auto& job : active->first_ids) listed += (listed.empty() ? "" : ", ") + job;
        if (active->count > static_cast<int64_t>(active->first_ids.size())) listed += ", …";
        return fail(Error::coded(
            Errc::conflict, "",
            {active->count == 1 ? "site.delete_active_one" : "site.delete_active",
             {{"id", id},
              {"name", v->site.name},
              {"name_zh", v->site.name_zh},
              {"jobs", std::to_string(active->count)},
              {"job_ids", listed}}}));
      }
      if (auto r = store::delete_site(db, id, now); !r) return r;
      return store::insert_audit(db, deleted);
    });
  });
  if (!del) co_return fail(del.error());
  directory_.remove(id);
  co_return ok();
}

asio::awaitable<Result<federation::SiteView>> SiteService::set_drain(const Caller& caller,
                                                                     const std::string& id,
                                                                     bool drain) {
  auto v = owned(caller.who, id);
  if (!v) co_return fail(v.error());
  model::Site site = v->site;
  site.drained = drain;
  site.status = drain ? model::SiteStatus::draining : model::SiteStatus::online;
  site.updated_at = clock_.now();
  std::string action = drain ? "site.drain" : "site.undrain";
  const AuditEntry changed = audit_.entry(caller, std::move(action), "site", site.id, site.org_id);
  auto up = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto r = store::update_site(db, site); !r) return r;
      return store::insert_audit(db, changed);
    });
  });
  if (!up) co_return fail(up.error());
  directory_.update_config(site);
  co_return current(site.id);
}

}  // namespace suanwang::services
