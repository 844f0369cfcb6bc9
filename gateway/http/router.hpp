// Router: the one route table. Patterns are literal segments and {name} captures, e.g.
// "/api/v1/jobs/{id}/cancel". Matching is exact (no prefixes, no trailing-slash guessing),
// except that a last segment "{name...}" captures the rest of the path (one or more segments,
// each percent-decoded, joined by '/'): file paths inside a dataset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/http/message.hpp"

namespace suanwang::http {

struct Route {
  Verb method;
  std::string pattern;
  Handler handler;
  // Set: the route streams its request body, up to this many bytes (Server::set_streaming).
  std::optional<uint64_t> stream_body_limit;
};

class Router {
 public:
  void add(Verb method, std::string pattern, Handler handler,
           std::optional<uint64_t> stream_body_limit = std::nullopt);
  // The streaming limit of the route a request goes to (none: its body is read whole).
  std::optional<uint64_t> stream_limit(Verb method, std::string_view path) const;

  struct Match {
    const Route* route = nullptr;  // set on a full match
    std::map<std::string, std::string, std::less<>> params;
    std::vector<std::string> allowed;  // path matched but not the method: for 405 + Allow
  };
  Match match(Verb method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // parallel to routes_
};

}  // namespace suanwang::http
