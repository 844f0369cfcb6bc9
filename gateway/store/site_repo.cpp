// Site and dataset rows. A site's settings are one JSON document (spec_json), validated by
// model::parse_site on the way in and re-read with it on the way out.
#include "gateway/store/site_repo.hpp"

#include "gateway/security/secret_box.hpp"

namespace suanwang::store {
namespace {
constexpr const char* kSiteSelect =
    "SELECT id, org_id, spec_json, status, drained, created_at, updated_at, credentials_sealed"
    " FROM sites";

// Site credentials are sealed under the master key, bound to the site's id; spec_json keeps
// an empty credentials object.
std::string credentials_aad(std::string_view site_id) {
  return "site:" + std::string(site_id);
}

struct SealedCredentials {
  std::optional<std::string> sealed;  // none: the site has no credentials
  std::optional<std::string> key_id;
};

Result<SealedCredentials> seal_credentials(Db& db, const model::Site& s) {
  if (s.adapter.credentials.empty()) return SealedCredentials{};
  if (db.secret_box() == nullptr || db.secret_random() == nullptr) {
    return fail(Error::internal("no master key is loaded; site credentials cannot be stored"));
  }
  auto sealed = db.secret_box()->seal(s.adapter.credentials.dump(), credentials_aad(s.id),
                                      *db.secret_random());
  if (!sealed) return fail(sealed.error());
  return SealedCredentials{*sealed, db.secret_box()->current_key_id()};
}

Result<Json> open_credentials(const Db& db, std::string_view site_id, std::string_view sealed) {
  if (db.secret_box() == nullptr) {
    return fail(Error::internal("no master key is loaded; site credentials cannot be read"));
  }
  auto plain = db.secret_box()->open(sealed, credentials_aad(site_id));
  if (!plain) {
    return fail(Error{
        plain.error().code, "site " + std::string(site_id) + ": " + plain.error().message, {}});
  }
  auto j = parse_json(*plain, 16);
  if (!j || !j->is_object()) {
    return fail(
        Error::internal("site " + std::string(site_id) + ": sealed credentials unreadable"));
  }
  return std::move(*j);
}

Json stored_spec(const model::Site& s) {
  Json doc = model::site_to_stored_json(s);
  doc["adapter"]["credentials"] = Json::object();
  return doc;
}

Result<model::Site> read_site(const Db& db, const Statement& st) {
  auto spec = parse_json(st.text(2), 64);
  if (!spec) return fail(Error::internal("stored site " + st.text(0) + " is unreadable"));
  auto site = model::parse_site(*spec);
  if (!site) {
    return fail(Error::internal("stored site " + st.text(0) +
                                " fails validation: " + site.error().message));
  }
  if (auto sealed = st.opt_text(7)) {
    auto creds = open_credentials(db, st.text(0), *sealed);
    if (!creds) return fail(creds.error());
    site->adapter.credentials = std::move(*creds);
  }
  site->id = st.text(0);
  site->org_id = st.text(1);
  site->status = model::parse_site_status(st.text(3)).value_or(model::SiteStatus::offline);
  site->drained = st.int64(4) != 0;
  site->created_at = from_unix_ms(st.int64(5));
  site->updated_at = from_unix_ms(st.int64(6));
  return site;
}

Result<model::Dataset> read_dataset(const Statement& st) {
  model::Dataset d;
  d.id = st.text(0);
  d.org_id = st.text(1);
  d.name = st.text(2);
  d.size_bytes = st.int64(3);
  auto reps = parse_json(st.text(4), 8);
  if (!reps || !reps->is_array())
    return fail(Error::internal("stored dataset " + d.id + " is unreadable"));
  for (const auto& r : *reps) d.replicas.push_back({r.value("region", ""), r.value("site", "")});
  d.created_at = from_unix_ms(st.int64(5));
  return d;
}
}  // namespace

Result<void> insert_site(Db& db, const model::Site& s) {
  auto st = db.prepare(
      "INSERT INTO sites (id, org_id, name, region, spec_json, status, drained, created_at,"
      " updated_at, credentials_sealed, credentials_key_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  auto creds = seal_credentials(db, s);
  if (!creds) return fail(creds.error());
  st->bind(1, s.id)
      .bind(2, s.org_id)
      .bind(3, s.name)
      .bind(4, s.region)
      .bind(5, stored_spec(s).dump())
      .bind(6, model::site_status_name(s.status))
      .bind(7, s.drained)
      .bind(8, to_unix_ms(s.created_at))
      .bind(9, to_unix_ms(s.updated_at))
      .bind(10, creds->sealed)
      .bind(11, creds->key_id);
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(
        Error{Errc::already_exists, "this org already has a site named '" + s.name + "'", "name"});
  }
  return r;
}

Result<void> update_site(Db& db, const model::Site& s) {
  auto st = db.prepare(
      "UPDATE sites SET name = ?, region = ?, spec_json = ?, status = ?, drained = ?,"
      " updated_at = ?, credentials_sealed = ?, credentials_key_id = ?"
      " WHERE id = ? AND deleted_at IS NULL");
  if (!st) return fail(st.error());
  auto creds = seal_credentials(db, s);
  if (!creds) return fail(creds.error());
  st->bind(1, s.name)
      .bind(2, s.region)
      .bind(3, stored_spec(s).dump())
      .bind(4, model::site_status_name(s.status))
      .bind(5, s.drained)
      .bind(6, to_unix_ms(s.updated_at))
      .bind(7, creds->sealed)
      .bind(8, creds->key_id)
      .bind(9, s.id);
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(
        Error{Errc::already_exists, "this org already has a site named '" + s.name + "'", "name"});
  }
  return r;
}

Result<void> delete_site(Db& db, std::string_view id, TimePoint at) {
  // A deleted site's credentials are of no further use: they go with it.
  auto st = db.prepare(
      "UPDATE sites SET deleted_at = ?, credentials_sealed = NULL, credentials_key_id = NULL"
      " WHERE id = ? AND deleted_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(at)).bind(2, id);
  return st->run();
}

Result<std::vector<model::Site>> list_sites(Db& db) {
  auto st = db.prepare(std::string(kSiteSelect) + " WHERE deleted_at IS NULL ORDER BY id");
  if (!st) return fail(st.error());
  std::vector<model::Site> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto s = read_site(db, *st);
    if (!s) return fail(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<std::optional<model::Site>> find_site(Db& db, std::string_view id) {
  auto st = db.prepare(std::string(kSiteSelect) + " WHERE id = ? AND deleted_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<model::Site>{};
  auto s = read_site(db, *st);
  if (!s) return fail(s.error());
  return std::optional<model::Site>{std::move(*s)};
}

Result<std::optional<SitePricing>> find_site_pricing(Db& db, std::string_view id) {
  auto st =
      db.prepare("SELECT org_id, json_extract(spec_json, '$.pricing') FROM sites WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<SitePricing>{};
  SitePricing out;
  out.org_id = st->text(0);
  if (auto p = parse_json(st->text(1), 8); p && p->is_object()) {
    auto& pricing = out.pricing;
    pricing.cpu_core_hour = p->value("cpu_core_hour", 0.0);
    pricing.memory_gb_hour = p->value("memory_gb_hour", 0.0);
    pricing.egress_gb = p->value("egress_gb", 0.0);
    pricing.billing_granularity_s = p->value("billing_granularity_s", int64_t{1});
    if (const auto g = p->find("gpu_hour"); g != p->end() && g->is_object()) {
      for (const auto& [model, price] : g->items()) {
        if (price.is_number()) pricing.gpu_hour[model] = price.get<double>();
      }
    }
  }
  return std::optional<SitePricing>{std::move(out)};
}

Result<void> insert_dataset(Db& db, const model::Dataset& d) {
  auto st = db.prepare(
      "INSERT INTO datasets (id, org_id, name, size_bytes, replicas_json, created_at)"
      " VALUES (?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  Json reps = Json::array();
  for (const auto& r : d.replicas) reps.push_back({{"region", r.region}, {"site", r.site}});
  st->bind(1, d.id)
      .bind(2, d.org_id)
      .bind(3, d.name)
      .bind(4, d.size_bytes)
      .bind(5, reps.dump())
      .bind(6, to_unix_ms(d.created_at));
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(Error{Errc::already_exists, "a dataset named '" + d.name + "' exists", "name"});
  }
  return r;
}

Result<std::vector<model::Dataset>> list_datasets(Db& db, std::optional<std::string_view> org_id) {
  auto st = db.prepare(
      "SELECT id, org_id, name, size_bytes, replicas_json, created_at FROM datasets"
      " WHERE deleted_at IS NULL AND (?1 IS NULL OR org_id = ?1) ORDER BY id");
  if (!st) return fail(st.error());
  if (org_id) {
    st->bind(1, *org_id);
  } else {
    st->bind_null(1);
  }
  std::vector<model::Dataset> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto d = read_dataset(*st);
    if (!d) return fail(d.error());
    out.push_back(std::move(*d));
  }
  return out;
}

Result<std::optional<model::Dataset>> find_dataset(Db& db, std::string_view id) {
  auto st = db.prepare(
      "SELECT id, org_id, name, size_bytes, replicas_json, created_at FROM datasets"
      " WHERE id = ? AND deleted_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<model::Dataset>{};
  auto d = read_dataset(*st);
  if (!d) return fail(d.error());
  return std::optional<model::Dataset>{std::move(*d)};
}

Result<bool> delete_dataset(Db& db, std::string_view org_id, std::string_view id, TimePoint at) {
  auto st = db.prepare(
      "UPDATE datasets SET deleted_at = ? WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(at)).bind(2, id).bind(3, org_id);
  if (auto r = st->run(); !r) return fail(r.error());
  return db.changes() > 0;
}

Result<int> reseal_site_credentials(Db& db) {
  if (db.secret_box() == nullptr) return fail(Error::internal("no master key is loaded"));
  const std::string current = db.secret_box()->current_key_id();
  struct Row {
    std::string id;
    std::string spec;
    std::optional<std::string> sealed;
  };
  auto rows = db.transaction([&]() -> Result<int> {
    auto st = db.prepare(
        "SELECT id, spec_json, credentials_sealed FROM sites WHERE deleted_at IS NULL AND"
        " ((credentials_sealed IS NOT NULL AND COALESCE(credentials_key_id, '') <> ?1) OR"
        "  json_extract(spec_json, '$.adapter.credentials') <> '{}')");
    if (!st) return fail(st.error());
    st->bind(1, current);
    std::vector<Row> todo;
    for (;;) {
      auto row = st->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      todo.push_back({st->text(0), st->text(1), st->opt_text(2)});
    }
    for (const auto& r : todo) {
      auto spec = parse_json(r.spec, 64);
      if (!spec || !spec->is_object()) {
        return fail(Error::internal("stored site " + r.id + " is unreadable"));
      }
      Json creds = (*spec)["adapter"].value("credentials", Json::object());
      if (r.sealed) {
        auto opened = open_credentials(db, r.id, *r.sealed);
        if (!opened) return fail(opened.error());
        creds = std::move(*opened);
      }
      (*spec)["adapter"]["credentials"] = Json::object();
      model::Site s;
      s.id = r.id;
      s.adapter.credentials = creds;
      auto sealed = seal_credentials(db, s);
      if (!sealed) return fail(sealed.error());
      auto up = db.prepare(
          "UPDATE sites SET spec_json = ?, credentials_sealed = ?, credentials_key_id = ?"
          " WHERE id = ?");
      if (!up) return fail(up.error());
      up->bind(1, spec->dump()).bind(2, sealed->sealed).bind(3, sealed->key_id).bind(4, r.id);
      if (auto e = up->run(); !e) return fail(e.error());
    }
    // Deleted sites keep no credentials at all.
    if (auto e = db.exec("UPDATE sites SET credentials_sealed = NULL, credentials_key_id = NULL,"
                         " spec_json = json_set(spec_json, '$.adapter.credentials', json('{}'))"
                         " WHERE deleted_at IS NOT NULL AND (credentials_sealed IS NOT NULL OR"
                         " json_extract(spec_json, '$.adapter.credentials') <> '{}')");
        !e) {
      return fail(e.error());
    }
    return static_cast<int>(todo.size());
  });
  return rows;
}

}  // namespace suanwang::store
