// Local job processes: spawn under the exit-status wrapper, liveness from /proc, signals.
#include "adapters/local/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace suanwang::adapters::local {
namespace {

// Runs the job ("$@") and records its status with a rename, so a reader never sees half a
// number. `command -p` finds mv on the default path even when the job's env replaced PATH.
constexpr const char* kWrapper =
    "\"$@\"; echo $? > exit_code.tmp && command -p mv -f exit_code.tmp exit_code";

struct ProcStat {
  char state = '?';
  uint64_t start_ticks = 0;
};

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  auto text = read_small_file("/proc/" + std::to_string(pid) + "/stat", 4096);
  if (!text) return std::nullopt;
  // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
  const auto close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::string_view rest(*text);
  rest.remove_prefix(close + 1);
  ProcStat st;
  // Fields from 3 (state) on; starttime is field 22.
  int field = 3;
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    const auto end = std::min(rest.find(' ', pos), rest.size());
    const auto token = rest.substr(pos, end - pos);
    if (field == 3 && !token.empty()) st.state = token[0];
    if (field == 22) {
      std::from_chars(token.data(), token.data() + token.size(), st.start_ticks);
      return st;
    }
    ++field;
    pos = end;
  }
  return std::nullopt;
}

// RAII for the posix_spawn attribute objects, so every error path destroys them.
struct SpawnAttrs {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnAttrs() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnAttrs() {
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
  }
  SpawnAttrs(const SpawnAttrs&) = delete;
  SpawnAttrs& operator=(const SpawnAttrs&) = delete;
};

}  // namespace

AdapterResult<PidRecord> spawn_job(const SpawnRequest& request) {
  std::vector<std::string> args = {"/bin/sh", "-c", kWrapper, "suanwang-job"};
  args.insert(args.end(), request.argv.begin(), request.argv.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = request.env;
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  SpawnAttrs s;
  int rc = posix_spawn_file_actions_addchdir_np(&s.actions, request.dir.c_str());
  if (rc == 0) rc = posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0) {
    rc = posix_spawn_file_actions_addopen(&s.actions, 1, request.output.c_str(),
                                          O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&s.actions, 1, 2);
  // The gateway's sockets and database must not leak into jobs.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&s.attr, &empty);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&s.attr, &defaults);
  if (rc == 0) {
    rc = posix_spawnattr_setflags(
        &s.attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  if (rc != 0) {
    return adapter_fail(AdapterErrc::internal,
                        std::string("posix_spawn setup: ") + std::strerror(rc));
  }
  pid_t pid = 0;
  rc = posix_spawn(&pid, "/bin/sh", &s.actions, &s.attr, argv.data(), envp.data());
  if (rc != 0) {
    return adapter_fail(AdapterErrc::internal, std::string("posix_spawn: ") + std::strerror(rc));
  }
  // The child is not reaped before we look, so its /proc entry is there even if it exited.
  auto st = read_proc_stat(pid);
  return PidRecord{pid, st ? st->start_ticks : 0};
}

AdapterResult<pid_t> spawn_helper(const std::vector<std::string>& argv_in,
                                  const std::vector<std::string>& env_in) {
  std::vector<std::string> args = argv_in;
  std::vector<std::string> env = env_in;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  SpawnAttrs s;
  int rc = posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_addopen(&s.actions, 1, "/dev/null", O_WRONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&s.actions, 1, 2);
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  sigset_t empty;
  sigemptyset(&empty);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&s.attr, &empty);
  if (rc == 0) rc = posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  if (rc == 0) rc = posix_spawn(&pid, args.front().c_str(), &s.actions, &s.attr, argv.data(),
                                envp.data());
  if (rc != 0) {
    return adapter_fail(AdapterErrc::internal,
                        "could not start " + args.front() + ": " + std::strerror(rc));
  }
  return pid;
}

bool process_alive(const PidRecord& record) {
  if (record.pid <= 0) return false;
  if (::kill(record.pid, 0) != 0 && errno == ESRCH) return false;
  auto st = read_proc_stat(record.pid);
  if (!st) return false;
  if (record.start_ticks != 0 && st->start_ticks != record.start_ticks) return false;  // reused
  if (st->state == 'Z' || st->state == 'X') {
    // Same pid and start time, so this zombie is our job's wrapper: reaping it is safe, and
    // needed when an earlier adapter instance in this process spawned it.
    reap_child(record.pid);
    return false;
  }
  return true;
}

bool reap_child(pid_t pid) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  return r == pid;
}

bool group_exists(pid_t pgid) {
  if (pgid <= 0) return false;
  return ::kill(-pgid, 0) == 0 || errno == EPERM;
}

void signal_group(pid_t pgid, int signal) {
  if (pgid > 0) ::kill(-pgid, signal);
}

}  // namespace suanwang::adapters::local
