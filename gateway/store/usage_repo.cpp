// Usage rows (see usage_repo.hpp).
#include "gateway/store/usage_repo.hpp"

#include <variant>

namespace suanwang::store {
namespace {
constexpr const char* kUsageCols =
    "job_id, org_id, site_id, site_org_id, state, cpus, memory_gb, accelerator_model,"
    " accelerator_count, started_at, finished_at, seconds, billed_seconds, prices_json, cost_cny,"
    " energy_kwh, co2_kg";

// The WHERE clause of a filter and its arguments (all text or integers).
struct Where {
  std::string sql = " WHERE 1=1";
  std::vector<std::variant<std::string, int64_t>> args;
};

Where where_of(const UsageFilter& f) {
  Where w;
  if (f.org_id) {
    w.sql += " AND org_id = ?";
    w.args.emplace_back(*f.org_id);
  }
  if (f.site_id) {
    w.sql += " AND site_id = ?";
    w.args.emplace_back(*f.site_id);
  }
  if (f.accelerator_model) {
    w.sql += " AND accelerator_model = ?";
    w.args.emplace_back(*f.accelerator_model);
  }
  if (f.from) {
    w.sql += " AND finished_at >= ?";
    w.args.emplace_back(to_unix_ms(*f.from));
  }
  if (f.to) {
    w.sql += " AND finished_at < ?";
    w.args.emplace_back(to_unix_ms(*f.to));
  }
  return w;
}

void bind_all(Statement& st, const Where& w) {
  for (std::size_t i = 0; i < w.args.size(); ++i) {
    std::visit([&](const auto& v) { st.bind(static_cast<int>(i + 1), v); }, w.args[i]);
  }
}
}  // namespace

Result<void> insert_usage(Db& db, const UsageRecord& u) {
  auto st = db.prepare(std::string("INSERT OR IGNORE INTO usage_records (") + kUsageCols +
                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, u.job_id)
      .bind(2, u.org_id)
      .bind(3, u.site_id)
      .bind(4, u.site_org_id)
      .bind(5, u.state)
      .bind(6, u.cpus)
      .bind(7, u.memory_gb)
      .bind(8, u.accelerator_model)
      .bind(9, u.accelerator_count);
  if (u.started_at) {
    st->bind(10, to_unix_ms(*u.started_at));
  } else {
    st->bind_null(10);
  }
  st->bind(11, to_unix_ms(u.finished_at))
      .bind(12, u.seconds)
      .bind(13, u.billed_seconds)
      .bind(14, u.prices.dump())
      .bind(15, u.cost_cny)
      .bind(16, u.energy_kwh)
      .bind(17, u.co2_kg);
  return st->run();
}

Result<std::vector<UsageRecord>> list_usage(Db& db, const UsageFilter& f) {
  const Where w = where_of(f);
  // The job's name as its owner gave it, for a bill people read (a subquery: a join would make
  // the filter's bare column names ambiguous).
  auto st = db.prepare(std::string("SELECT ") + kUsageCols +
                       ", (SELECT json_extract(j.spec_json, '$.name') FROM jobs j"
                       " WHERE j.id = usage_records.job_id) FROM usage_records" +
                       w.sql + " ORDER BY finished_at, job_id LIMIT " + std::to_string(f.limit));
  if (!st) return fail(st.error());
  bind_all(*st, w);
  std::vector<UsageRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    UsageRecord u;
    u.job_id = st->text(0);
    u.org_id = st->text(1);
    u.site_id = st->text(2);
    u.site_org_id = st->text(3);
    u.state = st->text(4);
    u.cpus = st->real(5);
    u.memory_gb = st->real(6);
    u.accelerator_model = st->text(7);
    u.accelerator_count = st->int64(8);
    if (auto v = st->opt_int64(9)) u.started_at = from_unix_ms(*v);
    u.finished_at = from_unix_ms(st->int64(10));
    u.seconds = st->int64(11);
    u.billed_seconds = st->int64(12);
    u.prices = parse_json(st->text(13), 4).value_or(Json::object());
    u.cost_cny = st->real(14);
    u.energy_kwh = st->real(15);
    u.co2_kg = st->real(16);
    if (auto name = st->opt_text(17)) u.job_name = std::move(*name);
    out.push_back(std::move(u));
  }
  return out;
}

Result<UsageTotals> usage_totals(Db& db, const UsageFilter& f) {
  const Where w = where_of(f);
  auto st = db.prepare(
      "SELECT COUNT(*), COALESCE(SUM(seconds), 0), COALESCE(SUM(billed_seconds), 0),"
      " COALESCE(SUM(cost_cny), 0), COALESCE(SUM(energy_kwh), 0), COALESCE(SUM(co2_kg), 0)"
      " FROM usage_records" +
      w.sql);
  if (!st) return fail(st.error());
  bind_all(*st, w);
  if (auto row = st->step(); !row) return fail(row.error());
  return UsageTotals{st->int64(0), st->int64(1), st->int64(2),
                     st->real(3),  st->real(4),  st->real(5)};
}

Result<std::vector<SettlementRow>> settlement(Db& db, std::string_view site_id,
                                              std::optional<TimePoint> from,
                                              std::optional<TimePoint> to, std::string_view group) {
  std::string period = "''";
  if (group == "day") period = "strftime('%Y-%m-%d', u.finished_at / 1000, 'unixepoch')";
  if (group == "month") period = "strftime('%Y-%m', u.finished_at / 1000, 'unixepoch')";
  auto st = db.prepare("SELECT u.org_id, COALESCE(o.name, ''), " + period +
                       " AS period, COUNT(*), SUM(u.seconds), SUM(u.cost_cny),"
                       " SUM(u.energy_kwh), SUM(u.co2_kg)"
                       " FROM usage_records u LEFT JOIN orgs o ON o.id = u.org_id"
                       " WHERE u.site_id = ?1 AND (?2 IS NULL OR u.finished_at >= ?2)"
                       " AND (?3 IS NULL OR u.finished_at < ?3)"
                       " GROUP BY u.org_id, period ORDER BY period, u.org_id");
  if (!st) return fail(st.error());
  st->bind(1, site_id);
  if (from) {
    st->bind(2, to_unix_ms(*from));
  } else {
    st->bind_null(2);
  }
  if (to) {
    st->bind(3, to_unix_ms(*to));
  } else {
    st->bind_null(3);
  }
  std::vector<SettlementRow> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back({st->text(0), st->text(1), st->text(2), st->int64(3), st->int64(4), st->real(5),
                   st->real(6), st->real(7)});
  }
  return out;
}

}  // namespace suanwang::store
