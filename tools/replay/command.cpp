// The replay command (see command.hpp).
#include "tools/replay/command.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "tools/replay/federation.hpp"
#include "tools/replay/replay.hpp"
#include "tools/replay/report.hpp"
#include "tools/replay/swf.hpp"
#include "tools/replay/trace_weeks.hpp"
#include "tools/replay/workload.hpp"

namespace suanwang::replay {

const char* const kReplayUsage = R"(usage: suanwang replay [options]

Replay a simulated week of national demand (or a real trace's week) through the placement engine
and the demo federation's sim sites on a virtual clock, once per policy, and compare them.

options:
  --days N              days of arrivals to replay (default 7, at most 366)
  --seed N              workload and baseline seed (default 1)
  --scale X             multiply the generated demand (default 1)
  --policy P[,P...]     all (default) or any of: balanced, cheapest, fastest, data-local, greenest,
                        random, round-robin, cheapest-failover, least-loaded, first-start
  --trace T             replay a real-trace week instead of the generator (data/traces, see
                        tools/replay/trace_weeks.hpp), scaled to the generator's load for the
                        same --seed/--days/--scale (the factor is printed):
                          ctc, kth    Parallel Workloads Archive HPC weeks (CTC-SP2, KTH-SP2)
                          pai         Alibaba PAI GPU pods (China), GPU models mapped to ours
                          philly      Microsoft Philly multi-GPU training jobs
                          composite   the national week: HPC from CTC+KTH, AI training from
                                      PAI+Philly with Helios-shaped arrivals, small jobs and
                                      inference from the generator (seeded)
  --traces-dir DIR      where the traces are (default data/traces, from the repository's top)
  --swf FILE            replay this Standard Workload Format trace, unscaled
  --out DIR             write DIR/replay.json and DIR/replay.svg
  --capacity-interval S seconds between capacity reports (default 30)
  --require-goal        exit 3 unless balanced meets the goal against every baseline run
  -h, --help            show this help

exit codes: 0 done, 1 an invariant broke (residency violation, overfilled site, job unfinished),
            2 usage or input error, 3 --require-goal and the goal was missed
)";

namespace {

template <class T>
bool parse_number(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

int usage(std::ostream& err, const std::string& msg) {
  err << "suanwang replay: " << msg << "\n\n" << kReplayUsage;
  return 2;
}

bool write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  return static_cast<bool>(f);
}

}  // namespace

int replay_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  WorkloadOptions wo;
  ReplayOptions ro;
  std::string policies = "all", swf, out_dir, trace, traces_dir = "data/traces";
  bool require_goal = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      out << kReplayUsage;
      return 0;
    }
    if (a == "--require-goal") {
      require_goal = true;
      continue;
    }
    if (i + 1 >= args.size())
      return usage(err,
                   a.starts_with("--") ? a + " needs a value" : "unknown argument '" + a + "'");
    const std::string& v = args[++i];
    if (a == "--days") {
      if (!parse_number(v, wo.days) || wo.days < 1 || wo.days > 366)
        return usage(err, "--days must be an integer in [1, 366]");
    } else if (a == "--seed") {
      if (!parse_number(v, wo.seed)) return usage(err, "--seed must be a non-negative integer");
      ro.seed = wo.seed;
    } else if (a == "--scale") {
      if (!parse_number(v, wo.scale) || !(wo.scale > 0) || wo.scale > 100)
        return usage(err, "--scale must be a number in (0, 100]");
    } else if (a == "--policy") {
      policies = v;
    } else if (a == "--swf") {
      swf = v;
    } else if (a == "--trace") {
      const auto& names = trace_week_names();
      if (std::find(names.begin(), names.end(), v) == names.end())
        return usage(err, "--trace must be one of ctc, kth, pai, philly, composite");
      trace = v;
    } else if (a == "--traces-dir") {
      traces_dir = v;
    } else if (a == "--out") {
      out_dir = v;
    } else if (a == "--capacity-interval") {
      if (!parse_number(v, ro.capacity_interval_s) || !(ro.capacity_interval_s >= 1) ||
          ro.capacity_interval_s > 59)
        return usage(err,
                     "--capacity-interval must be seconds in [1, 59] (capacity older than "
                     "60 s is stale)");
    } else {
      return usage(err, "unknown option '" + a + "'");
    }
  }

  if (!swf.empty() && !trace.empty()) return usage(err, "--swf and --trace exclude each other");

  std::vector<const PolicySpec*> chosen;
  if (policies == "all") {
    for (const auto& p : policy_table()) chosen.push_back(&p);
  } else {
    std::size_t start = 0;
    while (start <= policies.size()) {
      const std::size_t comma = std::min(policies.find(',', start), policies.size());
      const std::string name = policies.substr(start, comma - start);
      const PolicySpec* p = find_policy(name);
      if (p == nullptr) return usage(err, "--policy: unknown policy '" + name + "'");
      chosen.push_back(p);
      start = comma + 1;
    }
  }

  auto fed = demo_federation();
  if (!fed) {
    err << "suanwang replay: " << fed.error().message << "\n";
    return 1;
  }
  Workload workload;
  if (!trace.empty()) {
    auto week = trace_week(trace, traces_dir, wo);
    if (!week) {
      err << "suanwang replay: " << week.error().message << "\n";
      return 2;
    }
    for (const auto& note : week->notes) out << "  " << note << "\n";
    workload = std::move(week->workload);
  } else if (!swf.empty()) {
    auto trace = read_swf_file(swf);
    if (!trace) {
      err << "suanwang replay: " << trace.error().message << "\n";
      return 2;
    }
    SwfMapping m;
    m.days = wo.days;
    workload = to_workload(*trace, m);
    workload.source = "swf " + swf + " (" + std::to_string(m.skipped) + " jobs skipped)";
  } else {
    workload = generate_workload(wo);
  }
  out << "replaying " << workload.jobs.size() << " jobs (" << workload.source << ") over "
      << fed->sites.size() << " sim sites, " << chosen.size() << " polic"
      << (chosen.size() == 1 ? "y" : "ies") << "\n";
  out.flush();

  std::vector<PolicyReport> reports;
  for (const PolicySpec* p : chosen) {
    auto run = run_replay(*fed, workload, *p, ro);
    if (!run) {
      err << "suanwang replay: " << run.error().message << "\n";
      return 1;
    }
    reports.push_back(summarise(*run, workload, *p));
    out << "  " << p->name << ": " << reports.back().wall_s << " s\n";
    out.flush();
  }
  const auto goal = check_goal(reports);
  out << "\n" << table(reports, goal);

  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    const auto dir = std::filesystem::path(out_dir);
    const std::string title = "Placement quality: " + workload.source;
    if (ec || !write_file(dir / "replay.json", to_json(workload, reports, goal).dump(2) + "\n") ||
        !write_file(dir / "replay.svg", svg_chart(reports, title))) {
      err << "suanwang replay: cannot write the report into " << out_dir << "\n";
      return 2;
    }
    out << "\nwrote " << (dir / "replay.json").string() << " and " << (dir / "replay.svg").string()
        << "\n";
  }

  bool broken = false;
  for (const auto& r : reports) {
    if (!r.invariants_hold()) {
      err << "suanwang replay: INVARIANT BROKEN for " << r.policy << ": " << r.residency_violations
          << " residency violations, " << r.overfill_events << " overfilled capacity reports, "
          << r.unfinished << " unfinished jobs\n";
      broken = true;
    }
  }
  if (broken) return 1;
  if (require_goal) {
    for (const auto& g : goal) {
      if (!g.met) {
        err << "suanwang replay: balanced misses the goal against " << g.baseline << "\n";
        return 3;
      }
    }
  }
  return 0;
}

}  // namespace suanwang::replay
