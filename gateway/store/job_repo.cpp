// Job and job-event rows.
#include "gateway/store/job_repo.hpp"

#include <algorithm>

#include "gateway/store/org_repo.hpp"
#include "gateway/store/usage_repo.hpp"

namespace suanwang::store {
namespace {
// The columns of a jobs row. The decision is not one of them: it lives in job_decisions
// (migration 0005), so that the dispatcher's transitions do not rewrite it with every update.
constexpr const char* kJobCols =
    "id, org_id, spec_json, state, site_id, remote_id, attempt, blocked_sites_json,"
    " estimated_cost_cny, final_cost_cny, exit_code, failure, reason,"
    " cancel_requested, idempotency_key, request_hash, created_at, updated_at, started_at,"
    " finished_at";
constexpr int kDecisionCol = 20;  // read_job's column of the decision, after kJobCols

std::optional<int64_t> opt_ms(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_unix_ms(*t);
}

Result<model::JobRecord> read_job(const Statement& st) {
  model::JobRecord j;
  j.id = st.text(0);
  j.org_id = st.text(1);
  auto spec_json = parse_json(st.text(2), 64);
  if (!spec_json) return fail(Error::internal("stored job " + j.id + " has unreadable spec"));
  auto spec = model::parse_job_spec(*spec_json);
  if (!spec) return fail(Error::internal("stored job " + j.id + ": " + spec.error().message));
  j.spec = std::move(*spec);
  j.state = model::parse_job_state(st.text(3)).value_or(model::JobState::failed);
  j.site_id = st.opt_text(4).value_or("");
  j.remote_id = st.opt_text(5).value_or("");
  j.attempt = static_cast<int>(st.int64(6));
  if (auto b = parse_json(st.text(7), 4); b && b->is_array()) {
    for (const auto& s : *b) {
      if (s.is_string()) j.blocked_sites.push_back(s.get<std::string>());
    }
  }
  j.estimated_cost_cny = st.opt_real(8);
  j.final_cost_cny = st.opt_real(9);
  if (auto e = st.opt_int64(10)) j.exit_code = static_cast<int>(*e);
  j.failure = model::parse_failure_kind(st.text(11)).value_or(model::FailureKind::system_error);
  j.reason = st.text(12);
  j.cancel_requested = st.int64(13) != 0;
  j.idempotency_key = st.opt_text(14).value_or("");
  j.request_hash = st.opt_text(15).value_or("");
  j.created_at = from_unix_ms(st.int64(16));
  j.updated_at = from_unix_ms(st.int64(17));
  if (auto v = st.opt_int64(18)) j.started_at = from_unix_ms(*v);
  if (auto v = st.opt_int64(19)) j.finished_at = from_unix_ms(*v);
  if (auto d = st.opt_text(kDecisionCol)) {
    auto parsed = parse_json(*d, 64);
    if (parsed) j.decision = std::move(*parsed);
  }
  return j;
}

Result<std::vector<model::JobRecord>> read_jobs(Statement& st) {
  std::vector<model::JobRecord> out;
  for (;;) {
    auto row = st.step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto j = read_job(st);
    if (!j) return fail(j.error());
    out.push_back(std::move(*j));
  }
  return out;
}

Result<void> append_event(Db& db, std::string_view job_id, const model::JobEvent& e) {
  auto st = db.prepare(
      "INSERT INTO job_events (job_id, seq, at, type, state, site_id, attempt, reason)"
      " VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id = ?1),"
      " ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return fail(st.error());
  st->bind(1, job_id)
      .bind(2, to_unix_ms(e.at))
      .bind(3, model::event_type_name(e.type))
      .bind(4, model::job_state_name(e.state))
      .bind(5, e.site_id)
      .bind(6, e.attempt)
      .bind(7, e.reason);
  return st->run();
}

// The job columns followed by the decision in full, only its "chosen" and "summary" members
// (with the summary's coded parts, to render it in the reader's language; json_patch leaves
// them out of decisions written before they existed)
// (SQLite extracts them, so the rest is never parsed here), or NULL without reading
// job_decisions at all.
const std::string& job_columns(DecisionPart part) {
  static const std::string full = std::string(kJobCols) +
                                  ", (SELECT d.decision_json FROM job_decisions d"
                                  " WHERE d.job_id = jobs.id)";
  static const std::string summary =
      std::string(kJobCols) +
      ", (SELECT json_patch(json_object('chosen', json_extract(d.decision_json, '$.chosen'),"
      " 'summary', json_extract(d.decision_json, '$.summary')),"
      " json_object('summary_parts', json_extract(d.decision_json, '$.summary_parts')))"
      " FROM job_decisions d WHERE d.job_id = jobs.id)";
  static const std::string none = std::string(kJobCols) + ", NULL";
  switch (part) {
    case DecisionPart::full:
      return full;
    case DecisionPart::summary:
      return summary;
    case DecisionPart::none:
      return none;
  }
  return full;
}

// Stores a job's decision, replacing the one it had. REQUIRES: the job row exists.
Result<void> put_decision(Db& db, std::string_view job_id, std::string_view decision_json) {
  auto st = db.prepare(
      "INSERT INTO job_decisions (job_id, decision_json) VALUES (?1, ?2)"
      " ON CONFLICT (job_id) DO UPDATE SET decision_json = excluded.decision_json");
  if (!st) return fail(st.error());
  st->bind(1, job_id).bind(2, decision_json);
  return st->run();
}

// The org's figures and the usage record that come with a job's write.
Result<void> write_money(Db& db, std::string_view org_id, const JobMoney& money) {
  if (auto r = move_org_money(db, org_id, money.held_change_cny, money.charge_cny); !r) return r;
  if (money.usage) return insert_usage(db, *money.usage);
  return ok();
}

}  // namespace

JobText job_text(const model::JobRecord& j) {
  JobText t;
  t.spec_json = model::to_json(j.spec).dump();
  t.blocked_sites_json = Json(j.blocked_sites).dump();
  if (!j.decision.is_null()) t.decision_json = j.decision.dump();
  return t;
}

Result<void> insert_job(Db& db, const model::JobRecord& j,
                        const std::vector<model::JobEvent>& events, const JobMoney& money) {
  return insert_job(db, j, events, job_text(j), money);
}

Result<void> insert_job(Db& db, const model::JobRecord& j,
                        const std::vector<model::JobEvent>& events, const JobText& text,
                        const JobMoney& money) {
  return db.transaction([&]() -> Result<void> {
    auto st = db.prepare(std::string("INSERT INTO jobs (") + kJobCols +
                         ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!st) return fail(st.error());
    st->bind(1, j.id)
        .bind(2, j.org_id)
        .bind(3, text.spec_json)
        .bind(4, model::job_state_name(j.state));
    if (j.site_id.empty())
      st->bind_null(5);
    else
      st->bind(5, j.site_id);
    if (j.remote_id.empty())
      st->bind_null(6);
    else
      st->bind(6, j.remote_id);
    st->bind(7, j.attempt)
        .bind(8, text.blocked_sites_json)
        .bind(9, j.estimated_cost_cny)
        .bind(10, j.final_cost_cny);
    if (j.exit_code)
      st->bind(11, *j.exit_code);
    else
      st->bind_null(11);
    st->bind(12, model::failure_kind_name(j.failure))
        .bind(13, j.reason)
        .bind(14, j.cancel_requested);
    if (j.idempotency_key.empty())
      st->bind_null(15);
    else
      st->bind(15, j.idempotency_key);
    if (j.request_hash.empty())
      st->bind_null(16);
    else
      st->bind(16, j.request_hash);
    st->bind(17, to_unix_ms(j.created_at))
        .bind(18, to_unix_ms(j.updated_at))
        .bind(19, opt_ms(j.started_at))
        .bind(20, opt_ms(j.finished_at));
    if (auto r = st->run(); !r) {
      // Only the (org, idempotency key) index makes a retry "already used"; any other
      // constraint failure is a bug or a race and keeps its own message.
      if (r.error().code == Errc::conflict && !j.idempotency_key.empty() &&
          r.error().message.find("idempotency_key") != std::string::npos) {
        return fail(Error{Errc::already_exists, "Idempotency-Key already used", "Idempotency-Key"});
      }
      return r;
    }
    if (text.decision_json) {
      if (auto r = put_decision(db, j.id, *text.decision_json); !r) return r;
    }
    for (const auto& e : events) {
      if (auto r = append_event(db, j.id, e); !r) return r;
    }
    return write_money(db, j.org_id, money);
  });
}

Result<bool> update_job(Db& db, const model::JobRecord& j, model::JobState expected_state,
                        model::JobEvent event, const JobMoney& money) {
  return db.transaction([&]() -> Result<bool> {
    auto st = db.prepare(
        "UPDATE jobs SET state = ?, site_id = ?, remote_id = ?, attempt = ?,"
        " blocked_sites_json = ?, estimated_cost_cny = ?, final_cost_cny = ?,"
        " exit_code = ?, failure = ?, reason = ?, cancel_requested = ?, updated_at = ?,"
        " started_at = ?, finished_at = ? WHERE id = ? AND state = ?");
    if (!st) return fail(st.error());
    st->bind(1, model::job_state_name(j.state));
    if (j.site_id.empty())
      st->bind_null(2);
    else
      st->bind(2, j.site_id);
    if (j.remote_id.empty())
      st->bind_null(3);
    else
      st->bind(3, j.remote_id);
    st->bind(4, j.attempt)
        .bind(5, Json(j.blocked_sites).dump())
        .bind(6, j.estimated_cost_cny)
        .bind(7, j.final_cost_cny);
    if (j.exit_code)
      st->bind(8, *j.exit_code);
    else
      st->bind_null(8);
    st->bind(9, model::failure_kind_name(j.failure))
        .bind(10, j.reason)
        .bind(11, j.cancel_requested)
        .bind(12, to_unix_ms(j.updated_at))
        .bind(13, opt_ms(j.started_at))
        .bind(14, opt_ms(j.finished_at))
        .bind(15, j.id)
        .bind(16, model::job_state_name(expected_state));
    if (auto r = st->run(); !r) return fail(r.error());
    if (db.changes() == 0) return false;
    // A new placement brings a new decision; a record without one keeps the stored one.
    if (!j.decision.is_null()) {
      if (auto r = put_decision(db, j.id, j.decision.dump()); !r) return fail(r.error());
    }
    event.state = j.state;
    if (auto r = append_event(db, j.id, event); !r) return fail(r.error());
    if (auto r = write_money(db, j.org_id, money); !r) return fail(r.error());
    return true;
  });
}

Result<std::optional<JobMoneyBasis>> find_job_money_basis(Db& db, std::string_view id) {
  auto st = db.prepare("SELECT org_id, state, estimated_cost_cny FROM jobs WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<JobMoneyBasis>{};
  JobMoneyBasis b;
  b.org_id = st->text(0);
  const auto state = model::parse_job_state(st->text(1));
  if (!state) {
    return fail(Error::internal("stored job " + std::string(id) + " has unknown state '" +
                                st->text(1) + "'"));
  }
  b.state = *state;
  b.estimated_cost_cny = st->opt_real(2);
  return std::optional<JobMoneyBasis>{std::move(b)};
}

Result<void> request_cancel(Db& db, std::string_view job_id, TimePoint at) {
  return db.transaction([&]() -> Result<void> {
    auto st = db.prepare(
        "UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ? AND"
        " cancel_requested = 0 RETURNING state, COALESCE(site_id, ''), attempt");
    if (!st) return fail(st.error());
    st->bind(1, to_unix_ms(at)).bind(2, job_id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return ok();  // already requested
    model::JobEvent e;
    e.at = at;
    e.type = model::EventType::cancel_requested;
    e.state = model::parse_job_state(st->text(0)).value_or(model::JobState::pending);
    e.site_id = st->text(1);
    e.attempt = static_cast<int>(st->int64(2));
    e.reason = "cancellation requested by the owner";
    if (auto r = st->run(); !r) return r;
    return append_event(db, job_id, e);
  });
}

Result<std::optional<model::JobRecord>> find_job(Db& db, std::string_view id, DecisionPart part) {
  auto st = db.prepare("SELECT " + job_columns(part) + " FROM jobs WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto rows = read_jobs(*st);
  if (!rows) return fail(rows.error());
  if (rows->empty()) return std::optional<model::JobRecord>{};
  return std::optional<model::JobRecord>{std::move(rows->front())};
}

Result<std::optional<model::JobRecord>> find_job_by_idempotency_key(Db& db, std::string_view org_id,
                                                                    std::string_view key) {
  auto st = db.prepare("SELECT " + job_columns(DecisionPart::full) +
                       " FROM jobs WHERE org_id = ? AND idempotency_key = ?");
  if (!st) return fail(st.error());
  st->bind(1, org_id).bind(2, key);
  auto rows = read_jobs(*st);
  if (!rows) return fail(rows.error());
  if (rows->empty()) return std::optional<model::JobRecord>{};
  return std::optional<model::JobRecord>{std::move(rows->front())};
}

Result<std::vector<model::JobRecord>> list_jobs(Db& db, const JobFilter& f) {
  std::string sql = "SELECT " + job_columns(DecisionPart::summary) + " FROM jobs WHERE 1=1";
  std::vector<std::string> args;
  if (f.org_id) {
    sql += " AND org_id = ?";
    args.push_back(*f.org_id);
  }
  if (f.site_ids) {
    if (f.site_ids->empty()) return std::vector<model::JobRecord>{};
    sql += " AND site_id IN (";
    for (std::size_t i = 0; i < f.site_ids->size(); ++i) {
      sql += i ? ",?" : "?";
      args.push_back((*f.site_ids)[i]);
    }
    sql += ")";
  }
  if (f.state) {
    sql += " AND state = ?";
    args.push_back(model::job_state_name(*f.state));
  }
  if (f.before_id) {
    sql += " AND id < ?";
    args.push_back(*f.before_id);
  }
  sql += " ORDER BY id DESC LIMIT " + std::to_string(f.limit);
  auto st = db.prepare(sql);
  if (!st) return fail(st.error());
  for (std::size_t i = 0; i < args.size(); ++i) st->bind(static_cast<int>(i + 1), args[i]);
  return read_jobs(*st);
}

Result<std::vector<model::JobRecord>> list_active_jobs(Db& db, std::string_view after_id,
                                                       int limit) {
  // The dispatcher never reads decisions. The condition on state is the jobs_active index's
  // (migration 0009), word for word, so that SQLite uses the index.
  auto st = db.prepare("SELECT " + job_columns(DecisionPart::none) +
                       " FROM jobs WHERE (state = 'pending' OR state = 'placed' OR"
                       " state = 'staging' OR state = 'submitted' OR"
                       " state = 'running' OR state = 'collecting')"
                       " AND id > ? ORDER BY id LIMIT ?");
  if (!st) return fail(st.error());
  st->bind(1, after_id).bind(2, limit);
  return read_jobs(*st);
}

Result<ActiveJobsOnSite> active_jobs_on_site(Db& db, std::string_view site_id, int listed) {
  auto st = db.prepare(
      "SELECT id, COUNT(*) OVER () FROM jobs WHERE site_id = ? AND state IN "
      "('placed','staging','submitted','running','collecting') ORDER BY id LIMIT ?");
  if (!st) return fail(st.error());
  st->bind(1, site_id).bind(2, static_cast<int64_t>(std::max(listed, 1)));
  ActiveJobsOnSite out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.count = st->int64(1);
    if (static_cast<int>(out.first_ids.size()) < listed) out.first_ids.push_back(st->text(0));
  }
  return out;
}

Result<std::map<std::string, int64_t>> count_jobs_by_state(Db& db) {
  // Counted in the order of the (org, state) index, so SQLite streams the groups instead of
  // sorting every row (a plain GROUP BY state sorted a million jobs in a 40 MB in-memory
  // sorter), then summed per state here.
  auto st = db.prepare(
      "SELECT state, count(*) FROM jobs INDEXED BY jobs_org_state GROUP BY org_id, state");
  if (!st) return fail(st.error());
  std::map<std::string, int64_t> by_state;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    by_state[st->text(0)] += st->int64(1);
  }
  return by_state;
}

Result<std::vector<model::JobEvent>> list_job_events(Db& db, std::string_view job_id) {
  auto st = db.prepare(
      "SELECT seq, at, type, state, site_id, attempt, reason FROM job_events WHERE job_id = ?"
      " ORDER BY seq");
  if (!st) return fail(st.error());
  st->bind(1, job_id);
  std::vector<model::JobEvent> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    model::JobEvent e;
    e.seq = st->int64(0);
    e.at = from_unix_ms(st->int64(1));
    const auto type = model::parse_event_type(st->text(2));
    if (!type) {
      return fail(Error{Errc::internal, "job " + std::string(job_id) +
                                            " has an event of unknown type '" + st->text(2) + "'"});
    }
    e.type = *type;
    e.state = model::parse_job_state(st->text(3)).value_or(model::JobState::pending);
    e.site_id = st->text(4);
    e.attempt = static_cast<int>(st->int64(5));
    e.reason = st->text(6);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<FinishedRun>> recent_successes(Db& db, int limit) {
  auto st = db.prepare(
      "SELECT org_id, spec_json, started_at, finished_at FROM jobs WHERE state = 'succeeded'"
      " AND started_at IS NOT NULL AND finished_at IS NOT NULL ORDER BY rowid DESC LIMIT ?");
  if (!st) return fail(st.error());
  st->bind(1, limit);
  std::vector<FinishedRun> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto spec_json = parse_json(st->text(1), 64);
    if (!spec_json) continue;  // unreadable rows teach nothing; find_job reports them
    auto spec = model::parse_job_spec(*spec_json);
    if (!spec) continue;
    const int64_t ran_ms = st->int64(3) - st->int64(2);
    out.push_back({st->text(0), std::move(*spec), std::max<int64_t>(0, ran_ms / 1000)});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace suanwang::store
