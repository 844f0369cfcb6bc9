// Helpers shared by the adapter tests: a manual clock, the temp dir, and bounded
// polling of an adapter (no fixed sleeps: poll, with a limit).
#pragma once

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "adapters/site_adapter.hpp"
#include "support/run_sync.hpp"
#include "support/temp_dir.hpp"

namespace suanwang::testing {

using adapters::TimePoint;

// A clock that moves only when told; thread-safe, as context.now may be read from any thread.
class ManualTestClock {
 public:
  explicit ManualTestClock(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 56))
      : ns_(start.time_since_epoch().count()) {}
  TimePoint now() const { return TimePoint{TimePoint::duration{ns_.load()}}; }
  void advance(std::chrono::milliseconds d) {
    ns_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
  }
  void set(TimePoint t) { ns_ = t.time_since_epoch().count(); }
  std::function<TimePoint()> fn() {
    return [this] { return now(); };
  }

 private:
  std::atomic<TimePoint::rep> ns_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// True when `pid` has exited; a zombie (exited, not yet reaped by its parent) counts as gone.
inline bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  const auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return true;
  return stat[close + 2] == 'Z';
}

inline adapters::RemoteStatus status_one(boost::asio::io_context& io, adapters::SiteAdapter& a,
                                         const std::string& id) {
  auto r = run_sync(io, a.status({id}));
  if (r && r->size() == 1) return r->front();
  adapters::RemoteStatus s;
  s.remote_id = id;
  s.state = adapters::RemoteState::lost;
  s.reason =
      r ? "status answered the wrong number of entries" : "status failed: " + r.error().message;
  return s;
}

// Polls status until `done` holds, calling `pass_time` between polls, at most `max_polls` times.
inline adapters::RemoteStatus poll_status(
    boost::asio::io_context& io, adapters::SiteAdapter& a, const std::string& id,
    const std::function<bool(const adapters::RemoteStatus&)>& done,
    const std::function<void()>& pass_time, int max_polls) {
  auto s = status_one(io, a, id);
  for (int i = 0; i < max_polls && !done(s); ++i) {
    pass_time();
    s = status_one(io, a, id);
  }
  return s;
}

inline bool is_final(adapters::RemoteState s) {
  return s != adapters::RemoteState::queued && s != adapters::RemoteState::running;
}

// Reads a job's whole log in chunks of `chunk` bytes until eof (bounded by `max_reads`).
inline std::string read_all_logs(boost::asio::io_context& io, adapters::SiteAdapter& a,
                                 const std::string& id, int64_t chunk = 1 << 16,
                                 int max_reads = 10000) {
  std::string out;
  int64_t offset = 0;
  for (int i = 0; i < max_reads; ++i) {
    auto r = run_sync(io, a.logs(id, offset, chunk));
    if (!r) break;
    out += r->data;
    offset = r->next_offset;
    if (r->eof) break;
  }
  return out;
}

// SIGKILLs the process group of every job left under a local work_dir, so a failed test does
// not leave `sleep 30` behind.
inline void kill_leftover_jobs(const std::filesystem::path& work_dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(work_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const auto text = read_file(it->path() / "pid");
    const long pid = std::atol(text.c_str());
    if (pid > 0) ::kill(static_cast<pid_t>(-pid), SIGKILL);
  }
}

// A real-time poll interval for adapters that run real processes.
inline void short_sleep() {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace suanwang::testing
