// Parsing and validation of the peer adapter's settings.
#include "adapters/peer/peer_options.hpp"

#include <algorithm>

#include "adapters/common/options.hpp"

namespace suanwang::adapters::peer {

AdapterResult<PeerOptions> parse_peer_options(const AdapterConfig& config) {
  PeerOptions out;
  auto url = parse_http_url(config.endpoint, "endpoint");
  if (!url) return std::unexpected(url.error());
  out.endpoint = std::move(*url);

  constexpr std::string_view kRoot = "options";
  const auto& o = config.options;
  if (auto ok = require_object(o, kRoot,
                               {"policy", "regions", "timeout_ms", "max_response_mb", "ca_file"});
      !ok) {
    return std::unexpected(ok.error());
  }
  auto policy = string_option(o, "policy", kRoot, out.policy);
  if (!policy) return std::unexpected(policy.error());
  static constexpr std::string_view kPolicies[] = {"balanced", "cheapest", "fastest", "data-local",
                                                  "greenest"};
  if (std::find(std::begin(kPolicies), std::end(kPolicies), *policy) == std::end(kPolicies)) {
    return option_error(option_path(kRoot, "policy"),
                        "must be one of balanced, cheapest, fastest, data-local, greenest",
                        "adapter.option.one_of",
                        {{"allowed", "balanced, cheapest, fastest, data-local, greenest"}});
  }
  out.policy = *policy;

  if (o.is_object() && o.contains("regions")) {
    const auto& r = o["regions"];
    const auto path = option_path(kRoot, "regions");
    if (!r.is_array() || r.empty() || r.size() > 64) {
      return option_error(path, "must be a non-empty list of at most 64 region ids",
                          "adapter.peer.regions", {{"max", "64"}});
    }
    for (size_t i = 0; i < r.size(); ++i) {
      if (!r[i].is_string() || !is_plain_name(r[i].get_ref<const std::string&>(), 64)) {
        return plain_name_error(option_path(path, i), "region", "a region id", 64);
      }
      out.regions.push_back(r[i].get<std::string>());
    }
  }

  auto http = parse_client_options(o, out.endpoint, "suanwang-peer");
  if (!http) return std::unexpected(http.error());
  out.http = std::move(*http);

  // Credentials: never echoed back in a message.
  constexpr std::string_view kCred = "credentials";
  const auto& c = config.credentials;
  if (auto ok = require_object(c, kCred, {"api_key"}); !ok) return std::unexpected(ok.error());
  auto key = secret_option(c, "api_key", kCred, 512,
                           must_be("an API key of the peer gateway (printable ASCII without "
                                   "spaces, at most 512 bytes)",
                                   "adapter.peer.api_key", {{"max", "512"}}));
  if (!key) return std::unexpected(key.error());
  out.api_key = *key;
  return out;
}

}  // namespace suanwang::adapters::peer
