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

std::string human_duration(double s) {
  if (s < 1) return "now";
  if (s < 90) return "in " + fmt("%.0f", s) + " s";
  if (s < 5400) return "in " + fmt("%.0f", s / 60) + " min";
  return "in " + fmt("%.1f", s / 3600) + " h";
}

std::string human_bytes(double b) {
  if (b >= 1e12) return fmt("%.1f TB", b / 1e12);
  if (b >= 1e9) return fmt("%.1f GB", b / 1e9);
  if (b >= 1e6) return fmt("%.1f MB", b / 1e6);
  return fmt("%.0f B", b);
}

std::string rejection_message(RejectCode code, const model::Site& s, const model::JobSpec& job,
                              const RejectDetail& d) {
  const auto& res = job.resources;
  switch (code) {
    case RejectCode::blocked:
      return "this site refused or lost this job before";
    case RejectCode::draining:
      return "the operator is draining this site";
    case RejectCode::offline:
      return "the site is not answering";
    case RejectCode::site_not_allowed:
      return "not among constraints.sites";
    case RejectCode::site_denied:
      return "listed in constraints.deny_sites";
    case RejectCode::region_not_allowed:
      return "region " + s.region + " is not among constraints.regions";
    case RejectCode::region_denied:
      return "region " + s.region + " is in constraints.deny_regions";
    case RejectCode::org_not_allowed:
      return "the site's policy does not accept jobs from this org";
    case RejectCode::no_images:
      return "the site cannot run container images";
    case RejectCode::no_staging:
      return "the site cannot take the job's files in or bring its outputs back";
    case RejectCode::walltime:
      return "walltime " + std::to_string(res.walltime_s) + " s exceeds the site's limit of " +
             std::to_string(s.policy.max_walltime_s) + " s";
    case RejectCode::no_accelerator_model:
      return "the site offers no " + (res.accelerators ? res.accelerators->model : std::string());
    case RejectCode::in_flight_cap:
      return "the site already has " + fmt("%.0f", d.value) +
             " jobs in flight from the gateway (its cap is " +
             std::to_string(s.policy.max_in_flight) + ")";
    case RejectCode::capacity_unknown:
      return "the site has not reported its capacity yet";
    case RejectCode::capacity_stale:
      return "the site's capacity report is " + fmt("%.0f", d.value) + " s old";
    case RejectCode::too_large: {
      std::string what = std::to_string(res.cpus) + " CPUs, " + fmt("%g", res.memory_gb) + " GB";
      if (res.accelerators) {
        what += ", " + std::to_string(res.accelerators->count) + " " + res.accelerators->model;
      }
      return "no partition of the site can ever hold " + what + " for " +
             std::to_string(res.walltime_s) + " s";
    }
    case RejectCode::over_max_price:
      return "estimated " + cny(d.value) + " exceeds constraints.max_price_cny " + cny(d.limit);
    case RejectCode::over_budget:
      return "estimated " + cny(d.value) + " exceeds the org's remaining budget " + cny(d.limit) +
             " by " + cny(d.value - d.limit);
    case RejectCode::deadline:
      return "results would arrive " + human_duration(d.value) + ", after constraints.deadline";
  }
  return "rejected";
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

std::string summarize(const Decision& d, const ExplainFacts& facts) {
  if (d.ranked.empty()) {
    std::string s = "no site can run this job: " + std::to_string(d.rejected_sites) +
                    (d.rejected_sites == 1 ? " site rejected it" : " sites rejected it");
    if (d.rejected_sites == 0) return s;
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
    const auto said = std::find_if(d.rejected.begin(), d.rejected.end(),
                                   [&](const Rejection& r) { return r.code == code; });
    const std::size_t n = d.rejected_by_code[top];
    std::size_t excluded = 0;
    for (std::size_t k = 0; k < kRejectCodes; ++k) {
      if (user_exclusion(static_cast<RejectCode>(k))) excluded += d.rejected_by_code[k];
    }
    const std::size_t others = d.rejected_sites - excluded;
    if (n == d.rejected_sites) {
      s += std::string("; ") + (n == 1 ? "its" : "every one's") + " reason: ";
    } else if (!user_exclusion(code) && excluded > 0) {
      s += "; " + std::to_string(excluded) + " left out by the job's constraints; ";
      s += n == others ? std::string(others == 1 ? "the other's" : "the others'") + " reason: "
                       : "of the other " + std::to_string(others) + ", " + std::to_string(n) + ": ";
    } else {
      s += "; the commonest reason (" + std::to_string(n) + " of them): ";
    }
    s += said != d.rejected.end() ? said->message + " (" + reject_code_name(code) + ")"
                                  : std::string(reject_code_name(code));
    return s;
  }
  const Candidate& best = d.ranked.front();
  std::string s =
      best.site_name + ": " + cny(best.total_cost_cny) + ", starts " + human_duration(best.start_s);
  if (best.bytes_moved > 0) {
    s += ", " + human_bytes(static_cast<double>(best.bytes_moved)) + " moved in " +
         fmt("%.1f", best.transfer_in_s + best.transfer_out_s) + " s";
  } else {
    s += ", no data moved";
  }
  if (best.energy_kwh > 0) {
    s += ", about " + fmt(best.co2_kg < 10 ? "%.2f" : "%.0f", best.co2_kg) + " kg CO2 (" +
         fmt(best.energy_kwh < 10 ? "%.2f" : "%.0f", best.energy_kwh) + " kWh)";
  }
  if (!facts.fastest_is_best && facts.fastest_cost_cny > 0) {
    const double pct = 100.0 * (1.0 - best.total_cost_cny / facts.fastest_cost_cny);
    if (pct >= 1) s += "; " + fmt("%.0f", pct) + "% cheaper than the fastest site";
  } else if (d.feasible_sites > 1 && facts.fastest_is_best) {
    s += "; also the fastest of " + std::to_string(d.feasible_sites) + " sites";
  }
  return s;
}

namespace {

// Criteria in name order (latency, locality, price, time), as the members are written.
constexpr std::array<Criterion, kCriterionCount> kCriteriaByName = {
    Criterion::green, Criterion::latency, Criterion::locality, Criterion::price, Criterion::time};

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
      .member("site_name", c.site_name)
      .member("start_s", c.start_s)
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
        .member("site", r.site_id)
        .member("site_name", r.site_name)
        .end_object();
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

Json to_json(const Decision& d) {
  return Json::parse(to_json_text(d));
}

Json brief_json(const Decision& d) {
  return {
      {"chosen", d.ranked.empty() ? Json(nullptr) : Json::parse(to_json_text(d.ranked.front()))},
      {"summary", d.summary}};
}

}  // namespace suanwang::placement
