// Route table matching (see router.hpp). A few dozen routes: a linear scan is fast enough and
// keeps the order of registration meaningful for the OpenAPI agreement test.
#include "gateway/http/router.hpp"

#include <stdexcept>

namespace suanwang::http {
namespace {
std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    const auto slash = path.find('/', i);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    out.emplace_back(path.substr(i, end - i));
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  return out;
}
}  // namespace

void Router::add(Verb method, std::string pattern, Handler handler) {
  for (const auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      throw std::logic_error("route registered twice: " + pattern);  // a bug, at start-up
    }
  }
  segments_.push_back(split(pattern));
  routes_.push_back({method, std::move(pattern), std::move(handler)});
}

Router::Match Router::match(Verb method, std::string_view path) const {
  Match m;
  const auto parts = split(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pat = segments_[i];
    if (pat.size() != parts.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool ok = true;
    for (std::size_t k = 0; k < pat.size() && ok; ++k) {
      if (pat[k].size() > 2 && pat[k].front() == '{' && pat[k].back() == '}') {
        if (parts[k].empty())
          ok = false;
        else
          params[pat[k].substr(1, pat[k].size() - 2)] = percent_decode(parts[k]);
      } else {
        ok = pat[k] == parts[k];
      }
    }
    if (!ok) continue;
    if (routes_[i].method == method || (method == Verb::head && routes_[i].method == Verb::get)) {
      m.route = &routes_[i];
      m.params = std::move(params);
      return m;
    }
    m.allowed.emplace_back(bhttp::to_string(routes_[i].method));
  }
  return m;
}

}  // namespace suanwang::http
