// Region and link rows. Links are stored once per unordered pair (a <= b).
#include "gateway/store/network_repo.hpp"

#include <set>

namespace suanwang::store {

Result<std::vector<model::Region>> load_regions(Db& db) {
  auto st = db.prepare(
      "SELECT id, name, hub, side, lat, lon, carbon_g_per_kwh, green_share, pue_target, name_zh"
      " FROM regions"
      " ORDER BY id");
  if (!st) return fail(st.error());
  std::vector<model::Region> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    model::Region r{st->text(0), st->text(1), st->text(2), st->text(3), st->real(4), st->real(5)};
    r.carbon_g_per_kwh = st->opt_real(6);
    r.green_share = st->opt_real(7);
    r.pue_target = st->opt_real(8);
    r.name_zh = st->text(9);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<model::NetworkLink>> load_links(Db& db) {
  auto st = db.prepare(
      "SELECT a, b, rtt_ms, bandwidth_gbps, egress_cny_per_gb FROM network_links ORDER BY a, b");
  if (!st) return fail(st.error());
  std::vector<model::NetworkLink> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back({st->text(0), st->text(1), st->real(2), st->real(3), st->real(4)});
  }
  return out;
}

Result<void> replace_regions(Db& db, const std::vector<model::Region>& regions) {
  return db.transaction([&]() -> Result<void> {
    std::set<std::string> keep;
    for (const auto& r : regions) keep.insert(r.id);
    auto used = db.prepare(
        "SELECT region FROM sites WHERE deleted_at IS NULL UNION SELECT a FROM network_links"
        " UNION SELECT b FROM network_links");
    if (!used) return fail(used.error());
    for (;;) {
      auto row = used->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      const std::string id = used->text(0);
      if (!keep.contains(id)) {
        return fail(Error::coded(Errc::conflict, "regions", {"region.in_use", {{"region", id}}}));
      }
    }
    auto upsert = db.prepare(
        "INSERT INTO regions (id, name, hub, side, lat, lon, carbon_g_per_kwh, green_share,"
        " pue_target, name_zh) VALUES (?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET name=excluded.name, hub=excluded.hub,"
        " side=excluded.side, lat=excluded.lat, lon=excluded.lon,"
        " carbon_g_per_kwh=excluded.carbon_g_per_kwh, green_share=excluded.green_share,"
        " pue_target=excluded.pue_target, name_zh=excluded.name_zh");
    if (!upsert) return fail(upsert.error());
    for (const auto& r : regions) {
      upsert->bind(1, r.id).bind(2, r.name).bind(3, r.hub).bind(4, r.side).bind(5, r.lat).bind(
          6, r.lon);
      upsert->bind(7, r.carbon_g_per_kwh).bind(8, r.green_share).bind(9, r.pue_target);
      upsert->bind(10, r.name_zh);
      if (auto e = upsert->run(); !e) return fail(e.error());
    }
    auto all = load_regions(db);
    if (!all) return fail(all.error());
    auto del = db.prepare("DELETE FROM regions WHERE id = ?");
    if (!del) return fail(del.error());
    for (const auto& r : *all) {
      if (keep.contains(r.id)) continue;
      del->bind(1, r.id);
      if (auto e = del->run(); !e) return fail(e.error());
    }
    return ok();
  });
}

Result<void> replace_links(Db& db, const std::vector<model::NetworkLink>& links) {
  return db.transaction([&]() -> Result<void> {
    if (auto e = db.exec("DELETE FROM network_links"); !e) return fail(e.error());
    auto st = db.prepare(
        "INSERT INTO network_links (a, b, rtt_ms, bandwidth_gbps, egress_cny_per_gb)"
        " VALUES (?,?,?,?,?)");
    if (!st) return fail(st.error());
    for (const auto& l : links) {
      const bool swap = l.b < l.a;
      st->bind(1, swap ? l.b : l.a)
          .bind(2, swap ? l.a : l.b)
          .bind(3, l.rtt_ms)
          .bind(4, l.bandwidth_gbps)
          .bind(5, l.egress_cny_per_gb);
      if (auto e = st->run(); !e) return fail(e.error());
    }
    return ok();
  });
}

}  // namespace suanwang::store
