// The SWF reader: the sample trace, the mapping onto jobs, and malformed lines.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tools/replay/swf.hpp"

using namespace suanwang;
using namespace suanwang::replay;

namespace {
const std::string kSample = (std::filesystem::path(__FILE__).parent_path() / "sample.swf").string();

std::string error_of(std::string_view text) {
  auto r = parse_swf(text);
  REQUIRE_FALSE(r);
  return r.error().message;
}
}  // namespace

TEST_CASE("SWF: the sample trace parses with its header and every job", "[replay][swf]") {
  auto t = read_swf_file(kSample);
  REQUIRE(t);
  CHECK(t->jobs.size() == 8);
  CHECK(t->header.front() == "Version: 2.2");
  const SwfJob& j = t->jobs[0];
  CHECK(j.number == 1);
  CHECK(j.run_s == 3600);
  CHECK(j.requested_procs == 16);
  CHECK(j.requested_time_s == 7200);
  CHECK(j.requested_memory_kb == 2048000);
  CHECK(t->jobs[2].run_s == -1);
  CHECK(t->jobs[7].submit_s == 700000);
}

TEST_CASE("SWF: jobs map onto replay jobs sensibly", "[replay][swf]") {
  auto t = read_swf_file(kSample);
  REQUIRE(t);
  SwfMapping m;
  m.days = 7;
  const Workload w = to_workload(*t, m);
  // Job 3 never ran (run time -1) and job 8 arrives after a week: both skipped.
  CHECK(m.skipped == 2);
  REQUIRE(w.jobs.size() == 6);
  const auto& a = w.jobs[0];
  CHECK(a.arrival_s == 0);
  CHECK(a.runtime_s == 3600);
  CHECK(a.spec.resources.cpus == 16);
  CHECK(a.spec.resources.walltime_s == 7200);
  CHECK(a.spec.resources.memory_gb == Approx(33));  // 2,048,000 KB x 16 procs, rounded up
  // Job 4: requested procs unknown -> allocated unknown too -> 1 CPU; requested time unknown ->
  // the run time; memory from the used figure.
  const auto& d = w.jobs[2];
  CHECK(d.spec.resources.cpus == 1);
  CHECK(d.spec.resources.walltime_s == 7200);
  CHECK(d.spec.resources.memory_gb == Approx(1));
  // Walltime never below the run time, nor below a minute.
  for (const auto& j : w.jobs) {
    CHECK(j.spec.resources.walltime_s >= j.runtime_s);
    CHECK(j.spec.resources.walltime_s >= 60);
    CHECK(j.job_class == JobClass::trace);
  }
  // One user submits from one region.
  CHECK(w.jobs[0].spec.submitter_region == w.jobs[5].spec.submitter_region);  // user 3 twice
  CHECK(w.jobs[1].spec.submitter_region == w.jobs[3].spec.submitter_region);  // user 7 twice
}

TEST_CASE("SWF: malformed lines are errors naming the line and the field", "[replay][swf]") {
  const std::string ok = "1 0 0 60 1 -1 -1 1 60 -1 1 1 1 1 1 1 -1 -1\n";
  CHECK(parse_swf(ok));
  CHECK(parse_swf("; only a header\n\n"));

  CHECK(error_of(ok + "2 10 0 60 1 -1 -1 1 60\n") ==
        "SWF line 2: has 9 fields; a job line has exactly 18");
  CHECK(error_of(ok + ok.substr(0, ok.size() - 1) + " 7\n") ==
        "SWF line 2: more than 18 fields (a job line has exactly 18)");
  CHECK(error_of("; h\n1 0 0 ten 1 -1 -1 1 60 -1 1 1 1 1 1 1 -1 -1\n") ==
        "SWF line 2: field 4 (run time): 'ten' is not a number");
  CHECK(error_of("1 0 0 60 -4 -1 -1 1 60 -1 1 1 1 1 1 1 -1 -1\n") ==
        "SWF line 1: field 5 (allocated processors): -4 is negative (only -1, unknown, may be)");
  CHECK(error_of("1 -1 0 60 1 -1 -1 1 60 -1 1 1 1 1 1 1 -1 -1\n") ==
        "SWF line 1: field 2 (submit time) is unknown (-1)");
  CHECK(error_of("1 50 0 60 1 -1 -1 1 60 -1 1 1 1 1 1 1 -1 -1\n"
                 "2 40 0 60 1 -1 -1 1 60 -1 1 1 1 1 1 1 -1 -1\n") ==
        "SWF line 2: field 2 (submit time) goes back in time (jobs must be in submit order)");
  CHECK(error_of("1 0 0 6e 1 -1 -1 1 60 -1 1 1 1 1 1 1 -1 -1\n").find("field 4") !=
        std::string::npos);

  auto too_many = parse_swf(ok + ok, 1);
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().message == "SWF line 2: more than 1 jobs");
  auto missing = read_swf_file("/nonexistent/trace.swf");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("cannot read SWF file /nonexistent/trace.swf") == 0);
}
