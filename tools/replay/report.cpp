// The replay report: figures, goal check, table, JSON and SVG (see report.hpp).
#include "tools/replay/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace suanwang::replay {
namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least p of the values at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

std::string fmt(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

std::string pad(std::string s, std::size_t w, bool right = true) {
  // Widths count characters, and '¥' is two bytes in UTF-8: pad by code points.
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  if (n >= w) return s;
  return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

const PolicyReport* find(const std::vector<PolicyReport>& r, const std::string& name) {
  for (const auto& x : r) {
    if (x.policy == name) return &x;
  }
  return nullptr;
}

bool dominates(const PolicyReport& a, const PolicyReport& b) {
  return a.total_cost_cny <= b.total_cost_cny && a.ttr_p95_s <= b.ttr_p95_s &&
         (a.total_cost_cny < b.total_cost_cny || a.ttr_p95_s < b.ttr_p95_s);
}

// "Nice" axis ticks over [lo, hi].
std::vector<double> ticks(double lo, double hi) {
  const double span = std::max(hi - lo, 1e-9);
  const double raw = span / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  std::vector<double> out;
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push_back(t);
  return out;
}

}  // namespace

PolicyReport::ForecastError forecast_error(const std::vector<double>& abs_errors) {
  PolicyReport::ForecastError e;
  e.jobs = static_cast<int64_t>(abs_errors.size());
  if (abs_errors.empty()) return e;
  double sum = 0;
  for (double x : abs_errors) sum += x;
  e.mae_s = sum / static_cast<double>(abs_errors.size());
  e.p90_s = percentile(abs_errors, 0.90);
  return e;
}

PolicyReport summarise(const ReplayRun& run, const Workload& w, const PolicySpec& spec) {
  PolicyReport r;
  r.policy = run.policy;
  r.summary = std::string(spec.summary);
  r.baseline = spec.kind != PolicyKind::engine;
  r.jobs = static_cast<int64_t>(run.jobs.size());
  r.overfill_events = run.overfill_events;
  r.wall_s = run.wall_s;
  r.decisions = run.decisions;
  std::vector<double> ttr;
  std::array<std::vector<double>, kJobClasses> class_ttr;
  std::array<int64_t, kJobClasses> class_waited{};
  double wait_sum = 0, rtt_sum = 0;
  int64_t waited = 0, inference = 0;
  std::vector<double> runtime_err, wait_err, result_err;
  for (std::size_t i = 0; i < run.jobs.size(); ++i) {
    const JobOutcome& j = run.jobs[i];
    if (j.residency_violation) ++r.residency_violations;
    switch (j.state) {
      case FinalState::succeeded:
        ++r.succeeded;
        break;
      case FinalState::failed:
        ++r.failed;
        break;
      case FinalState::canceled:
        ++r.canceled;
        break;
      case FinalState::refused:
        ++r.refused;
        continue;
      case FinalState::unfinished:
        ++r.unfinished;
        continue;
    }
    const auto k = static_cast<std::size_t>(w.jobs[i].job_class);
    auto& cf = r.by_class[k];
    ++cf.jobs;
    cf.cost_cny += j.cost_cny;
    r.total_cost_cny += j.cost_cny;
    r.energy_mwh += j.energy_kwh / 1000;
    r.co2_t += j.co2_kg / 1000;
    r.bytes_moved += j.bytes_moved;
    if (j.result_s >= 0) {
      ttr.push_back(j.result_s - j.arrival_s);
      class_ttr[k].push_back(j.result_s - j.arrival_s);
      cf.ttr_mean_s += j.result_s - j.arrival_s;
    }
    if (j.started_s >= 0 && j.submitted_s >= 0) {
      wait_sum += j.started_s - j.submitted_s;
      cf.queue_wait_mean_s += j.started_s - j.submitted_s;
      ++class_waited[k];
      ++waited;
    }
    if (j.placed_s >= 0 && j.started_s >= 0 && j.submitted_s >= 0 && j.result_s >= 0) {
      runtime_err.push_back(
          std::abs(j.forecast_runtime_s - static_cast<double>(w.jobs[i].runtime_s)));
      wait_err.push_back(std::abs(j.forecast_queue_wait_s - (j.started_s - j.submitted_s)));
      result_err.push_back(std::abs(j.forecast_result_s - (j.result_s - j.placed_s)));
    }
    if (w.jobs[i].job_class == JobClass::inference) {
      rtt_sum += j.rtt_ms;
      ++inference;
    }
  }
  if (!ttr.empty()) {
    double sum = 0;
    for (double x : ttr) sum += x;
    r.ttr_mean_s = sum / static_cast<double>(ttr.size());
    r.ttr_p95_s = percentile(std::move(ttr), 0.95);
  }
  for (std::size_t k = 0; k < r.by_class.size(); ++k) {
    auto& cf = r.by_class[k];
    if (!class_ttr[k].empty()) cf.ttr_mean_s /= static_cast<double>(class_ttr[k].size());
    if (class_waited[k] > 0) cf.queue_wait_mean_s /= static_cast<double>(class_waited[k]);
    cf.ttr_p95_s = percentile(std::move(class_ttr[k]), 0.95);
  }
  r.runtime_error = forecast_error(runtime_err);
  r.queue_wait_error = forecast_error(wait_err);
  r.result_error = forecast_error(result_err);
  r.queue_wait_mean_s = waited > 0 ? wait_sum / static_cast<double>(waited) : 0;
  r.inference_rtt_ms = inference > 0 ? rtt_sum / static_cast<double>(inference) : 0;
  double sum = 0, sq = 0;
  for (const auto& s : run.sites) {
    const double u = s.utilisation(w.span_s);
    r.utilisation.emplace_back(s.name, u);
    sum += u;
    sq += u * u;
  }
  if (!run.sites.empty()) {
    const double n = static_cast<double>(run.sites.size());
    r.utilisation_mean = sum / n;
    r.utilisation_spread =
        std::sqrt(std::max(0.0, sq / n - r.utilisation_mean * r.utilisation_mean));
  }
  return r;
}

std::vector<GoalCheck> check_goal(const std::vector<PolicyReport>& reports) {
  std::vector<GoalCheck> out;
  const PolicyReport* bal = find(reports, "balanced");
  if (bal == nullptr) return out;
  for (const auto& b : reports) {
    if (!b.baseline) continue;
    GoalCheck g;
    g.baseline = b.policy;
    g.cost_gain =
        b.total_cost_cny > 0 ? (b.total_cost_cny - bal->total_cost_cny) / b.total_cost_cny : 0;
    g.p95_gain = b.ttr_p95_s > 0 ? (b.ttr_p95_s - bal->ttr_p95_s) / b.ttr_p95_s : 0;
    g.dominated = dominates(b, *bal);
    g.met = !g.dominated && ((g.cost_gain >= 0.15 && g.p95_gain >= -0.05) ||
                             (g.p95_gain >= 0.15 && g.cost_gain >= -0.05));
    out.push_back(g);
  }
  return out;
}

std::optional<GreenCheck> check_green(const std::vector<PolicyReport>& reports) {
  const PolicyReport* bal = find(reports, "balanced");
  const PolicyReport* green = find(reports, "greenest");
  if (bal == nullptr || green == nullptr) return std::nullopt;
  auto change = [](double g, double b) { return b > 0 ? (g - b) / b : 0.0; };
  return GreenCheck{change(green->total_cost_cny, bal->total_cost_cny),
                    change(green->ttr_p95_s, bal->ttr_p95_s), change(green->co2_t, bal->co2_t)};
}

std::string table(const std::vector<PolicyReport>& reports, const std::vector<GoalCheck>& goal) {
  std::ostringstream o;
  o << pad("policy", 18, false) << pad("jobs", 8) << pad("refused", 8) << pad("cost ¥", 12)
    << pad("tCO2", 9) << pad("TTR mean", 10) << pad("TTR p95", 10) << pad("queue", 9)
    << pad("moved", 9)
    << pad("resid", 6) << pad("inf RTT", 8) << pad("util", 6) << pad("spread", 7) << pad("wall", 7)
    << "\n";
  o << pad("", 18, false) << pad("", 8) << pad("", 8) << pad("", 12) << pad("", 9)
    << pad("min", 10)
    << pad("min", 10) << pad("min", 9) << pad("TB", 9) << pad("", 6) << pad("ms", 8) << pad("%", 6)
    << pad("%", 7) << pad("s", 7) << "\n";
  for (const auto& r : reports) {
    o << pad(r.policy, 18, false) << pad(std::to_string(r.jobs), 8)
      << pad(std::to_string(r.refused), 8) << pad(fmt("%.0f", r.total_cost_cny), 12)
      << pad(fmt("%.1f", r.co2_t), 9) << pad(fmt("%.1f", r.ttr_mean_s / 60), 10) << pad(fmt("%.1f", r.ttr_p95_s / 60), 10)
      << pad(fmt("%.1f", r.queue_wait_mean_s / 60), 9)
      << pad(fmt("%.2f", static_cast<double>(r.bytes_moved) / 1e12), 9)
      << pad(std::to_string(r.residency_violations), 6) << pad(fmt("%.1f", r.inference_rtt_ms), 8)
      << pad(fmt("%.0f", 100 * r.utilisation_mean), 6)
      << pad(fmt("%.1f", 100 * r.utilisation_spread), 7) << pad(fmt("%.1f", r.wall_s), 7) << "\n";
  }
  if (!reports.empty()) {
    o << "\nutilisation per site (%):\n" << pad("policy", 18, false);
    for (const auto& [name, u] : reports.front().utilisation) {
      o << pad(name.substr(0, name.find(' ')), 12);
    }
    o << "\n";
    for (const auto& r : reports) {
      o << pad(r.policy, 18, false);
      for (const auto& [name, u] : r.utilisation) o << pad(fmt("%.1f", 100 * u), 12);
      o << "\n";
    }
  }
  if (!reports.empty()) {
    o << "\nby job class: jobs, cost ¥, mean / p95 time to result and mean queue wait (min):\n"
      << pad("policy", 18, false);
    for (int c = 0; c < kJobClasses; ++c) {
      if (reports.front().by_class[static_cast<std::size_t>(c)].jobs > 0) {
        o << pad(job_class_name(static_cast<JobClass>(c)), 30);
      }
    }
    o << "\n";
    for (const auto& r : reports) {
      o << pad(r.policy, 18, false);
      for (const auto& cf : r.by_class) {
        if (cf.jobs == 0) continue;
        o << pad(std::to_string(cf.jobs) + " " + fmt("%.0f", cf.cost_cny) + " " +
                     fmt("%.0f", cf.ttr_mean_s / 60) + "/" + fmt("%.0f", cf.ttr_p95_s / 60) + " " +
                     fmt("%.1f", cf.queue_wait_mean_s / 60),
                 30);
      }
      o << "\n";
    }
  }
  if (!reports.empty()) {
    o << "\nforecast errors at placement (absolute, min: mean / p90): runtime (decision's vs "
         "true), queue wait (at the site), time to result (from placement):\n"
      << pad("policy", 18, false) << pad("runtime", 18) << pad("queue wait", 18)
      << pad("time to result", 18) << "\n";
    auto cell = [](const PolicyReport::ForecastError& e) {
      return pad(fmt("%.1f", e.mae_s / 60) + " / " + fmt("%.1f", e.p90_s / 60), 18);
    };
    for (const auto& r : reports) {
      o << pad(r.policy, 18, false) << cell(r.runtime_error) << cell(r.queue_wait_error)
        << cell(r.result_error) << "\n";
    }
  }
  if (const auto g = check_green(reports)) {
    o << "\ngreenest against balanced: cost " << fmt("%+.1f%%", 100 * g->cost_change)
      << ", p95 time to result " << fmt("%+.1f%%", 100 * g->p95_change) << ", CO2 "
      << fmt("%+.1f%%", 100 * g->co2_change) << "\n";
  }
  if (!goal.empty()) {
    o << "\nbalanced against each baseline (gain = how much lower balanced is):\n";
    for (const auto& g : goal) {
      o << "  " << pad(g.baseline, 18, false) << " cost "
        << pad(fmt("%+.1f%%", 100 * g.cost_gain), 7) << "   p95 time to result "
        << pad(fmt("%+.1f%%", 100 * g.p95_gain), 7) << "   "
        << (g.dominated ? "DOMINATED" : "on the front") << ", goal " << (g.met ? "met" : "NOT met")
        << "\n";
    }
  }
  return o.str();
}

namespace {

Json forecast_json(const PolicyReport& r) {
  auto one = [](const PolicyReport::ForecastError& e) {
    return Json{{"jobs", e.jobs}, {"mean_abs_error_s", e.mae_s}, {"p90_abs_error_s", e.p90_s}};
  };
  return Json{{"runtime", one(r.runtime_error)},
              {"queue_wait", one(r.queue_wait_error)},
              {"time_to_result", one(r.result_error)}};
}

}  // namespace

Json to_json(const Workload& w, const std::vector<PolicyReport>& reports,
             const std::vector<GoalCheck>& goal) {
  Json j;
  std::array<int64_t, kJobClasses> by_class{};
  for (const auto& job : w.jobs) ++by_class[static_cast<std::size_t>(job.job_class)];
  Json classes = Json::object();
  for (int c = 0; c < kJobClasses; ++c) {
    if (by_class[static_cast<std::size_t>(c)] > 0) {
      classes[job_class_name(static_cast<JobClass>(c))] = by_class[static_cast<std::size_t>(c)];
    }
  }
  j["workload"] = {{"source", w.source},
                   {"jobs", w.jobs.size()},
                   {"span_s", w.span_s},
                   {"datasets", w.datasets.size()},
                   {"by_class", classes}};
  Json ps = Json::array();
  for (const auto& r : reports) {
    Json util = Json::object();
    for (const auto& [name, u] : r.utilisation) util[name] = u;
    Json classes = Json::object();
    for (std::size_t c = 0; c < r.by_class.size(); ++c) {
      const auto& cf = r.by_class[c];
      if (cf.jobs == 0) continue;
      classes[job_class_name(static_cast<JobClass>(c))] = {
          {"jobs", cf.jobs},
          {"cost_cny", cf.cost_cny},
          {"time_to_result_mean_s", cf.ttr_mean_s},
          {"time_to_result_p95_s", cf.ttr_p95_s},
          {"queue_wait_mean_s", cf.queue_wait_mean_s}};
    }
    ps.push_back({{"policy", r.policy},
                  {"by_class", classes},
                  {"summary", r.summary},
                  {"baseline", r.baseline},
                  {"jobs", r.jobs},
                  {"succeeded", r.succeeded},
                  {"failed", r.failed},
                  {"canceled", r.canceled},
                  {"refused", r.refused},
                  {"unfinished", r.unfinished},
                  {"total_cost_cny", r.total_cost_cny},
                  {"energy_mwh", r.energy_mwh},
                  {"co2_t", r.co2_t},
                  {"time_to_result_mean_s", r.ttr_mean_s},
                  {"time_to_result_p95_s", r.ttr_p95_s},
                  {"queue_wait_mean_s", r.queue_wait_mean_s},
                  {"bytes_moved_between_regions", r.bytes_moved},
                  {"residency_violations", r.residency_violations},
                  {"overfill_events", r.overfill_events},
                  {"inference_rtt_mean_ms", r.inference_rtt_ms},
                  {"utilisation", util},
                  {"utilisation_mean", r.utilisation_mean},
                  {"utilisation_spread_sd", r.utilisation_spread},
                  {"forecast_errors", forecast_json(r)},
                  {"decisions", r.decisions},
                  {"wall_s", r.wall_s}});
  }
  j["policies"] = ps;
  Json gs = Json::array();
  for (const auto& g : goal) {
    gs.push_back({{"baseline", g.baseline},
                  {"cost_gain", g.cost_gain},
                  {"p95_time_to_result_gain", g.p95_gain},
                  {"balanced_dominated", g.dominated},
                  {"met", g.met}});
  }
  j["goal"] = {{"rule",
                "balanced is not dominated by the baseline, and is >= 15% lower on cost or p95 "
                "time to result while <= 5% higher on the other"},
               {"checks", gs}};
  if (const auto g = check_green(reports)) {
    j["greenest_vs_balanced"] = {{"cost_change", g->cost_change},
                                 {"p95_time_to_result_change", g->p95_change},
                                 {"co2_change", g->co2_change}};
  }
  return j;
}

std::string svg_chart(const std::vector<PolicyReport>& reports, const std::string& title) {
  constexpr double W = 760, H = 500, L = 80, R = 200, T = 50, B = 60;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" viewBox=\"0 0 " << W << " " << H << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << W / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" << xml(title)
    << "</text>\n";
  if (reports.empty()) {
    o << "</svg>\n";
    return o.str();
  }
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& r : reports) {
    const double x = r.total_cost_cny / 1000, y = r.ttr_p95_s / 3600;
    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  }
  const double px = std::max((x1 - x0) * 0.1, 1e-3), py = std::max((y1 - y0) * 0.1, 1e-3);
  x0 -= px, x1 += px, y0 -= py, y1 += py;
  x0 = std::max(0.0, x0), y0 = std::max(0.0, y0);
  auto sx = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto sy = [&](double y) { return H - B - (y - y0) / (y1 - y0) * (H - T - B); };
  o << "<g stroke=\"#ccc\">\n";
  for (double t : ticks(x0, x1)) {
    o << "<line x1=\"" << sx(t) << "\" y1=\"" << T << "\" x2=\"" << sx(t) << "\" y2=\"" << H - B
      << "\"/>\n";
  }
  for (double t : ticks(y0, y1)) {
    o << "<line x1=\"" << L << "\" y1=\"" << sy(t) << "\" x2=\"" << W - R << "\" y2=\"" << sy(t)
      << "\"/>\n";
  }
  o << "</g>\n<g fill=\"#333\">\n";
  for (double t : ticks(x0, x1)) {
    o << "<text x=\"" << sx(t) << "\" y=\"" << H - B + 16 << "\" text-anchor=\"middle\">"
      << fmt("%g", t) << "</text>\n";
  }
  for (double t : ticks(y0, y1)) {
    o << "<text x=\"" << L - 6 << "\" y=\"" << sy(t) + 4 << "\" text-anchor=\"end\">"
      << fmt("%g", t) << "</text>\n";
  }
  o << "<text x=\"" << (L + W - R) / 2 << "\" y=\"" << H - 18
    << "\" text-anchor=\"middle\">total cost (thousand CNY)</text>\n";
  o << "<text transform=\"translate(20," << (T + H - B) / 2
    << ") rotate(-90)\" text-anchor=\"middle\">p95 time to result (hours)</text>\n</g>\n";
  o << "<rect x=\"" << L << "\" y=\"" << T << "\" width=\"" << W - L - R << "\" height=\""
    << H - T - B << "\" fill=\"none\" stroke=\"#333\"/>\n";
  // The Pareto front: policies no other policy dominates, by cost.
  std::vector<const PolicyReport*> front;
  for (const auto& a : reports) {
    bool dominated = false;
    for (const auto& b : reports) dominated = dominated || dominates(b, a);
    if (!dominated) front.push_back(&a);
  }
  std::sort(front.begin(), front.end(),
            [](auto* a, auto* b) { return a->total_cost_cny < b->total_cost_cny; });
  o << "<polyline fill=\"none\" stroke=\"#2a7\" stroke-dasharray=\"5,4\" points=\"";
  for (const auto* f : front) {
    o << sx(f->total_cost_cny / 1000) << "," << sy(f->ttr_p95_s / 3600) << " ";
  }
  o << "\"/>\n";
  for (const auto& r : reports) {
    const double x = sx(r.total_cost_cny / 1000), y = sy(r.ttr_p95_s / 3600);
    const bool bal = r.policy == "balanced";
    const char* color = bal ? "#d22" : r.baseline ? "#35a" : "#888";
    o << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"" << (bal ? 7 : 5) << "\" fill=\""
      << color << "\"/>\n";
    o << "<text x=\"" << x + 9 << "\" y=\"" << y + 4 << "\" fill=\"" << color << "\">"
      << xml(r.policy) << "</text>\n";
  }
  const double lx = W - R + 16;
  o << "<g font-size=\"11\">\n";
  o << "<circle cx=\"" << lx << "\" cy=\"" << T + 10 << "\" r=\"6\" fill=\"#d22\"/><text x=\""
    << lx + 12 << "\" y=\"" << T + 14 << "\">balanced (the engine)</text>\n";
  o << "<circle cx=\"" << lx << "\" cy=\"" << T + 30 << "\" r=\"5\" fill=\"#888\"/><text x=\""
    << lx + 12 << "\" y=\"" << T + 34 << "\">other engine policies</text>\n";
  o << "<circle cx=\"" << lx << "\" cy=\"" << T + 50 << "\" r=\"5\" fill=\"#35a\"/><text x=\""
    << lx + 12 << "\" y=\"" << T + 54 << "\">baselines</text>\n";
  o << "<line x1=\"" << lx - 6 << "\" y1=\"" << T + 70 << "\" x2=\"" << lx + 6 << "\" y2=\""
    << T + 70 << "\" stroke=\"#2a7\" stroke-dasharray=\"5,4\"/><text x=\"" << lx + 12 << "\" y=\""
    << T + 74 << "\">Pareto front</text>\n</g>\n";
  o << "</svg>\n";
  return o.str();
}

}  // namespace suanwang::replay
