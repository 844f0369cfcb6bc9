// The slurm adapter's records on the gateway's side (see job_records.hpp).
#include "adapters/slurm/job_records.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <nlohmann/json.hpp>

#include "adapters/common/small_file.hpp"

namespace suanwang::adapters::slurm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

AdapterResult<void> write_atomic(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return adapter_fail(AdapterErrc::internal,
                        "cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return adapter_fail(AdapterErrc::internal, "cannot write " + tmp.string() + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    return adapter_fail(AdapterErrc::internal,
                        "cannot rename " + tmp.string() + ": " + ec.message());
  }
  return {};
}

int64_t to_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::optional<TimePoint> from_ms(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return TimePoint{std::chrono::milliseconds(it->get<int64_t>())};
}

std::optional<RemoteState> state_from(const std::string& s) {
  for (auto st : {RemoteState::queued, RemoteState::running, RemoteState::succeeded,
                  RemoteState::failed, RemoteState::canceled, RemoteState::lost}) {
    if (s == remote_state_name(st)) return st;
  }
  return std::nullopt;
}

}  // namespace

JobRecords::JobRecords(fs::path work_dir) : keys_(work_dir / "keys"), jobs_(work_dir / "jobs") {}

AdapterResult<void> JobRecords::init() const {
  for (const auto* dir : {&keys_, &jobs_}) {
    std::error_code ec;
    fs::create_directories(*dir, ec);
    if (ec) {
      return adapter_fail(AdapterErrc::internal,
                          "cannot create " + dir->string() + ": " + ec.message());
    }
  }
  return {};
}

std::optional<int64_t> JobRecords::find_key(const std::string& key) const {
  auto text = read_small_file(keys_ / key, 64);
  if (!text) return std::nullopt;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
  if (ec != std::errc() || id <= 0) return std::nullopt;
  return id;
}

std::optional<JobRecord> JobRecords::find_job(int64_t job_id) const {
  auto text = read_small_file(jobs_ / (std::to_string(job_id) + ".json"), 64 * 1024);
  if (!text) return std::nullopt;
  const auto j = json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("key") || !j["key"].is_string()) return std::nullopt;
  JobRecord r;
  r.key = j["key"].get<std::string>();
  if (auto it = j.find("final"); it != j.end() && it->is_object()) {
    RemoteStatus s;
    s.remote_id = std::to_string(job_id);
    auto state = state_from(it->value("state", ""));
    if (state) {
      s.state = *state;
      if (auto c = it->find("exit_code"); c != it->end() && c->is_number_integer()) {
        s.exit_code = c->get<int>();
      }
      s.reason = it->value("reason", "");
      s.started_at = from_ms(*it, "started_at");
      s.finished_at = from_ms(*it, "finished_at");
      r.final_status = std::move(s);
    }
  }
  return r;
}

AdapterResult<void> JobRecords::remember_submit(const std::string& key, int64_t job_id) const {
  // The job record first: a key file always points at a job whose key is known.
  json j = {{"key", key}};
  if (auto ok = write_atomic(jobs_ / (std::to_string(job_id) + ".json"), j.dump()); !ok) return ok;
  return write_atomic(keys_ / key, std::to_string(job_id) + "\n");
}

AdapterResult<void> JobRecords::remember_final(int64_t job_id, const RemoteStatus& status) const {
  auto existing = find_job(job_id);
  json final = {{"state", remote_state_name(status.state)}, {"reason", status.reason}};
  if (status.exit_code) final["exit_code"] = *status.exit_code;
  if (status.started_at) final["started_at"] = to_ms(*status.started_at);
  if (status.finished_at) final["finished_at"] = to_ms(*status.finished_at);
  json j = {{"key", existing ? existing->key : std::string()}, {"final", final}};
  return write_atomic(jobs_ / (std::to_string(job_id) + ".json"), j.dump());
}

}  // namespace suanwang::adapters::slurm
