// The SWF reader and its mapping onto replay jobs (see swf.hpp).
#include "tools/replay/swf.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace suanwang::replay {
namespace {

constexpr std::array<const char*, 18> kFields = {"job number",
                                                 "submit time",
                                                 "wait time",
                                                 "run time",
                                                 "allocated processors",
                                                 "average CPU time",
                                                 "used memory",
                                                 "requested processors",
                                                 "requested time",
                                                 "requested memory",
                                                 "status",
                                                 "user",
                                                 "group",
                                                 "executable",
                                                 "queue",
                                                 "partition",
                                                 "preceding job",
                                                 "think time"};

Error line_error(std::size_t line, std::string message) {
  return Error::invalid("swf", "SWF line " + std::to_string(line) + ": " + std::move(message));
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

Result<SwfTrace> parse_swf(std::string_view text, std::size_t max_jobs) {
  SwfTrace trace;
  std::size_t line_no = 0;
  double last_submit = -1;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == ';') {
      line.remove_prefix(1);
      while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
      trace.header.emplace_back(line);
      continue;
    }
    std::array<double, 18> v{};
    std::size_t n = 0;
    while (!line.empty()) {
      std::size_t end = 0;
      while (end < line.size() && !is_space(line[end])) ++end;
      const std::string_view tok = line.substr(0, end);
      if (n == kFields.size()) {
        return fail(line_error(line_no, "more than 18 fields (a job line has exactly 18)"));
      }
      double x = 0;
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), x);
      if (ec != std::errc() || p != tok.data() + tok.size() || !std::isfinite(x)) {
        return fail(line_error(line_no, "field " + std::to_string(n + 1) + " (" + kFields[n] +
                                            "): '" + std::string(tok) + "' is not a number"));
      }
      if (x < 0 && x != -1) {
        return fail(line_error(line_no, "field " + std::to_string(n + 1) + " (" + kFields[n] +
                                            "): " + std::string(tok) +
                                            " is negative (only -1, unknown, may be)"));
      }
      v[n++] = x;
      line.remove_prefix(end);
      while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    }
    if (n != kFields.size()) {
      return fail(
          line_error(line_no, "has " + std::to_string(n) + " fields; a job line has exactly 18"));
    }
    if (v[1] < 0) return fail(line_error(line_no, "field 2 (submit time) is unknown (-1)"));
    if (v[1] < last_submit) {
      return fail(line_error(line_no,
                             "field 2 (submit time) goes back in time (jobs must be "
                             "in submit order)"));
    }
    last_submit = v[1];
    if (trace.jobs.size() == max_jobs) {
      return fail(line_error(line_no, "more than " + std::to_string(max_jobs) + " jobs"));
    }
    SwfJob j;
    j.number = static_cast<int64_t>(v[0]);
    j.submit_s = v[1];
    j.wait_s = v[2];
    j.run_s = v[3];
    j.allocated_procs = static_cast<int64_t>(v[4]);
    j.used_memory_kb = v[6];
    j.requested_procs = static_cast<int64_t>(v[7]);
    j.requested_time_s = v[8];
    j.requested_memory_kb = v[9];
    j.status = static_cast<int64_t>(v[10]);
    j.user = static_cast<int64_t>(v[11]);
    j.queue = static_cast<int64_t>(v[14]);
    j.partition = static_cast<int64_t>(v[15]);
    trace.jobs.push_back(j);
  }
  return trace;
}

Result<SwfTrace> read_swf_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail(Error::invalid("swf", "cannot read SWF file " + path + ": " + ec.message()));
  if (size > max_bytes) {
    return fail(Error::invalid(
        "swf", "SWF file " + path + " is larger than " + std::to_string(max_bytes) + " bytes"));
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(size, '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(size))) {
    return fail(Error::invalid("swf", "cannot read SWF file " + path));
  }
  return parse_swf(text);
}

Workload to_workload(const SwfTrace& trace, SwfMapping& m) {
  static const std::array<const char*, 3> kEast = {"cn-csj-shanghai", "cn-gba-shaoguan",
                                                   "cn-jjj-zhangjiakou"};
  Workload w;
  w.span_s = m.days * 86400.0;
  m.skipped = 0;
  const double t0 = trace.jobs.empty() ? 0 : trace.jobs.front().submit_s;
  for (const auto& s : trace.jobs) {
    const double arrival = s.submit_s - t0;
    if (s.run_s <= 0 || arrival >= w.span_s) {
      ++m.skipped;
      continue;
    }
    WorkloadJob j;
    j.job_class = JobClass::trace;
    j.arrival_s = arrival;
    j.runtime_s = std::max<int64_t>(1, static_cast<int64_t>(std::llround(s.run_s)));
    auto& spec = j.spec;
    spec.name = "swf-" + std::to_string(s.number);
    spec.command = "run";
    const int64_t procs = s.requested_procs > 0 ? s.requested_procs : s.allocated_procs;
    spec.resources.cpus = static_cast<int>(std::clamp<int64_t>(procs, 1, 1 << 20));
    const double wall = s.requested_time_s > 0 ? s.requested_time_s : s.run_s;
    spec.resources.walltime_s =
        std::max<int64_t>({60, j.runtime_s, static_cast<int64_t>(std::ceil(wall))});
    const double kb = s.requested_memory_kb > 0 ? s.requested_memory_kb : s.used_memory_kb;
    const double gb = kb > 0 ? kb * spec.resources.cpus / 1e6 : 2.0 * spec.resources.cpus;
    spec.resources.memory_gb = std::max(1.0, std::ceil(gb));
    const auto user = static_cast<uint64_t>(s.user < 0 ? 0 : s.user);
    spec.submitter_region = kEast[(user * 2654435761u) % kEast.size()];
    w.jobs.push_back(std::move(j));
  }
  for (std::size_t i = 0; i < w.jobs.size(); ++i) {
    w.jobs[i].id = "job_swf_" + std::to_string(i);
  }
  return w;
}

}  // namespace suanwang::replay
