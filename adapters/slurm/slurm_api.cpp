// The table of slurmrestd API versions and the helpers their mappings share.
#include "adapters/slurm/slurm_api.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>

#include "adapters/slurm/v0_0_38.hpp"
#include "adapters/slurm/v0_0_40.hpp"
#include "adapters/slurm/v0_0_41.hpp"
#include "adapters/slurm/v0_0_42.hpp"
#include "adapters/slurm/v0_0_43.hpp"
#include "adapters/slurm/v0_0_44.hpp"

namespace suanwang::adapters::slurm {
namespace {

constexpr size_t kMaxDepth = 64;
constexpr size_t kMaxErrors = 16;

using Factory = std::unique_ptr<SlurmApi> (*)();
struct Version {
  std::string_view name;
  Factory make;
};
// The explicit table: one line per supported slurmrestd OpenAPI version, newest first (the
// order of preference when the adapter agrees on a version with a site). v0.0.39 (Slurm 23.02
// only, out of support) is left out on purpose.
constexpr std::array<Version, 6> kVersions = {{
    {"v0.0.44", &make_v0_0_44},  // Slurm 25.11, 26.05
    {"v0.0.43", &make_v0_0_43},  // 25.05, 25.11
    {"v0.0.42", &make_v0_0_42},  // 24.11, 25.05
    {"v0.0.41", &make_v0_0_41},  // 24.05, 24.11, 25.05
    {"v0.0.40", &make_v0_0_40},  // 23.11, 24.05, 24.11, 25.05
    {"v0.0.38", &make_v0_0_38},  // 21.08, 22.05 (Debian 12)
}};
constexpr std::array<std::string_view, kVersions.size()> kVersionNames = {
    "v0.0.44", "v0.0.43", "v0.0.42", "v0.0.41", "v0.0.40", "v0.0.38"};
constexpr size_t kMaxOfferedVersions = 32;

// "v0.0.43" -> {0, 0, 43}, for ordering versions a site offers (also ones we do not know).
std::optional<std::array<int, 3>> version_numbers(std::string_view v) {
  if (v.size() < 6 || v.size() > 16 || v.front() != 'v') return std::nullopt;
  std::array<int, 3> out{};
  size_t part = 0;
  int n = -1;
  for (const char c : v.substr(1)) {
    if (c >= '0' && c <= '9') {
      n = (n < 0 ? 0 : n) * 10 + (c - '0');
      if (n > 9999) return std::nullopt;
    } else if (c == '.' && n >= 0 && part < 2) {
      out[part++] = n;
      n = -1;
    } else {
      return std::nullopt;
    }
  }
  if (n < 0 || part != 2) return std::nullopt;
  out[2] = n;
  return out;
}

// Nesting depth of JSON text, counting brackets outside strings; a cheap bound before parsing.
bool depth_within(std::string_view text, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

std::string cut(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "...";
}

// Printable excerpt of a non-JSON body for an error message.
std::string excerpt(std::string_view body) {
  std::string out;
  for (const char c : body.substr(0, 200)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::unique_ptr<SlurmApi> make_slurm_api(std::string_view version) {
  for (const auto& v : kVersions) {
    if (v.name == version) return v.make();
  }
  return nullptr;
}

std::span<const std::string_view> known_api_versions() {
  return kVersionNames;
}

std::string known_api_versions_text() {
  std::string out;
  for (auto v : kVersionNames) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

bool path_not_served(int status, std::string_view body) {
  if (status != 404) return false;
  auto parsed = parse_body(body, "probe");
  return !parsed || read_errors(*parsed).empty();
}

std::vector<std::string> versions_in_openapi(std::string_view body) {
  std::vector<std::string> out;
  auto doc = parse_body(body, "openapi");
  if (!doc) return out;
  auto paths = doc->find("paths");
  if (paths == doc->end() || !paths->is_object()) return out;
  constexpr std::string_view kPrefix = "/slurm/";
  for (const auto& [path, item] : paths->items()) {
    if (!path.starts_with(kPrefix)) continue;
    const auto rest = std::string_view(path).substr(kPrefix.size());
    const auto v = rest.substr(0, rest.find('/'));
    if (!version_numbers(v)) continue;
    if (std::find(out.begin(), out.end(), v) != out.end()) continue;
    if (out.size() >= kMaxOfferedVersions) break;
    out.emplace_back(v);
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return *version_numbers(a) > *version_numbers(b);
  });
  return out;
}

std::string slurm_release_of(std::string_view body) {
  auto parsed = parse_body(body, "meta");
  if (!parsed) return "";
  auto meta = parsed->find("meta");
  if (meta == parsed->end() || !meta->is_object()) return "";
  for (const char* key : {"slurm", "Slurm"}) {
    auto it = meta->find(key);
    if (it == meta->end() || !it->is_object()) continue;
    auto release = get_string(*it, "release", 64).value_or("");
    const bool plain = std::all_of(release.begin(), release.end(), [](char c) {
      return (c >= '0' && c <= '9') || c == '.' || c == '-' || (c >= 'a' && c <= 'z');
    });
    return plain ? release : "";
  }
  return "";
}

AdapterResult<nlohmann::json> parse_body(std::string_view body, std::string_view what) {
  if (!depth_within(body, kMaxDepth)) {
    return adapter_fail_coded(AdapterErrc::bad_response, "",
                              "slurmrestd " + std::string(what) + ": answer nests deeper than " +
                                  std::to_string(kMaxDepth) + " levels",
                              "adapter.slurm.too_deep",
                              {{"what", std::string(what)}, {"max", std::to_string(kMaxDepth)}});
  }
  auto value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return adapter_fail_coded(
        AdapterErrc::bad_response, "",
        "slurmrestd " + std::string(what) + ": answer is not JSON: '" + excerpt(body) + "'",
        "adapter.slurm.not_json", {{"what", std::string(what)}, {"body", excerpt(body)}});
  }
  if (!value.is_object()) {
    return adapter_fail_coded(AdapterErrc::bad_response, "",
                              "slurmrestd " + std::string(what) + ": answer is not a JSON object",
                              "adapter.slurm.not_object", {{"what", std::string(what)}});
  }
  return value;
}

int64_t bounded(std::optional<int64_t> v, int64_t max) {
  return std::clamp<int64_t>(v.value_or(0), 0, max);
}

std::optional<TimePoint> unix_seconds(std::optional<int64_t> t) {
  if (!t || *t <= 0 || *t > 253402300799) return std::nullopt;
  return TimePoint{std::chrono::seconds(*t)};
}

AdapterResult<const nlohmann::json*> answer_items(const nlohmann::json& body, std::string_view key,
                                                  std::string_view what, int status,
                                                  std::string_view raw, bool vague_auth_errors) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_array()) {
    return std::unexpected(answer_error(what, status, raw, vague_auth_errors));
  }
  if (it->size() > kMaxItems) {
    return adapter_fail_coded(
        AdapterErrc::bad_response, "",
        "slurmrestd " + std::string(what) + ": more than " + std::to_string(kMaxItems) + " entries",
        "adapter.slurm.too_many",
        {{"what", std::string(what)}, {"max", std::to_string(kMaxItems)}});
  }
  return &*it;
}

SlurmNode node_resources(const nlohmann::json& n) {
  SlurmNode node;
  node.name = get_string(n, "name", 256).value_or("");
  node.partitions = get_strings(n, "partitions", 1024);
  node.cpus = static_cast<int>(bounded(get_int(n, "cpus"), kMaxCpus));
  node.alloc_cpus = static_cast<int>(bounded(get_int(n, "alloc_cpus"), kMaxCpus));
  node.real_memory_mb = bounded(get_int(n, "real_memory"), kMaxMemoryMb);
  node.alloc_memory_mb = bounded(get_int(n, "alloc_memory"), kMaxMemoryMb);
  node.gres = get_string(n, "gres", 8192).value_or("");
  node.gres_used = get_string(n, "gres_used", 8192).value_or("");
  return node;
}

std::optional<int64_t> get_int(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const auto u = it->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (it->is_number_integer()) return it->get<int64_t>();
  return std::nullopt;
}

std::optional<std::string> get_string(const nlohmann::json& object, std::string_view key,
                                      size_t max_bytes) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return cut(it->get_ref<const std::string&>(), max_bytes);
}

std::vector<std::string> get_strings(const nlohmann::json& object, std::string_view key,
                                     size_t max_items) {
  std::vector<std::string> out;
  if (!object.is_object()) return out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (out.size() >= max_items) break;
    if (v.is_string()) out.push_back(cut(v.get_ref<const std::string&>(), 256));
  }
  return out;
}

std::vector<SlurmError> read_errors(const nlohmann::json& body) {
  std::vector<SlurmError> out;
  if (!body.is_object()) return out;
  auto it = body.find("errors");
  if (it == body.end() || !it->is_array()) return out;
  for (const auto& e : *it) {
    if (out.size() >= kMaxErrors) break;
    if (!e.is_object()) continue;
    SlurmError err;
    for (const char* key : {"error_code", "error_number", "errno"}) {
      if (auto n = get_int(e, key)) {
        err.code = *n;
        break;
      }
    }
    err.error = get_string(e, "error", 512).value_or("");
    err.description = get_string(e, "description", 512).value_or("");
    out.push_back(std::move(err));
  }
  return out;
}

AdapterError answer_error(std::string_view what, int status, std::string_view body,
                          bool vague_auth_errors) {
  // Coded in parts: "slurmrestd <what>: HTTP <status>", then the site's words, then what they
  // likely mean.
  AdapterError e = adapter_error_coded(
      AdapterErrc::bad_response, "",
      "slurmrestd " + std::string(what) + ": HTTP " + std::to_string(status),
      "adapter.slurm.answer", {{"what", std::string(what)}, {"status", std::to_string(status)}});
  const auto credentials = [&e] {
    add_tail(e, ": slurmrestd rejected the credentials (credentials.user / credentials.token)",
             "adapter.slurm.credentials_rejected");
  };
  const auto quoted = [&e](std::string_view raw) {
    const auto text = excerpt(raw);
    add_tail(e, " '" + text + "'", "adapter.slurm.quoted", {{"body", text}});
  };
  if (status == 401 || status == 403) {
    e.code = AdapterErrc::refused;
    quoted(body);
    credentials();
    return e;
  }
  if (path_not_served(status, body)) {
    e.code = AdapterErrc::unsupported;
    add_tail(e, ": not served here; does slurmrestd load this api_version's plugin?",
             "adapter.slurm.not_served");
    return e;
  }
  auto parsed = parse_body(body, what);
  const auto errors = parsed ? read_errors(*parsed) : std::vector<SlurmError>{};
  if (errors.empty()) {
    e.code = status == 504   ? AdapterErrc::timeout
             : status == 502 ? AdapterErrc::unreachable
             : status == 511 ? AdapterErrc::refused
             : status == 400 ? AdapterErrc::refused
                             : AdapterErrc::bad_response;
    if (parsed) {
      add_tail(e, ": no usable data and no error entries", "adapter.slurm.no_data");
    } else {
      quoted(body);
    }
    if (status == 511) credentials();
    return e;
  }
  std::string words;
  bool not_found = false;
  bool unreachable = status == 502;
  bool auth = status == 511;
  bool vague_auth = false;
  for (const auto& err : errors) {
    if (!words.empty()) words += "; ";
    words += err.error.empty() ? std::string("error") : err.error;
    words += " [" + std::to_string(err.code) + "]";
    if (!err.description.empty() && err.description != err.error) {
      words += " (" + err.description + ")";
    }
    not_found = not_found || err.code == kInvalidJobId;
    auth = auth || err.code == kProtocolAuthError;
    unreachable =
        unreachable || (err.code >= 1000 && err.code < 2000 && err.code != kProtocolAuthError);
    vague_auth = vague_auth || err.code == -1 || err.code == kProtocolZeroBytes;
  }
  add_tail(e, ": " + words, "adapter.slurm.errors", {{"errors", words}});
  if (not_found) {
    e.code = AdapterErrc::not_found;
  } else if (auth) {
    e.code = AdapterErrc::refused;
    credentials();
  } else if (unreachable) {
    e.code = AdapterErrc::unreachable;
    add_tail(e, ": slurmrestd cannot reach slurmctld", "adapter.slurm.no_slurmctld");
  } else if (status == 504) {
    e.code = AdapterErrc::timeout;
  } else {
    e.code = AdapterErrc::refused;
    // slurmrestd 22.05 answers a bad or expired token with a 500 and these vague entries.
    if (vague_auth && vague_auth_errors) {
      add_tail(e, " (often an invalid or expired credentials.token)", "adapter.slurm.vague_auth");
    }
  }
  return e;
}

}  // namespace suanwang::adapters::slurm
