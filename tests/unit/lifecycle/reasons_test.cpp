// The lifecycle's reasons in either language (issue 22): every outcome that says why carries
// the reason as coded parts, each code in both catalogs with the parameters its templates name,
// the English rendering is the stored `reason` word for word (what logs, the audit and old
// clients read), and the Chinese one leaves no template unfilled. Run over every (state, facts,
// input) the lifecycle can meet, and against a table of the English each case must keep.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gateway/core/i18n.hpp"
#include "gateway/lifecycle/lifecycle.hpp"

namespace lifecycle_reasons {

using namespace suanwang;
using namespace suanwang::lifecycle;
using S = model::JobState;
using i18n::Lang;

constexpr S kAllStates[] = {S::pending,    S::placed,    S::staging, S::submitted, S::running,
                            S::collecting, S::succeeded, S::failed,  S::canceled};

const Limits kReasonLimits{3, 3};

// A placement's summary as placement writes it: coded parts and their English.
std::vector<i18n::Message> chosen_parts() {
  return {{"summary.chosen", {{"site", "site_b"}, {"cost", "¥12.00"}, {"start", "30"}}}};
}

Placed placed_input() {
  const auto parts = chosen_parts();
  return Placed{"site_b", i18n::render(parts, Lang::en), parts};
}

NoSite no_site_input(bool may_clear) {
  const std::vector<i18n::Message> parts = {{"summary.none", {{"n", "4"}}}};
  return NoSite{may_clear, i18n::render(parts, Lang::en), parts};
}

std::vector<Input> every_input() {
  return {
      placed_input(),
      no_site_input(true),
      no_site_input(false),
      SubmitAccepted{"r1", false},
      SubmitAccepted{"r1", true},
      SubmitRefused{"bad partition"},
      SubmitUnreachable{"connection refused"},
      Reported{Remote::queued, std::nullopt, ""},
      Reported{Remote::running, std::nullopt, ""},
      Reported{Remote::succeeded, 0, ""},
      Reported{Remote::failed, 3, "exit code 3"},
      Reported{Remote::failed, std::nullopt, ""},
      Reported{Remote::canceled, std::nullopt, "preempted"},
      Reported{Remote::lost, std::nullopt, "unknown job"},
      CancelRequested{},
      SiteOffline{"no answer for 60 s"},
      Staged{12'500'000, 3, 0.41, false},
      Staged{1'000'000, 1, 2.0, true},
      StagingFailed{"checksum mismatch", {}},
      StagingFailed{"cannot read dataset ds_1: gone",
                    {{"reason.dataset_unreadable", {{"dataset", "ds_1"}}},
                     {"reason.text", {{"text", "gone"}}}}},
      Collected{"ds_9", 2'000'000, 2, 1.5},
      CollectFailed{"connection reset", {}},
  };
}

// The facts a job in `state` may have: plain, canceled, not to run again, at the attempt limit,
// staging and collecting, and one silent submit short of failing over.
std::vector<Facts> every_facts(S state) {
  Facts base;
  base.state = state;
  base.attempt = state == S::pending ? 0 : 1;
  base.site_id = state == S::pending ? "" : "site_a";
  std::vector<Facts> out = {base};
  Facts f = base;
  f.cancel_requested = true;
  out.push_back(f);
  f = base;
  f.rerun = false;
  out.push_back(f);
  f = base;
  f.attempt = kReasonLimits.max_attempts;
  out.push_back(f);
  f = base;
  f.stages = true;
  f.collects = true;
  out.push_back(f);
  f = base;
  f.unreachable_submits = kReasonLimits.unreachable_submits_before_failover - 1;
  out.push_back(f);
  f = base;
  f.site_zh = "上海算力中心";
  out.push_back(f);
  return out;
}

bool in_catalog(const std::string& code, Lang lang) {
  const auto all = i18n::codes(lang);
  return std::binary_search(all.begin(), all.end(), code);
}

// Every parameter a template names is given.
bool params_given(const i18n::Message& m, Lang lang) {
  for (const auto& name : i18n::param_names(m.code, lang)) {
    const bool given = std::any_of(m.params.begin(), m.params.end(),
                                   [&](const auto& p) { return p.first == name; });
    if (!given) return false;
  }
  return true;
}

}  // namespace lifecycle_reasons

using namespace lifecycle_reasons;

TEST_CASE("lifecycle: every reason is coded, in both catalogs, its English the stored reason",
          "[lifecycle][i18n]") {
  std::set<std::string> seen;
  int with_reason = 0;
  for (S state : kAllStates) {
    for (const Facts& facts : every_facts(state)) {
      for (const Input& input : every_input()) {
        const Outcome out = step(facts, input, kReasonLimits);
        INFO(std::string(model::job_state_name(state)) + " input #" +
             std::to_string(input.index()) + ": " + out.reason);
        if (out.event) CHECK_FALSE(out.reason.empty());
        if (out.reason.empty()) {
          CHECK(out.reason_parts.empty());
          continue;
        }
        ++with_reason;
        REQUIRE_FALSE(out.reason_parts.empty());
        for (const auto& m : out.reason_parts) {
          INFO(m.code);
          CHECK_FALSE(m.code.empty());
          CHECK(in_catalog(m.code, Lang::en));
          CHECK(in_catalog(m.code, Lang::zh));
          CHECK(params_given(m, Lang::en));
          CHECK(params_given(m, Lang::zh));
          seen.insert(m.code);
        }
        CHECK(i18n::render(out.reason_parts, Lang::en) == out.reason);
        const std::string zh = i18n::render(out.reason_parts, Lang::zh);
        CHECK(zh != out.reason);
        CHECK(zh.find('{') == std::string::npos);
        // The Chinese names the site by its Chinese name, the English by its id.
        if (!facts.site_zh.empty() && !facts.site_id.empty() &&
            out.reason.find(facts.site_id) != std::string::npos) {
          CHECK(zh.find(facts.site_zh) != std::string::npos);
          CHECK(zh.find(facts.site_id) == std::string::npos);
        }
      }
    }
  }
  CHECK(with_reason > 100);
  // Every lifecycle code of the catalog is reached (none is dead, no path is left uncoded);
  // the data mover's own words come in through StagingFailed/CollectFailed::detail.
  for (const auto& code : i18n::codes(Lang::en)) {
    if (code.rfind("reason.", 0) != 0) continue;
    if (code == "reason.file_error" || code == "reason.outputs_unrecorded" ||
        code == "reason.no_data_plane") {
      continue;
    }
    INFO(code);
    CHECK(seen.count(code) == 1);
  }
}

TEST_CASE("lifecycle: the English of each reason stays as old clients and logs read it",
          "[lifecycle][i18n]") {
  struct Case {
    S state;
    Input input;
    std::string english;
    bool cancel_requested = false;
    bool rerun = true;
    int attempt = -1;  // -1: 0 when pending, else 1
    bool collects = false;
  };
  const std::vector<Case> cases = {
      {S::pending, placed_input(), "site_b: ¥12.00, starts in 30 s"},
      {S::pending, no_site_input(true), "waiting for a site: no site can run this job: 4 sites rejected it"},
      {S::pending, no_site_input(false),
       "no site can run the job after 0 attempt(s): no site can run this job: 4 sites rejected it"},
      {S::pending, placed_input(), "gave up after 3 placement attempts", false, true, 3},
      {S::pending, placed_input(), "canceled before it reached a site", true},
      {S::pending, CancelRequested{}, "canceled by the owner before it reached a site"},
      {S::placed, SubmitAccepted{"r1", false}, "accepted by the site as r1"},
      {S::placed, SubmitAccepted{"r1", true}, "found at the site as r1 (submitted before a restart)"},
      {S::placed, SubmitRefused{"bad partition"}, "site site_a refused the job: bad partition"},
      {S::placed, SubmitRefused{"no"}, "site site_a refused the job: no; it had been canceled", true},
      {S::placed, SubmitUnreachable{"timeout"}, "site site_a did not answer: timeout"},
      {S::placed, SiteOffline{"down"},
       "site site_a is offline (down); the job had not started there"},
      {S::submitted, Reported{Remote::running, std::nullopt, ""}, "running at site_a"},
      {S::running, Reported{Remote::succeeded, 0, ""}, "exit code 0"},
      {S::running, Reported{Remote::succeeded, 0, ""},
       "exit code 0; collecting its outputs from site_a", false, true, -1, true},
      {S::running, Reported{Remote::failed, 3, "exit code 3"}, "exit code 3"},
      {S::running, Reported{Remote::failed, std::nullopt, ""}, "the job failed at the site"},
      {S::running, Reported{Remote::canceled, std::nullopt, ""}, "canceled at the owner's request",
       true},
      {S::running, Reported{Remote::canceled, std::nullopt, "preempted"},
       "canceled by site site_a: preempted"},
      {S::running, Reported{Remote::lost, std::nullopt, "gone"},
       "site site_a lost the job after it started: gone"},
      {S::running, Reported{Remote::lost, std::nullopt, "gone"},
       "site site_a lost the job after it started: gone; the job asked not to be run again", false,
       false},
      {S::submitted, Reported{Remote::lost, std::nullopt, "gone"},
       "site site_a lost the job before it ran: gone"},
      {S::staging, Staged{12'500'000, 3, 0.41, false},
       "inputs staged at site_a: 3 files, 12.5 MB in 0.41 s"},
      {S::staging, Staged{1'000'000, 1, 2.0, true},
       "inputs modelled at site_a: 1 file, 1.0 MB in 2.00 s"},
      {S::staging, StagingFailed{"checksum mismatch", {}},
       "staging the inputs at site site_a failed: checksum mismatch"},
      {S::collecting, Collected{"ds_9", 2'000'000, 2, 1.5},
       "exit code 0; outputs collected into ds_9: 2 files, 2.0 MB in 1.50 s"},
      {S::collecting, CollectFailed{"connection reset", {}},
       "the job exited 0 but its outputs could not be collected: connection reset"},
  };
  for (const auto& c : cases) {
    Facts f;
    f.state = c.state;
    f.attempt = c.attempt >= 0 ? c.attempt : (c.state == S::pending ? 0 : 1);
    f.site_id = c.state == S::pending ? "" : "site_a";
    f.cancel_requested = c.cancel_requested;
    f.rerun = c.rerun;
    f.collects = c.collects;
    const Outcome out = step(f, c.input, kReasonLimits);
    INFO(c.english);
    CHECK(out.reason == c.english);
    CHECK(i18n::render(out.reason_parts, Lang::en) == c.english);
  }
  // After the last silent try, the same words lead the fail over.
  Facts silent;
  silent.state = S::staging;
  silent.site_id = "site_a";
  silent.attempt = 1;
  silent.unreachable_submits = 2;
  CHECK(step(silent, StagingFailed{"slow", {}}, kReasonLimits).reason ==
        "the inputs could not be staged at site site_a: slow");
}

TEST_CASE("lifecycle: a reason in Chinese keeps the site's words and translates ours",
          "[lifecycle][i18n]") {
  Facts f;
  f.state = S::placed;
  f.site_id = "site_a";
  f.site_zh = "上海算力中心";
  f.attempt = 1;
  const Outcome out = step(f, SubmitRefused{"sbatch: error: invalid partition"}, kReasonLimits);
  CHECK(out.reason == "site site_a refused the job: sbatch: error: invalid partition");
  CHECK(i18n::render(out.reason_parts, Lang::zh) ==
        "站点 上海算力中心 拒绝了该作业：sbatch: error: invalid partition");
  // The data mover's own words come coded, and win over the English message.
  Facts staging = f;
  staging.state = S::staging;
  const Outcome st = step(staging,
                          StagingFailed{"cannot read dataset ds_1: gone",
                                        {{"reason.dataset_unreadable", {{"dataset", "ds_1"}}},
                                         {"reason.text", {{"text", "gone"}}}}},
                          kReasonLimits);
  CHECK(st.reason == "staging the inputs at site site_a failed: cannot read dataset ds_1: gone");
  CHECK(i18n::render(st.reason_parts, Lang::zh) ==
        "将输入暂存到站点 上海算力中心 失败：无法读取数据集 ds_1：gone");
  // apply() carries the parts into the record with the English.
  model::JobRecord job;
  job.state = S::placed;
  job.site_id = "site_a";
  apply(out, job);
  CHECK(job.reason == out.reason);
  CHECK(job.reason_parts.size() == out.reason_parts.size());
  CHECK(job.reason_parts.front().code == "reason.refused");
}
