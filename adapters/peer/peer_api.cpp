// The peer gateway's REST API, mapped (see peer_api.hpp).
#include "adapters/peer/peer_api.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "common/rfc3339.hpp"
#include "common/sha256.hpp"

namespace suanwang::adapters::peer {
namespace {

using nlohmann::json;

// Bounds on what a peer may send: far above any real federation, low enough that a hostile
// answer cannot make us allocate without limit or overflow a sum.
constexpr size_t kMaxSites = 100'000;
constexpr size_t kMaxPoolsPerSite = 1'000;
constexpr size_t kMaxModels = 64;
constexpr int64_t kMaxCount = 100'000'000;
constexpr double kMaxMemoryGb = 1e9;
constexpr double kMaxSeconds = 1e10;
constexpr size_t kMaxReason = 1'000;
constexpr size_t kMaxPageJobs = 1'000;
constexpr size_t kMaxPageItems = 1'000;      // a page of datasets or files (the peer sends <= 500)
constexpr size_t kMaxOutputFiles = 100'000;  // the files of one job's outputs
constexpr int64_t kMaxFileBytes = int64_t{1} << 50;
constexpr size_t kMaxPathBytes = 1024;
constexpr size_t kMaxSegmentBytes = 255;

std::unexpected<AdapterError> bad(std::string_view path, std::string_view what) {
  std::string m = "peer answer: ";
  m += path;
  m += ' ';
  m += what;
  return adapter_fail(AdapterErrc::bad_response, std::move(m));
}

std::string at(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string at(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

// Printable ASCII only, at most `max` bytes: a peer's words go into our logs and events.
std::string printable(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  return out;
}

AdapterResult<json> parse_object(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("body", "is not JSON");
  if (!j.is_object()) return bad("body", "is not a JSON object");
  return j;
}

AdapterResult<const json*> member(const json& obj, std::string_view key, std::string_view path,
                                  bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || (it->is_null() && !required)) {
    if (required) return bad(at(path, key), "is missing");
    return static_cast<const json*>(nullptr);
  }
  return &*it;
}

AdapterResult<int64_t> integer(const json& obj, std::string_view key, std::string_view path,
                               int64_t lo, int64_t hi, bool required = true, int64_t fallback = 0) {
  auto m = member(obj, key, path, required);
  if (!m) return std::unexpected(m.error());
  if (*m == nullptr) return fallback;
  const json& v = **m;
  int64_t n = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(hi)) return bad(at(path, key), "is out of range");
    n = static_cast<int64_t>(u);
  } else if (v.is_number_integer()) {
    n = v.get<int64_t>();
  } else {
    return bad(at(path, key), "is not an integer");
  }
  if (n < lo || n > hi) return bad(at(path, key), "is out of range");
  return n;
}

AdapterResult<double> number(const json& obj, std::string_view key, std::string_view path,
                             double hi, bool required, double fallback = 0) {
  auto m = member(obj, key, path, required);
  if (!m) return std::unexpected(m.error());
  if (*m == nullptr) return fallback;
  const json& v = **m;
  if (!v.is_number()) return bad(at(path, key), "is not a number");
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < 0 || d > hi) return bad(at(path, key), "is out of range");
  return d;
}

AdapterResult<std::string> text(const json& obj, std::string_view key, std::string_view path,
                                size_t max, bool required) {
  auto m = member(obj, key, path, required);
  if (!m) return std::unexpected(m.error());
  if (*m == nullptr) return std::string();
  if (!(*m)->is_string()) return bad(at(path, key), "is not a string");
  const auto& s = (*m)->get_ref<const std::string&>();
  if (s.size() > max) return bad(at(path, key), "is too long");
  return s;
}

AdapterResult<bool> flag(const json& obj, std::string_view key, std::string_view path,
                         bool fallback) {
  auto m = member(obj, key, path, false);
  if (!m) return std::unexpected(m.error());
  if (*m == nullptr) return fallback;
  if (!(*m)->is_boolean()) return bad(at(path, key), "is not a boolean");
  return (*m)->get<bool>();
}

AdapterResult<std::optional<TimePoint>> time_of(const json& obj, std::string_view key,
                                                std::string_view path) {
  auto s = text(obj, key, path, 64, false);
  if (!s) return std::unexpected(s.error());
  if (s->empty()) return std::optional<TimePoint>{};
  auto t = common::parse_rfc3339(*s);
  if (!t) return bad(at(path, key), "is not an RFC 3339 time");
  return std::optional<TimePoint>{*t};
}

// {"total": n, "free": m} with 0 <= m <= n.
AdapterResult<std::pair<int64_t, int64_t>> total_free(const json& obj, std::string_view key,
                                                      std::string_view path) {
  auto m = member(obj, key, path, true);
  if (!m) return std::unexpected(m.error());
  const std::string p = at(path, key);
  if (!(*m)->is_object()) return bad(p, "is not an object");
  auto total = integer(**m, "total", p, 0, kMaxCount);
  if (!total) return std::unexpected(total.error());
  auto free = integer(**m, "free", p, 0, kMaxCount);
  if (!free) return std::unexpected(free.error());
  if (*free > *total) return bad(p, "has more free than total");
  return std::pair{*total, *free};
}

AdapterResult<PoolCapacity> pool_of(const json& j, const std::string& site, std::string_view path) {
  if (!j.is_object()) return bad(path, "is not an object");
  auto name = text(j, "name", path, 128, true);
  if (!name) return std::unexpected(name.error());
  if (name->empty()) return bad(at(path, "name"), "is empty");
  auto cpus = total_free(j, "cpus", path);
  if (!cpus) return std::unexpected(cpus.error());
  auto mem = member(j, "memory_gb", path, true);
  if (!mem) return std::unexpected(mem.error());
  const std::string mem_path = at(path, "memory_gb");
  if (!(*mem)->is_object()) return bad(mem_path, "is not an object");
  auto mem_total = number(**mem, "total", mem_path, kMaxMemoryGb, true);
  if (!mem_total) return std::unexpected(mem_total.error());
  auto mem_free = number(**mem, "free", mem_path, kMaxMemoryGb, true);
  if (!mem_free) return std::unexpected(mem_free.error());
  if (*mem_free > *mem_total) return bad(mem_path, "has more free than total");
  auto wall = integer(j, "max_walltime_s", path, 0, static_cast<int64_t>(kMaxSeconds));
  if (!wall) return std::unexpected(wall.error());
  // The pool's own queue, when the peer's site reports it pool by pool; absent from older peers
  // and from sites that report their queue only site-wide.
  auto queued = integer(j, "queued_jobs", path, 0, kMaxCount, false);
  if (!queued) return std::unexpected(queued.error());
  auto queued_work = number(j, "queued_work_core_s", path, kMaxSeconds * 1e6, false);
  if (!queued_work) return std::unexpected(queued_work.error());
  auto queue_wait = number(j, "est_queue_wait_s", path, kMaxSeconds, false);
  if (!queue_wait) return std::unexpected(queue_wait.error());

  PoolCapacity p;
  p.name = site + "/" + printable(*name, 128);
  p.cpus_total = static_cast<int>(cpus->first);
  p.cpus_free = static_cast<int>(cpus->second);
  p.memory_gb_total = *mem_total;
  p.memory_gb_free = *mem_free;
  p.max_walltime_s = *wall;
  p.queued_jobs = static_cast<int>(*queued);
  p.queued_work_core_s = *queued_work;
  p.est_queue_wait_s = *queue_wait;
  auto acc = member(j, "accelerators", path, false);
  if (!acc) return std::unexpected(acc.error());
  if (*acc != nullptr) {
    const std::string acc_path = at(path, "accelerators");
    if (!(*acc)->is_object()) return bad(acc_path, "is not an object");
    if ((*acc)->size() > kMaxModels) return bad(acc_path, "has too many models");
    for (const auto& [model, counts] : (*acc)->items()) {
      const bool model_ok =
          !model.empty() && model.size() <= 64 &&
          std::all_of(model.begin(), model.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
          });
      if (!model_ok) return bad(acc_path, "has a model name that is not a plain name");
      json holder = json::object();
      holder[model] = counts;
      auto n = total_free(holder, model, acc_path);
      if (!n) return std::unexpected(n.error());
      p.accelerators[model] =
          AcceleratorCount{static_cast<int>(n->first), static_cast<int>(n->second)};
    }
  }
  return p;
}

std::optional<RemoteState> remote_state_of(std::string_view s) {
  if (s == "pending" || s == "placed" || s == "staging" || s == "submitted") {
    return RemoteState::queued;
  }
  // Still running for us: the peer is bringing its outputs back from its own site, and they
  // can be collected from it only once it says succeeded.
  if (s == "running" || s == "collecting") return RemoteState::running;
  if (s == "succeeded") return RemoteState::succeeded;
  if (s == "failed") return RemoteState::failed;
  if (s == "canceled") return RemoteState::canceled;
  return std::nullopt;
}

AdapterResult<RemoteStatus> job_of(const json& j, std::string_view path) {
  if (!j.is_object()) return bad(path, "is not an object");
  auto id = text(j, "id", path, 64, true);
  if (!id) return std::unexpected(id.error());
  if (!is_peer_job_id(*id)) return bad(at(path, "id"), "is not a job id");
  auto state = text(j, "state", path, 32, true);
  if (!state) return std::unexpected(state.error());
  const auto mapped = remote_state_of(*state);
  if (!mapped) return bad(at(path, "state"), "is not a job state");
  auto reason = text(j, "reason", path, 64 * 1024, false);
  if (!reason) return std::unexpected(reason.error());
  auto started = time_of(j, "started_at", path);
  if (!started) return std::unexpected(started.error());
  auto finished = time_of(j, "finished_at", path);
  if (!finished) return std::unexpected(finished.error());
  RemoteStatus s;
  s.remote_id = *id;
  s.state = *mapped;
  s.reason = printable(*reason, kMaxReason);
  if (*mapped == RemoteState::queued && *state != "pending") {
    // Placed or submitted at the peer: say where it stands, as the peer's words are terse.
    s.reason = "at the peer: " + *state + (s.reason.empty() ? "" : " (" + s.reason + ")");
  }
  s.started_at = *started;
  s.finished_at = *finished;
  auto code = member(j, "exit_code", path, false);
  if (!code) return std::unexpected(code.error());
  if (*code != nullptr) {
    auto n = integer(j, "exit_code", path, -1024, 1024);
    if (!n) return std::unexpected(n.error());
    s.exit_code = static_cast<int>(*n);
  }
  return s;
}

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// RFC 3986 unreserved characters stay, every other byte is %XX; '/' too unless `keep_slash`.
std::string percent_encode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_slash && c == '/')) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

AdapterResult<PeerDataset> dataset_of(const json& j, std::string_view path) {
  if (!j.is_object()) return bad(path, "is not an object");
  auto id = text(j, "id", path, 64, true);
  if (!id) return std::unexpected(id.error());
  if (!is_peer_job_id(*id)) return bad(at(path, "id"), "is not a dataset id");
  auto name = text(j, "name", path, 1024, false);
  if (!name) return std::unexpected(name.error());
  auto sealed = flag(j, "sealed", path, false);
  if (!sealed) return std::unexpected(sealed.error());
  auto count = integer(j, "file_count", path, 0, kMaxCount, false);
  if (!count) return std::unexpected(count.error());
  return PeerDataset{*id, *name, *sealed, *count};
}

AdapterResult<PeerFile> file_of(const json& j, std::string_view path) {
  if (!j.is_object()) return bad(path, "is not an object");
  auto p = text(j, "path", path, kMaxPathBytes, true);
  if (!p) return std::unexpected(p.error());
  if (!is_safe_relative_path(*p)) return bad(at(path, "path"), "is not a safe relative path");
  auto size = integer(j, "size_bytes", path, 0, kMaxFileBytes);
  if (!size) return std::unexpected(size.error());
  auto sha = text(j, "sha256", path, 64, true);
  if (!sha) return std::unexpected(sha.error());
  if (!is_sha256_hex(*sha)) return bad(at(path, "sha256"), "is not a hex SHA-256");
  return PeerFile{*p, *size, *sha};
}

// A list page's items, each through `item`, and its next_page_token (checked by `token_ok`).
template <class T, class F, class TokenOk>
AdapterResult<std::pair<std::vector<T>, std::optional<std::string>>> page_of(
    int status, std::string_view body, std::string_view what, F item, TokenOk token_ok) {
  if (status != 200) return std::unexpected(status_error(status, body, what));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  auto items = member(*root, "items", "", true);
  if (!items) return std::unexpected(items.error());
  if (!(*items)->is_array()) return bad("items", "is not an array");
  if ((*items)->size() > kMaxPageItems) return bad("items", "has too many entries");
  std::pair<std::vector<T>, std::optional<std::string>> out;
  for (size_t i = 0; i < (*items)->size(); ++i) {
    auto v = item((**items)[i], at("items", i));
    if (!v) return std::unexpected(v.error());
    out.first.push_back(std::move(*v));
  }
  auto next = text(*root, "next_page_token", "", 256, false);
  if (!next) return std::unexpected(next.error());
  if (!next->empty()) {
    if (!token_ok(*next)) return bad("next_page_token", "is not a page token");
    out.second = *next;
  }
  return out;
}

}  // namespace

bool is_safe_relative_path(std::string_view path) {
  if (path.empty() || path.size() > kMaxPathBytes) return false;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string_view seg = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty() || seg.size() > kMaxSegmentBytes || seg == "." || seg == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::none_of(path.begin(), path.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '\\';
  });
}

std::optional<std::string> inputs_dataset_name(std::string_view key) {
  if (!is_peer_job_id(key)) return std::nullopt;
  return "suanwang-in-" + std::string(key);
}

std::string datasets_target(int page_size, std::string_view page_token) {
  std::string t = "/api/v1/datasets?page_size=" + std::to_string(page_size);
  if (!page_token.empty()) t += "&page_token=" + percent_encode(page_token, false);
  return t;
}

std::string dataset_target(std::string_view id) {
  return "/api/v1/datasets/" + std::string(id);
}

std::string seal_target(std::string_view id) {
  return dataset_target(id) + "/seal";
}

std::string files_target(std::string_view id, int page_size, std::string_view page_token) {
  std::string t = dataset_target(id) + "/files?page_size=" + std::to_string(page_size);
  if (!page_token.empty()) t += "&page_token=" + percent_encode(page_token, false);
  return t;
}

std::string file_target(std::string_view id, std::string_view path) {
  return dataset_target(id) + "/files/" + percent_encode(path, true);
}

std::string outputs_target(std::string_view job_id) {
  return job_target(job_id) + "/outputs";
}

std::optional<std::string> repr_digest(std::string_view sha256_hex) {
  auto d = common::digest_from_hex(sha256_hex);
  if (!d) return std::nullopt;
  return "sha-256=:" + common::digest_base64(*d) + ":";
}

AdapterResult<PeerDataset> parse_dataset(int status, std::string_view body, std::string_view what) {
  if (status != 200 && status != 201) return std::unexpected(status_error(status, body, what));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  return dataset_of(*root, "dataset");
}

AdapterResult<DatasetPage> parse_dataset_page(int status, std::string_view body) {
  auto p = page_of<PeerDataset>(status, body, "dataset list", dataset_of, is_peer_job_id);
  if (!p) return std::unexpected(p.error());
  return DatasetPage{std::move(p->first), std::move(p->second)};
}

AdapterResult<FilePage> parse_file_page(int status, std::string_view body) {
  auto p = page_of<PeerFile>(status, body, "file list", file_of, is_safe_relative_path);
  if (!p) return std::unexpected(p.error());
  return FilePage{std::move(p->first), std::move(p->second)};
}

AdapterResult<PeerFile> parse_put_file(int status, std::string_view body) {
  if (status != 201 && status != 200)
    return std::unexpected(status_error(status, body, "file upload"));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  return file_of(*root, "file");
}

AdapterResult<JobOutputs> parse_outputs(int status, std::string_view body) {
  if (status != 200) return std::unexpected(status_error(status, body, "job outputs"));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  auto ds = member(*root, "dataset", "", true);
  if (!ds) return std::unexpected(ds.error());
  auto dataset = dataset_of(**ds, "dataset");
  if (!dataset) return std::unexpected(dataset.error());
  auto files = member(*root, "files", "", true);
  if (!files) return std::unexpected(files.error());
  if (!(*files)->is_array()) return bad("files", "is not an array");
  if ((*files)->size() > kMaxOutputFiles) return bad("files", "has too many entries");
  JobOutputs out;
  out.dataset = std::move(*dataset);
  std::set<std::string> seen;
  for (size_t i = 0; i < (*files)->size(); ++i) {
    auto f = file_of((**files)[i], at("files", i));
    if (!f) return std::unexpected(f.error());
    if (!seen.insert(f->path).second) return bad(at(at("files", i), "path"), "is listed twice");
    out.files.push_back(std::move(*f));
  }
  return out;
}

bool is_peer_job_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), id_char);
}

json job_body(const JobRequest& job, const PeerOptions& options, std::string_view inputs_dataset) {
  json resources = {
      {"cpus", job.cpus}, {"memory_gb", job.memory_gb}, {"walltime_s", job.walltime_s}};
  if (job.accelerators && job.accelerators->count > 0) {
    resources["accelerators"] = {{"model", job.accelerators->model},
                                 {"count", job.accelerators->count}};
  }
  json body = {{"name", (job.name.empty() ? job.key : job.name).substr(0, 128)},
               {"resources", std::move(resources)},
               {"routing", {{"policy", options.policy}}}};
  if (!job.command.empty()) body["command"] = job.command;
  if (!job.script.empty()) body["script"] = job.script;
  if (!job.image.empty()) body["image"] = job.image;
  if (!job.env.empty()) body["env"] = job.env;
  if (job.expected_runtime_s) body["expected_runtime_s"] = *job.expected_runtime_s;
  if (!options.regions.empty()) body["constraints"] = {{"regions", options.regions}};
  if (!inputs_dataset.empty()) {
    body["inputs"] = json::array({{{"dataset", std::string(inputs_dataset)}, {"path", ""}}});
  }
  if (!job.output_globs.empty()) body["outputs"] = {{"paths", job.output_globs}};
  return body;
}

std::string job_target(std::string_view id) {
  return "/api/v1/jobs/" + std::string(id);
}

std::string cancel_target(std::string_view id) {
  return job_target(id) + "/cancel";
}

std::string logs_target(std::string_view id, int64_t offset, int64_t max_bytes) {
  return job_target(id) + "/logs?offset=" + std::to_string(offset) +
         "&max_bytes=" + std::to_string(max_bytes);
}

std::string list_target(int page_size, std::string_view page_token) {
  std::string t = "/api/v1/jobs?page_size=" + std::to_string(page_size);
  if (!page_token.empty()) t += "&page_token=" + std::string(page_token);
  return t;
}

AdapterError status_error(int status, std::string_view body, std::string_view what) {
  std::string detail;
  json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    auto it = j.find("detail");
    if (it != j.end() && it->is_string())
      detail = printable(it->get_ref<const std::string&>(), 300);
  }
  std::string m = "peer: ";
  m += what;
  m += ": HTTP " + std::to_string(status);
  if (!detail.empty()) m += ": " + detail;
  AdapterErrc code = AdapterErrc::bad_response;
  if (status == 401 || status == 403) {
    code = AdapterErrc::refused;
    m += " (check the site's api_key: it must be a key of a user org at the peer)";
  } else if (status == 404) {
    code = AdapterErrc::not_found;
  } else if (status == 429 || (status >= 500 && status <= 599)) {
    code = AdapterErrc::unreachable;
  } else if (status >= 400 && status <= 499) {
    code = AdapterErrc::refused;
  }
  return AdapterError{code, std::move(m)};
}

AdapterResult<Capacity> parse_capacity(int status, std::string_view body,
                                       const PeerOptions& options, TimePoint now) {
  if (status != 200) return std::unexpected(status_error(status, body, "capacity"));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  auto sites = member(*root, "sites", "", true);
  if (!sites) return std::unexpected(sites.error());
  if (!(*sites)->is_array()) return bad("sites", "is not an array");
  if ((*sites)->size() > kMaxSites) return bad("sites", "has too many entries");

  Capacity cap;
  cap.observed_at = now;
  std::optional<double> shortest_wait;
  for (size_t i = 0; i < (*sites)->size(); ++i) {
    const json& s = (**sites)[i];
    const std::string path = at("sites", i);
    if (!s.is_object()) return bad(path, "is not an object");
    auto id = text(s, "site", path, 64, true);
    if (!id) return std::unexpected(id.error());
    if (!is_peer_job_id(*id)) return bad(at(path, "site"), "is not a site id");
    auto region = text(s, "region", path, 64, true);
    if (!region) return std::unexpected(region.error());
    auto site_status = text(s, "status", path, 32, true);
    if (!site_status) return std::unexpected(site_status.error());
    auto stale = flag(s, "stale", path, true);
    if (!stale) return std::unexpected(stale.error());
    auto drained = flag(s, "drained", path, false);
    if (!drained) return std::unexpected(drained.error());
    const bool in_regions =
        options.regions.empty() ||
        std::find(options.regions.begin(), options.regions.end(), *region) != options.regions.end();
    const bool usable = (*site_status == "online" || *site_status == "degraded") && !*stale &&
                        !*drained && in_regions;
    if (!usable) continue;
    // A usable site must say what it has; an older peer without pools is not usable.
    auto pools = member(s, "pools", path, false);
    if (!pools) return std::unexpected(pools.error());
    if (*pools == nullptr) continue;
    const std::string pools_path = at(path, "pools");
    if (!(*pools)->is_array()) return bad(pools_path, "is not an array");
    if ((*pools)->size() > kMaxPoolsPerSite) return bad(pools_path, "has too many entries");
    for (size_t k = 0; k < (*pools)->size(); ++k) {
      auto p = pool_of((**pools)[k], *id, at(pools_path, k));
      if (!p) return std::unexpected(p.error());
      cap.pools.push_back(std::move(*p));
    }
    auto totals = member(s, "totals", path, true);
    if (!totals) return std::unexpected(totals.error());
    const std::string totals_path = at(path, "totals");
    if (!(*totals)->is_object()) return bad(totals_path, "is not an object");
    auto running = integer(**totals, "running_jobs", totals_path, 0, kMaxCount);
    if (!running) return std::unexpected(running.error());
    auto queued = integer(**totals, "queued_jobs", totals_path, 0, kMaxCount);
    if (!queued) return std::unexpected(queued.error());
    cap.running_jobs += static_cast<int>(std::min<int64_t>(*running, kMaxCount));
    cap.queued_jobs += static_cast<int>(std::min<int64_t>(*queued, kMaxCount));
    auto wait = number(s, "est_queue_wait_s", path, kMaxSeconds, false);
    if (!wait) return std::unexpected(wait.error());
    auto work = number(s, "queued_work_core_s", path, kMaxSeconds * 1e6, false);
    if (!work) return std::unexpected(work.error());
    cap.queued_work_core_s += *work;
    shortest_wait = shortest_wait ? std::min(*shortest_wait, *wait) : *wait;
  }
  cap.running_jobs = std::min(cap.running_jobs, static_cast<int>(kMaxCount));
  cap.queued_jobs = std::min(cap.queued_jobs, static_cast<int>(kMaxCount));
  cap.est_queue_wait_s = shortest_wait.value_or(0);
  return cap;
}

AdapterResult<SubmitResult> parse_submit(int status, std::string_view body) {
  if (status != 201 && status != 200) return std::unexpected(status_error(status, body, "submit"));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  auto job = job_of(*root, "job");
  if (!job) return std::unexpected(job.error());
  SubmitResult out;
  out.remote_id = job->remote_id;
  out.already_existed = status == 200;
  return out;
}

AdapterResult<RemoteStatus> parse_job(int status, std::string_view body) {
  if (status != 200) return std::unexpected(status_error(status, body, "job status"));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  return job_of(*root, "job");
}

AdapterResult<JobPage> parse_job_page(int status, std::string_view body) {
  if (status != 200) return std::unexpected(status_error(status, body, "job list"));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  auto items = member(*root, "items", "", true);
  if (!items) return std::unexpected(items.error());
  if (!(*items)->is_array()) return bad("items", "is not an array");
  if ((*items)->size() > kMaxPageJobs) return bad("items", "has too many entries");
  JobPage page;
  for (size_t i = 0; i < (*items)->size(); ++i) {
    auto j = job_of((**items)[i], at("items", i));
    if (!j) return std::unexpected(j.error());
    page.jobs.push_back(std::move(*j));
  }
  auto next = text(*root, "next_page_token", "", 64, false);
  if (!next) return std::unexpected(next.error());
  if (!next->empty()) {
    if (!is_peer_job_id(*next)) return bad("next_page_token", "is not a page token");
    page.next_page_token = *next;
  }
  return page;
}

AdapterResult<void> parse_cancel(int status, std::string_view body) {
  if (status == 202 || status == 200) return {};
  // The only conflict a cancel meets is a job that has already ended: nothing left to stop.
  if (status == 409) return {};
  return std::unexpected(status_error(status, body, "cancel"));
}

AdapterResult<LogChunk> parse_logs(int status, std::string_view body, int64_t offset) {
  LogChunk chunk;
  chunk.offset = offset;
  chunk.next_offset = offset;
  if (status == 409) return chunk;  // not at a site yet: no output so far
  if (status != 200) return std::unexpected(status_error(status, body, "logs"));
  auto root = parse_object(body);
  if (!root) return std::unexpected(root.error());
  constexpr int64_t kMaxOffset = int64_t{1} << 50;
  auto off = integer(*root, "offset", "", 0, kMaxOffset);
  if (!off) return std::unexpected(off.error());
  auto next = integer(*root, "next_offset", "", 0, kMaxOffset);
  if (!next) return std::unexpected(next.error());
  if (*off != offset) return bad("offset", "is not the offset asked for");
  if (*next < *off) return bad("next_offset", "is before offset");
  auto data = text(*root, "data", "", size_t{64} << 20, true);
  if (!data) return std::unexpected(data.error());
  auto eof = flag(*root, "eof", "", false);
  if (!eof) return std::unexpected(eof.error());
  chunk.data = std::move(*data);
  chunk.next_offset = *next;
  chunk.eof = *eof;
  return chunk;
}

}  // namespace suanwang::adapters::peer
