// The peer adapter's settings and their validation. Another suanwang gateway joins as a site:
//   {"type": "peer", "endpoint": "http://province.example:8080",
//    "options": {"policy": "balanced", "regions": ["hub-yangtze"], "timeout_ms": 5000,
//                "max_response_mb": 32, "ca_file": "/etc/suanwang/province-ca.pem"},
//    "credentials": {"api_key": "<a key of a user org on the peer gateway>"}}
// The key is that of a `user` org at the peer: the jobs we forward are that org's jobs there,
// and the capacity we see is what the peer shows its users. `policy` is the routing policy the
// peer uses for our jobs; `regions`, when given, keeps them (and the capacity we count) inside
// those of the peer's regions. With an https endpoint the peer's certificate is verified against
// `ca_file` (or the system's CAs) and its host name. Unknown keys are rejected so a typo fails at
// registration.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::peer {

struct PeerOptions {
  HttpUrl endpoint;
  std::string policy = "balanced";
  std::vector<std::string> regions;  // empty = all of the peer's regions
  HttpClientOptions http;  // timeout_ms, max_response_mb, ca_file (see parse_client_options)
  std::string api_key;     // secret, never in a message
};

// Checks endpoint, options and credentials without side effects; the error names the field.
AdapterResult<PeerOptions> parse_peer_options(const AdapterConfig& config);

}  // namespace suanwang::adapters::peer
