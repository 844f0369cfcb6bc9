// Site rows. A site's settings are one JSON document (spec_json), validated by
// model::parse_site on the way in and re-read with it on the way out.
#include "gateway/store/site_repo.hpp"

namespace suanwang::store {
namespace {
constexpr const char* kSiteSelect =
    "SELECT id, org_id, spec_json, status, drained, created_at, updated_at, credentials_sealed,"
    " credentials_key_id FROM sites";

// A site with credentials in the clear and nothing sealed would lose them: refused.
Result<void> check_sealed(const model::Site& s, const SealedCredentials& c) {
  if (!s.adapter.credentials.empty() && !c.sealed) {
    return fail(Error::internal("no master key is loaded; site credentials cannot be stored"));
  }
  return ok();
}

Json stored_spec(const model::Site& s) {
  Json doc = model::site_to_stored_json(s);
  doc["adapter"]["credentials"] = Json::object();
  return doc;
}

Result<StoredSite> read_site(const Statement& st) {
  auto spec = parse_json(st.text(2), 64);
  if (!spec) return fail(Error::internal("stored site " + st.text(0) + " is unreadable"));
  auto site = model::parse_site(*spec);
  if (!site) {
    return fail(Error::internal("stored site " + st.text(0) +
                                " fails validation: " + site.error().message));
  }
  // Credentials are in credentials_sealed; spec_json holds none, but for a row written before
  // migration 0003 and not yet re-sealed (services::SiteVault::reseal runs at every start-up).
  site->id = st.text(0);
  site->org_id = st.text(1);
  site->status = model::parse_site_status(st.text(3)).value_or(model::SiteStatus::offline);
  site->drained = st.int64(4) != 0;
  site->created_at = from_unix_ms(st.int64(5));
  site->updated_at = from_unix_ms(st.int64(6));
  return StoredSite{std::move(*site), {st.opt_text(7), st.opt_text(8)}};
}

}  // namespace

Result<void> insert_site(Db& db, const model::Site& s, const SealedCredentials& creds) {
  if (auto c = check_sealed(s, creds); !c) return c;
  auto st = db.prepare(
      "INSERT INTO sites (id, org_id, name, region, spec_json, status, drained, created_at,"
      " updated_at, credentials_sealed, credentials_key_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, s.id)
      .bind(2, s.org_id)
      .bind(3, s.name)
      .bind(4, s.region)
      .bind(5, stored_spec(s).dump())
      .bind(6, model::site_status_name(s.status))
      .bind(7, s.drained)
      .bind(8, to_unix_ms(s.created_at))
      .bind(9, to_unix_ms(s.updated_at))
      .bind(10, creds.sealed)
      .bind(11, creds.key_id);
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(
        Error::coded(Errc::already_exists, "name", {"site.name_taken", {{"name", s.name}}}));
  }
  return r;
}

namespace {
// update_site with or without new credentials.
Result<void> write_site(Db& db, const model::Site& s, const SealedCredentials* creds) {
  auto st = db.prepare(creds != nullptr
                           ? "UPDATE sites SET name = ?1, region = ?2, spec_json = ?3, status = ?4,"
                             " drained = ?5, updated_at = ?6, credentials_sealed = ?7,"
                             " credentials_key_id = ?8 WHERE id = ?9 AND deleted_at IS NULL"
                           : "UPDATE sites SET name = ?1, region = ?2, spec_json = ?3, status = ?4,"
                             " drained = ?5, updated_at = ?6 WHERE id = ?9 AND deleted_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, s.name)
      .bind(2, s.region)
      .bind(3, stored_spec(s).dump())
      .bind(4, model::site_status_name(s.status))
      .bind(5, s.drained)
      .bind(6, to_unix_ms(s.updated_at))
      .bind(9, s.id);
  if (creds != nullptr) st->bind(7, creds->sealed).bind(8, creds->key_id);
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(
        Error::coded(Errc::already_exists, "name", {"site.name_taken", {{"name", s.name}}}));
  }
  return r;
}
}  // namespace

Result<void> update_site(Db& db, const model::Site& s) {
  return write_site(db, s, nullptr);
}

Result<void> update_site(Db& db, const model::Site& s, const SealedCredentials& creds) {
  if (auto c = check_sealed(s, creds); !c) return c;
  return write_site(db, s, &creds);
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

Result<std::vector<StoredSite>> list_sites(Db& db) {
  auto st = db.prepare(std::string(kSiteSelect) + " WHERE deleted_at IS NULL ORDER BY id");
  if (!st) return fail(st.error());
  std::vector<StoredSite> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto s = read_site(*st);
    if (!s) return fail(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<std::optional<StoredSite>> find_site(Db& db, std::string_view id) {
  auto st = db.prepare(std::string(kSiteSelect) + " WHERE id = ? AND deleted_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<StoredSite>{};
  auto s = read_site(*st);
  if (!s) return fail(s.error());
  return std::optional<StoredSite>{std::move(*s)};
}

Result<std::optional<SitePricing>> find_site_pricing(Db& db, std::string_view id) {
  auto st = db.prepare(
      "SELECT s.org_id, json_extract(s.spec_json, '$.pricing'),"
      " json_extract(s.spec_json, '$.energy'), r.id, r.side, r.carbon_g_per_kwh, r.green_share,"
      " r.pue_target FROM sites s LEFT JOIN regions r ON r.id = s.region WHERE s.id = ?");
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
  if (!st->is_null(2)) {
    if (auto e = parse_json(st->text(2), 8); e && e->is_object()) {
      if (auto energy = model::parse_site_energy(*e, "energy")) out.energy = std::move(*energy);
    }
  }
  if (!st->is_null(3)) {
    model::Region r;
    r.id = st->text(3);
    r.side = st->text(4);
    r.carbon_g_per_kwh = st->opt_real(5);
    r.green_share = st->opt_real(6);
    r.pue_target = st->opt_real(7);
    out.region = std::move(r);
  }
  return std::optional<SitePricing>{std::move(out)};
}

Result<std::vector<CredentialsToReseal>> list_credentials_to_reseal(
    Db& db, std::string_view current_key_id) {
  auto st = db.prepare(
      "SELECT id, json_extract(spec_json, '$.adapter.credentials'), credentials_sealed FROM sites"
      " WHERE deleted_at IS NULL AND"
      " ((credentials_sealed IS NOT NULL AND COALESCE(credentials_key_id, '') <> ?1) OR"
      "  json_extract(spec_json, '$.adapter.credentials') <> '{}')");
  if (!st) return fail(st.error());
  st->bind(1, current_key_id);
  std::vector<CredentialsToReseal> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    CredentialsToReseal r;
    r.site_id = st->text(0);
    if (auto legacy = st->opt_text(1)) {
      auto j = parse_json(*legacy, 16);
      if (!j || !j->is_object()) {
        return fail(Error::internal("stored site " + r.site_id + " is unreadable"));
      }
      r.legacy_plaintext = std::move(*j);
    }
    r.sealed = st->opt_text(2);
    out.push_back(std::move(r));
  }
  return out;
}

Result<void> replace_site_credentials(Db& db, std::string_view site_id,
                                      const SealedCredentials& creds) {
  auto up = db.prepare(
      "UPDATE sites SET spec_json = json_set(spec_json, '$.adapter.credentials', json('{}')),"
      " credentials_sealed = ?, credentials_key_id = ? WHERE id = ?");
  if (!up) return fail(up.error());
  up->bind(1, creds.sealed).bind(2, creds.key_id).bind(3, site_id);
  return up->run();
}

Result<void> drop_deleted_site_credentials(Db& db) {
  return db.exec(
      "UPDATE sites SET credentials_sealed = NULL, credentials_key_id = NULL,"
      " spec_json = json_set(spec_json, '$.adapter.credentials', json('{}'))"
      " WHERE deleted_at IS NOT NULL AND (credentials_sealed IS NOT NULL OR"
      " json_extract(spec_json, '$.adapter.credentials') <> '{}')");
}

Result<int64_t> count_sealed_site_credentials(Db& db) {
  auto st = db.prepare("SELECT COUNT(*) FROM sites WHERE credentials_sealed IS NOT NULL");
  if (!st) return fail(st.error());
  if (auto row = st->step(); !row) return fail(row.error());
  return st->int64(0);
}

}  // namespace suanwang::store
