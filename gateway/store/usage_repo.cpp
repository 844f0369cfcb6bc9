// Usage rows (see usage_repo.hpp).
#include "gateway/store/usage_repo.hpp"

#include <algorithm>
#include <variant>

#include "gateway/accounting/cost.hpp"

namespace suanwang::store {
namespace {
constexpr const char* kUsageCols =
    "job_id, org_id, site_id, site_org_id, state, cpus, memory_gb, accelerator_model,"
    " accelerator_count, started_at, finished_at, seconds, billed_seconds, prices_json, cost_cny";

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

Result<void> record_usage(Db& db, const model::JobRecord& j) {
  const auto& r = j.spec.resources;
  model::Pricing pricing;
  std::string site_org;
  double accel_price = 0;
  if (!j.site_id.empty()) {
    auto st =
        db.prepare("SELECT org_id, json_extract(spec_json, '$.pricing') FROM sites WHERE id = ?");
    if (!st) return fail(st.error());
    st->bind(1, j.site_id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (*row) {
      site_org = st->text(0);
      if (auto p = parse_json(st->text(1), 8); p && p->is_object()) {
        pricing.cpu_core_hour = p->value("cpu_core_hour", 0.0);
        pricing.memory_gb_hour = p->value("memory_gb_hour", 0.0);
        pricing.billing_granularity_s = p->value("billing_granularity_s", int64_t{1});
        if (r.accelerators && p->contains("gpu_hour") && (*p)["gpu_hour"].is_object()) {
          accel_price = (*p)["gpu_hour"].value(r.accelerators->model, 0.0);
        }
      }
    }
  }
  const TimePoint finished = j.finished_at.value_or(j.updated_at);
  int64_t seconds = 0;
  if (j.started_at) {
    seconds = std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::seconds>(finished - *j.started_at).count());
  }
  Json prices = {{"cpu_core_hour", pricing.cpu_core_hour},
                 {"memory_gb_hour", pricing.memory_gb_hour},
                 {"accelerator_hour", accel_price},
                 {"billing_granularity_s", pricing.billing_granularity_s}};
  auto st = db.prepare(std::string("INSERT OR IGNORE INTO usage_records (") + kUsageCols +
                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, j.id)
      .bind(2, j.org_id)
      .bind(3, j.site_id)
      .bind(4, site_org)
      .bind(5, model::job_state_name(j.state))
      .bind(6, static_cast<double>(r.cpus))
      .bind(7, r.memory_gb)
      .bind(8, r.accelerators ? r.accelerators->model : std::string())
      .bind(9, static_cast<int64_t>(r.accelerators ? r.accelerators->count : 0));
  if (j.started_at) {
    st->bind(10, to_unix_ms(*j.started_at));
  } else {
    st->bind_null(10);
  }
  st->bind(11, to_unix_ms(finished))
      .bind(12, seconds)
      .bind(13, accounting::billed_seconds(pricing, seconds))
      .bind(14, prices.dump())
      .bind(15, j.final_cost_cny.value_or(0.0));
  return st->run();
}

Result<std::vector<UsageRecord>> list_usage(Db& db, const UsageFilter& f) {
  const Where w = where_of(f);
  auto st = db.prepare(std::string("SELECT ") + kUsageCols + " FROM usage_records" + w.sql +
                       " ORDER BY finished_at, job_id LIMIT " + std::to_string(f.limit));
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
    out.push_back(std::move(u));
  }
  return out;
}

Result<UsageTotals> usage_totals(Db& db, const UsageFilter& f) {
  const Where w = where_of(f);
  auto st = db.prepare(
      "SELECT COUNT(*), COALESCE(SUM(seconds), 0), COALESCE(SUM(billed_seconds), 0),"
      " COALESCE(SUM(cost_cny), 0) FROM usage_records" +
      w.sql);
  if (!st) return fail(st.error());
  bind_all(*st, w);
  if (auto row = st->step(); !row) return fail(row.error());
  return UsageTotals{st->int64(0), st->int64(1), st->int64(2), st->real(3)};
}

Result<std::vector<SettlementRow>> settlement(Db& db, std::string_view site_id,
                                              std::optional<TimePoint> from,
                                              std::optional<TimePoint> to, std::string_view group) {
  std::string period = "''";
  if (group == "day") period = "strftime('%Y-%m-%d', u.finished_at / 1000, 'unixepoch')";
  if (group == "month") period = "strftime('%Y-%m', u.finished_at / 1000, 'unixepoch')";
  auto st = db.prepare("SELECT u.org_id, COALESCE(o.name, ''), " + period +
                       " AS period, COUNT(*), SUM(u.seconds), SUM(u.cost_cny)"
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
    out.push_back({st->text(0), st->text(1), st->text(2), st->int64(3), st->int64(4), st->real(5)});
  }
  return out;
}

}  // namespace suanwang::store
