// Rejection sentences, the summary line and the decision's JSON (see explain.hpp).
#include "gateway/placement/explain.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>
#include <vector>

#include "gateway/core/json_writer.hpp"

namespace suanwang::placement {
namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string cny(double v) {
  return "¥" + fmt("%.2f", v);
}

}  // namespace

std::string human_bytes(double b) {
  if (b >= 1e12) return fmt("%.1f TB", b / 1e12);
  if (b >= 1e9) return fmt("%.1f GB", b / 1e9);
  if (b >= 1e6) return fmt("%.1f MB", b / 1e6);
  return fmt("%.0f B", b);
}

i18n::Message rejection_text(RejectCode code, const model::Site& s, const model::JobSpec& job,
                             const RejectDetail& d) {
  const auto& res = job.resources;
  std::string key = "reject." + std::string(reject_code_name(code));
  switch (code) {
    case RejectCode::region_not_allowed:
    case RejectCode::region_denied:
      return {std::move(key), {{"region", s.region}}};
    case RejectCode::walltime:
      return {std::move(key),
              {{"walltime_s", std::to_string(res.walltime_s)},
               {"limit_s", std::to_string(s.policy.max_walltime_s)}}};
    case RejectCode::no_accelerator_model:
      return {std::move(key), {{"model", res.accelerators ? res.accelerators->model : ""}}};
    case RejectCode::in_flight_cap:
      return {std::move(key),
              {{"jobs", fmt("%.0f", d.value)}, {"cap", std::to_string(s.policy.max_in_flight)}}};
    case RejectCode::capacity_stale:
      return {std::move(key), {{"age_s", fmt("%.0f", d.value)}}};
    case RejectCode::too_large: {
      i18n::Params p{{"cpus", std::to_string(res.cpus)},
                     {"memory_gb", fmt("%g", res.memory_gb)},
                     {"walltime_s", std::to_string(res.walltime_s)}};
      if (!res.accelerators) return {std::move(key), std::move(p)};
      p.emplace_back("count", std::to_string(res.accelerators->count));
      p.emplace_back("model", res.accelerators->model);
      return {"reject.too_large_accelerators", std::move(p)};
    }
    case RejectCode::over_max_price:
      return {std::move(key), {{"cost", cny(d.value)}, {"limit", cny(d.limit)}}};
    case RejectCode::over_budget:
      return {std::move(key),
              {{"cost", cny(d.value)}, {"limit", cny(d.limit)}, {"over", cny(d.value - d.limit)}}};
    case RejectCode::deadline:
      return {std::move(key), {{"eta", fmt("%.3f", d.value)}}};
    default:  // the rest say the same for every site and job
      return {std::move(key), {}};
  }
}

namespace {

// The user's own exclusions: a site left out by constraints.sites or .regions says nothing
// about why the sites the user did allow refused, so it never leads a refusal when there is
// another reason.
bool user_exclusion(RejectCode code) {
  return code == RejectCode::site_not_allowed || code == RejectCode::site_denied ||
         code == RejectCode::region_not_allowed || code == RejectCode::region_denied;
}

}  // namespace

namespace {

// "no site can run this job: …", leading with the reason to act on.
std::vector<i18n::Message> refusal_parts(const Decision& d) {
  using M = i18n::Message;
  std::vector<M> parts;
  const std::string rejected = std::to_string(d.rejected_sites);
  parts.push_back({d.rejected_sites == 1 ? "summary.none_one" : "summary.none", {{"n", rejected}}});
  if (d.rejected_sites == 0) return parts;
  // Lead with the reason to act on: the commonest among the sites the user allowed, in the
  // words of a rejection that gave it (the code alone when none of those was listed).
  std::size_t top = kRejectCodes;
  for (bool allowed_only : {true, false}) {
    for (std::size_t k = 0; k < kRejectCodes; ++k) {
      if (d.rejected_by_code[k] == 0) continue;
      if (allowed_only && user_exclusion(static_cast<RejectCode>(k))) continue;
      if (top == kRejectCodes || d.rejected_by_code[k] > d.rejected_by_code[top]) top = k;
    }
    if (top != kRejectCodes) break;
  }
  const auto code = static_cast<RejectCode>(top);
  const std::string code_name(reject_code_name(code));
  const auto said = std::find_if(d.rejected.begin(), d.rejected.end(),
                                 [&](const Rejection& r) { return r.code == code; });
  const std::size_t n = d.rejected_by_code[top];
  std::size_t excluded = 0;
  for (std::size_t k = 0; k < kRejectCodes; ++k) {
    if (user_exclusion(static_cast<RejectCode>(k))) excluded += d.rejected_by_code[k];
  }
  const std::size_t others = d.rejected_sites - excluded;
  if (n == d.rejected_sites) {
    parts.push_back({n == 1 ? "summary.reason_its" : "summary.reason_every", {}});
  } else if (!user_exclusion(code) && excluded > 0) {
    parts.push_back({"summary.excluded", {{"excluded", std::to_string(excluded)}}});
    if (n == others) {
      parts.push_back({others == 1 ? "summary.reason_other" : "summary.reason_others", {}});
    } else {
      parts.push_back(
          {"summary.of_others", {{"others", std::to_string(others)}, {"n", std::to_string(n)}}});
    }
  } else {
    parts.push_back({"summary.commonest", {{"n", std::to_string(n)}}});
  }
  if (said != d.rejected.end() && !said->text.empty()) {
    parts.push_back(said->text);
    parts.push_back({"summary.code", {{"code", code_name}}});
  } else {
    parts.push_back({"summary.code_only", {{"code", code_name}}});
  }
  return parts;
}

}  // namespace

std::vector<i18n::Message> summary_parts(const Decision& d, const ExplainFacts& facts) {
  if (d.ranked.empty()) return refusal_parts(d);
  const Candidate& best = d.ranked.front();
  std::vector<i18n::Message> parts;
  parts.push_back({"summary.chosen",
                   {{"site", best.site_name},
                    {"site_zh", best.site_name_zh},
                    {"cost", cny(best.total_cost_cny)},
                    {"start", fmt("%.3f", best.start_s)}}});
  if (best.bytes_moved > 0) {
    parts.push_back({"summary.moved",
                     {{"bytes", human_bytes(static_cast<double>(best.bytes_moved))},
                      {"seconds", fmt("%.1f", best.transfer_in_s + best.transfer_out_s)}}});
  } else {
    parts.push_back({"summary.no_data", {}});
  }
  if (best.energy_kwh > 0) {
    parts.push_back(
        {"summary.co2",
         {{"co2_kg", fmt(best.co2_kg < 10 ? "%.2f" : "%.0f", best.co2_kg)},
          {"energy_kwh", fmt(best.energy_kwh < 10 ? "%.2f" : "%.0f", best.energy_kwh)}}});
  }
  if (!facts.fastest_is_best && facts.fastest_cost_cny > 0) {
    const double pct = 100.0 * (1.0 - best.total_cost_cny / facts.fastest_cost_cny);
    if (pct >= 1) parts.push_back({"summary.cheaper", {{"pct", fmt("%.0f", pct)}}});
  } else if (d.feasible_sites > 1 && facts.fastest_is_best) {
    parts.push_back({"summary.also_fastest", {{"n", std::to_string(d.feasible_sites)}}});
  }
  return parts;
}

namespace {

// Criteria in name order (latency, locality, price, time), as the members are written.
constexpr std::array<Criterion, kCriterionCount> kCriteriaByName = {
    Criterion::green, Criterion::latency, Criterion::locality, Criterion::price, Criterion::time};

// Parameters in name order, like every other object the writer writes.
void write_params(JsonWriter& w, std::string_view key, const i18n::Params& params) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  for (const auto& p : params) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  w.key(key).begin_object();
  for (const auto* p : sorted) w.member(p->first, p->second);
  w.end_object();
}

void write_by_criterion(JsonWriter& w, std::string_view key, const PerCriterion& v) {
  w.key(key).begin_object();
  for (auto c : kCriteriaByName) w.member(criterion_name(c), v[static_cast<std::size_t>(c)]);
  w.end_object();
}

}  // namespace

std::string to_json_text(const Candidate& c) {
  std::string out;
  out.reserve(640);
  JsonWriter w(out);
  w.begin_object()
      .member("bytes_moved", c.bytes_moved)
      .member("co2_kg", c.co2_kg)
      .member("compute_cost_cny", round_cny(c.compute_cost_cny))
      .member("egress_cost_cny", round_cny(c.egress_cost_cny))
      .member("energy_kwh", c.energy_kwh)
      .member("estimated_cost_cny", round_cny(c.total_cost_cny));
  write_by_criterion(w, "normalized", c.normalized);
  w.member("pool", c.pool).member("queue_wait_s", c.queue_wait_s);
  write_by_criterion(w, "raw", c.raw);
  w.member("region", c.region)
      .member("result_s", c.result_s)
      .member("rtt_ms", c.rtt_ms)
      .member("score", c.score)
      .member("site", c.site_id)
      .member("site_name", c.site_name);
  if (!c.site_name_zh.empty()) w.member("site_name_zh", c.site_name_zh);
  w.member("start_s", c.start_s)
      .member("transfer_in_s", c.transfer_in_s)
      .member("transfer_out_s", c.transfer_out_s)
      .end_object();
  return out;
}

std::string to_json_text(const Decision& d) {
  std::string out;
  out.reserve(1024 + 640 * d.ranked.size() + 160 * d.rejected.size());
  JsonWriter w(out);
  std::string chosen;
  w.begin_object().key("chosen");
  if (d.ranked.empty()) {
    w.null();
  } else {
    chosen = to_json_text(d.ranked.front());
    w.raw(chosen);
  }
  w.member("feasible_sites", d.feasible_sites).member("policy", d.policy);
  w.key("ranked").begin_array();
  for (std::size_t i = 0; i < d.ranked.size(); ++i) {
    w.raw(i == 0 ? chosen : to_json_text(d.ranked[i]));
  }
  w.end_array();
  w.key("rejected").begin_array();
  for (const auto& r : d.rejected) {
    w.begin_object()
        .member("code", reject_code_name(r.code))
        .member("reason", r.message)
        .member("reason_code", r.text.code);
    write_params(w, "reason_params", r.text.params);
    w.member("site", r.site_id).member("site_name", r.site_name);
    if (!r.site_name_zh.empty()) w.member("site_name_zh", r.site_name_zh);
    w.end_object();
  }
  w.end_array();
  // The counts by code, in name order; codes with none are left out.
  std::vector<std::pair<std::string_view, int>> counts;
  for (std::size_t k = 0; k < kRejectCodes; ++k) {
    if (d.rejected_by_code[k] > 0) {
      counts.emplace_back(reject_code_name(static_cast<RejectCode>(k)), d.rejected_by_code[k]);
    }
  }
  std::sort(counts.begin(), counts.end());
  w.key("rejected_by_code").begin_object();
  for (const auto& [code, n] : counts) w.member(code, n);
  w.end_object();
  w.member("rejected_sites", d.rejected_sites)
      .member("runtime_basis", d.runtime_basis)
      .member("runtime_s", d.runtime_s)
      .member("summary", d.summary);
  w.key("summary_parts").begin_array();
  for (const auto& part : d.summary_parts) {
    w.begin_object().member("code", part.code);
    write_params(w, "params", part.params);
    w.end_object();
  }
  w.end_array();
  w.key("weights")
      .begin_object()
      .member("green", d.weights.green)
      .member("latency", d.weights.latency)
      .member("locality", d.weights.locality)
      .member("price", d.weights.price)
      .member("time", d.weights.time)
      .end_object();
  w.end_object();
  return out;
}

namespace {
Json summary_parts_json(const std::vector<i18n::Message>& parts) {
  Json out = Json::array();
  for (const auto& p : parts) out.push_back(i18n::message_json(p));
  return out;
}
}  // namespace

Json to_json(const Decision& d) {
  return Json::parse(to_json_text(d));
}

Json brief_json(const Decision& d) {
  return {
      {"chosen", d.ranked.empty() ? Json(nullptr) : Json::parse(to_json_text(d.ranked.front()))},
      {"summary", d.summary},
      {"summary_parts", summary_parts_json(d.summary_parts)}};
}

void localize_decision(Json& decision, i18n::Lang lang) {
  if (!decision.is_object()) return;
  if (const auto parts = decision.find("summary_parts");
      parts != decision.end() && parts->is_array() && !parts->empty()) {
    std::vector<i18n::Message> coded;
    for (const auto& p : *parts) coded.push_back(i18n::message_from_json(p));
    decision["summary"] = i18n::render(coded, lang);
  }
  const auto rejected = decision.find("rejected");
  if (rejected == decision.end() || !rejected->is_array()) return;
  for (auto& r : *rejected) {
    const auto code = r.find("reason_code");
    if (code == r.end() || !code->is_string() || code->get_ref<const std::string&>().empty()) {
      continue;
    }
    const auto params = r.find("reason_params");
    r["reason"] =
        i18n::render(code->get<std::string>(),
                     params == r.end() ? i18n::Params{} : i18n::params_from_json(*params), lang);
  }
}

}  // namespace suanwang::placement
