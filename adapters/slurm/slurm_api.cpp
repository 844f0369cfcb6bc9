// The table of slurmrestd API versions and the helpers their mappings share.
#include "adapters/slurm/slurm_api.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "adapters/slurm/v0_0_38.hpp"

namespace suanwang::adapters::slurm {
namespace {

constexpr size_t kMaxDepth = 64;
constexpr size_t kMaxErrors = 16;

using Factory = std::unique_ptr<SlurmApi> (*)();
struct Version {
  std::string_view name;
  Factory make;
};
// The explicit table: one line per supported slurmrestd OpenAPI version.
constexpr std::array<Version, 1> kVersions = {{
    {"v0.0.38", &make_v0_0_38},
}};
constexpr std::array<std::string_view, kVersions.size()> kVersionNames = {"v0.0.38"};

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

AdapterResult<nlohmann::json> parse_body(std::string_view body, std::string_view what) {
  if (!depth_within(body, kMaxDepth)) {
    return adapter_fail(AdapterErrc::bad_response, "slurmrestd " + std::string(what) +
                                                       ": answer nests deeper than " +
                                                       std::to_string(kMaxDepth) + " levels");
  }
  auto value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return adapter_fail(
        AdapterErrc::bad_response,
        "slurmrestd " + std::string(what) + ": answer is not JSON: '" + excerpt(body) + "'");
  }
  if (!value.is_object()) {
    return adapter_fail(AdapterErrc::bad_response,
                        "slurmrestd " + std::string(what) + ": answer is not a JSON object");
  }
  return value;
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

AdapterError answer_error(std::string_view what, int status, std::string_view body) {
  const std::string prefix = "slurmrestd " + std::string(what) + ": HTTP " + std::to_string(status);
  AdapterError e;
  if (status == 401 || status == 403) {
    e.code = AdapterErrc::refused;
    e.message = prefix + " '" + excerpt(body) +
                "': slurmrestd rejected the credentials (credentials.user / credentials.token)";
    return e;
  }
  if (status == 404) {
    e.code = AdapterErrc::unsupported;
    e.message = prefix + ": not served here; does slurmrestd load this api_version's plugin?";
    return e;
  }
  auto parsed = parse_body(body, what);
  const auto errors = parsed ? read_errors(*parsed) : std::vector<SlurmError>{};
  if (errors.empty()) {
    e.code = status >= 200 && status < 300 ? AdapterErrc::bad_response
             : status == 400               ? AdapterErrc::refused
                                           : AdapterErrc::bad_response;
    e.message = prefix + (parsed ? std::string(": no usable data and no error entries")
                                 : " '" + excerpt(body) + "'");
    return e;
  }
  std::string words;
  bool not_found = false;
  bool unreachable = false;
  bool auth = false;
  for (const auto& err : errors) {
    if (!words.empty()) words += "; ";
    words += err.error.empty() ? std::string("error") : err.error;
    words += " [" + std::to_string(err.code) + "]";
    if (!err.description.empty() && err.description != err.error) {
      words += " (" + err.description + ")";
    }
    not_found = not_found || err.code == kInvalidJobId;
    unreachable = unreachable || (err.code >= 1000 && err.code < 2000);
    auth = auth || err.code == -1 || err.code == kProtocolZeroBytes;
  }
  e.message = prefix + ": " + words;
  if (not_found) {
    e.code = AdapterErrc::not_found;
  } else if (unreachable) {
    e.code = AdapterErrc::unreachable;
    e.message += ": slurmrestd cannot reach slurmctld";
  } else {
    e.code = AdapterErrc::refused;
    // slurmrestd 22.05 answers a bad or expired token with a 500 and these vague entries.
    if (auth) e.message += " (often an invalid or expired credentials.token)";
  }
  return e;
}

}  // namespace suanwang::adapters::slurm
