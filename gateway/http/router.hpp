// Router: the one route table. Patterns are literal segments and {name} captures, e.g.
// "/api/v1/jobs/{id}/cancel". Matching is exact (no prefixes, no trailing-slash guessing).
#pragma once

#include <string>
#include <vector>

#include "gateway/http/message.hpp"

namespace suanwang::http {

struct Route {
  Verb method;
  std::string pattern;
  Handler handler;
};

class Router {
 public:
  void add(Verb method, std::string pattern, Handler handler);

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
