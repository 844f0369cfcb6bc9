// Job writes with their money (see job_writes.hpp).
#include "gateway/runtime/job_writes.hpp"

#include <algorithm>

#include "gateway/accounting/billing.hpp"
#include "gateway/accounting/hold.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::runtime {

Result<void> write_new_job(store::Db& db, const model::JobRecord& job,
                           const std::vector<model::JobEvent>& events, const store::JobText& text) {
  store::JobMoney money;
  money.held_change_cny = accounting::hold_cny(job.state, job.estimated_cost_cny);
  return store::insert_job(db, job, events, text, money);
}

Result<void> write_new_job(store::Db& db, const model::JobRecord& job,
                           const std::vector<model::JobEvent>& events) {
  return write_new_job(db, job, events, store::job_text(job));
}

Result<bool> write_job_change(store::Db& db, const model::JobRecord& job,
                              model::JobState expected_state, model::JobEvent event) {
  return db.transaction([&]() -> Result<bool> {
    auto before = store::find_job_money_basis(db, job.id);
    if (!before) return fail(before.error());
    if (!*before || (*before)->state != expected_state) return false;  // moved by someone else
    store::JobMoney money;
    money.held_change_cny = accounting::hold_change_cny(
        expected_state, (*before)->estimated_cost_cny, job.state, job.estimated_cost_cny);
    if (accounting::ends_job(expected_state, job.state)) {
      money.charge_cny = accounting::charge_cny(job);
      std::optional<accounting::BilledSite> site;
      if (!job.site_id.empty()) {
        auto stored = store::find_site_pricing(db, job.site_id);
        if (!stored) return fail(stored.error());
        if (*stored) {
          site = accounting::BilledSite{(*stored)->org_id, (*stored)->pricing,
                                        (*stored)->energy, (*stored)->region};
        }
      }
      money.usage = accounting::usage_record(job, site ? &*site : nullptr);
    }
    return store::update_job(db, job, expected_state, std::move(event), money);
  });
}

Result<std::optional<model::OrgMoney>> org_money_except(store::Db& db, std::string_view org_id,
                                                        std::string_view job_id) {
  auto money = store::find_org_money(db, org_id);
  if (!money || !*money || job_id.empty()) return money;
  auto job = store::find_job_money_basis(db, job_id);
  if (!job) return fail(job.error());
  if (*job && (*job)->org_id == org_id) {
    auto& held = (*money)->held_cny;
    held -= accounting::hold_cny((*job)->state, (*job)->estimated_cost_cny);
    // The same clamp as the stored figure's: residue of many additions is not money.
    held = std::max(0.0, held);
    if (held < 1e-6) held = 0;
  }
  return money;
}

}  // namespace suanwang::runtime
