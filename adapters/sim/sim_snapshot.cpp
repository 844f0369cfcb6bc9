// The sim site's state as text (see sim_snapshot.hpp).
#include "adapters/sim/sim_snapshot.hpp"

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace suanwang::adapters::sim {
namespace {

using nlohmann::json;

constexpr std::string_view kSnapshotFormat = "suanwang-sim-state/1";
constexpr int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

int64_t nanos_since_epoch(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

TimePoint at_nanos(int64_t ns) {
  return TimePoint{std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(ns))};
}

json nanos_or_null(const std::optional<TimePoint>& t) {
  return t ? json(nanos_since_epoch(*t)) : json(nullptr);
}

const char* outcome_name(SimOutcome o) {
  switch (o) {
    case SimOutcome::exits:
      return "exits";
    case SimOutcome::walltime_exceeded:
      return "walltime_exceeded";
    case SimOutcome::lost:
      return "lost";
  }
  return "exits";
}

// Reads the fields of one JSON object, keeping the first problem so that parsing can read
// straight through and check once at the end.
class FieldReader {
 public:
  FieldReader(const json& object, std::string where, std::optional<std::string>& error)
      : object_(object), where_(std::move(where)), error_(error) {}

  int64_t integer(const char* name, int64_t min, int64_t max) {
    auto it = object_.find(name);
    if (it == object_.end() || !it->is_number_integer()) return problem(name, "is not an integer");
    // Unsigned values above int64's range read as negative here and fail the range check.
    const int64_t v = it->get<int64_t>();
    if (v < min || v > max) return problem(name, "is out of range");
    return v;
  }

  std::string text(const char* name) {
    auto it = object_.find(name);
    if (it == object_.end() || !it->is_string()) {
      problem(name, "is not a string");
      return {};
    }
    return it->get<std::string>();
  }

  std::optional<TimePoint> optional_time(const char* name) {
    auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    return at_nanos(integer(name, 0, kMaxInt64));
  }

 private:
  int64_t problem(const char* name, const char* what) {
    if (!error_) error_ = where_ + "." + name + " " + what;
    return 0;
  }

  const json& object_;
  std::string where_;
  std::optional<std::string>& error_;
};

std::optional<RemoteState> remote_state_named(const std::string& name) {
  for (auto s : {RemoteState::queued, RemoteState::running, RemoteState::succeeded,
                 RemoteState::failed, RemoteState::canceled, RemoteState::lost}) {
    if (name == remote_state_name(s)) return s;
  }
  return std::nullopt;
}

std::optional<SimOutcome> outcome_named(const std::string& name) {
  for (auto o : {SimOutcome::exits, SimOutcome::walltime_exceeded, SimOutcome::lost}) {
    if (name == outcome_name(o)) return o;
  }
  return std::nullopt;
}

std::unexpected<AdapterError> snapshot_error(const std::string& why) {
  return adapter_fail(AdapterErrc::internal, "sim state: " + why);
}

}  // namespace

std::string snapshot_to_text(const SimSnapshot& snapshot) {
  json jobs = json::array();
  for (size_t i = 0; i < snapshot.jobs.size(); ++i) {
    const SimJobRecord& j = snapshot.jobs[i];
    jobs.push_back(
        {{"id", "sim-" + std::to_string(i + 1)},
         {"key", j.key},
         {"pool", j.pool},
         {"cpus", j.demand.cpus},
         {"memory_mib", j.demand.memory_mib},
         {"accelerator_model", j.demand.accelerator_model},
         {"accelerator_count", j.demand.accelerator_count},
         {"walltime_s", j.walltime_s},
         {"hold_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(j.hold).count()},
         {"outcome", outcome_name(j.outcome)},
         {"state", remote_state_name(j.state)},
         {"submitted_ns", nanos_since_epoch(j.submitted_at)},
         {"started_ns", nanos_or_null(j.started_at)},
         {"finished_ns", nanos_or_null(j.finished_at)}});
  }
  json out = {{"format", std::string(kSnapshotFormat)},
              {"clock_ns", nanos_since_epoch(snapshot.clock)},
              {"draws", snapshot.draws},
              {"jobs", std::move(jobs)}};
  // The replace handler: a key is the gateway's id, but an invalid byte must not make the
  // state impossible to write.
  return out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

AdapterResult<SimSnapshot> snapshot_from_text(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return snapshot_error("not a JSON object");
  auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() ||
      format->get<std::string>() != kSnapshotFormat) {
    return snapshot_error("format is not " + std::string(kSnapshotFormat));
  }
  std::optional<std::string> error;
  SimSnapshot out;
  FieldReader top(doc, "sim state", error);
  out.clock = at_nanos(top.integer("clock_ns", 0, kMaxInt64));
  out.draws = static_cast<uint64_t>(top.integer("draws", 0, kMaxInt64));
  auto jobs = doc.find("jobs");
  if (jobs == doc.end() || !jobs->is_array()) return snapshot_error("jobs is not an array");
  std::set<std::string> keys;
  out.jobs.reserve(jobs->size());
  for (size_t i = 0; i < jobs->size() && !error; ++i) {
    const json& j = (*jobs)[i];
    const std::string id = "sim-" + std::to_string(i + 1);
    if (!j.is_object()) return snapshot_error("jobs[" + std::to_string(i) + "] is not an object");
    FieldReader f(j, id, error);
    if (f.text("id") != id && !error)
      return snapshot_error("jobs[" + std::to_string(i) + "] is not " + id);
    SimJobRecord r;
    r.key = f.text("key");
    r.pool = f.text("pool");
    r.demand.cpus = static_cast<int>(f.integer("cpus", 0, kMaxInt));
    r.demand.memory_mib = f.integer("memory_mib", 0, kMaxInt64);
    r.demand.accelerator_model = f.text("accelerator_model");
    r.demand.accelerator_count = static_cast<int>(f.integer("accelerator_count", 0, kMaxInt));
    r.walltime_s = f.integer("walltime_s", 0, kMaxInt64);
    r.hold = std::chrono::duration_cast<TimePoint::duration>(
        std::chrono::nanoseconds(f.integer("hold_ns", 0, kMaxInt64)));
    const auto outcome = outcome_named(f.text("outcome"));
    const auto state = remote_state_named(f.text("state"));
    r.submitted_at = at_nanos(f.integer("submitted_ns", 0, kMaxInt64));
    r.started_at = f.optional_time("started_ns");
    r.finished_at = f.optional_time("finished_ns");
    if (error) break;
    if (!outcome || !state) return snapshot_error(id + " has an unknown outcome or state");
    r.outcome = *outcome;
    r.state = *state;
    if (r.key.empty() || !keys.insert(r.key).second) {
      return snapshot_error(id + " has an empty or repeated key");
    }
    if (r.state == RemoteState::running && (!r.started_at || r.finished_at)) {
      return snapshot_error(id + " is running without a start time, or with an end time");
    }
    out.jobs.push_back(std::move(r));
  }
  if (error) return snapshot_error(*error);
  return out;
}

}  // namespace suanwang::adapters::sim
