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

void Router::add(Verb method, std::string pattern, Handler handler,
                 std::optional<uint64_t> stream_body_limit) {
  for (const auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      throw std::logic_error("route registered twice: " + pattern);  // a bug, at start-up
    }
  }
  segments_.push_back(split(pattern));
  routes_.push_back({method, std::move(pattern), std::move(handler), stream_body_limit});
}

std::optional<uint64_t> Router::stream_limit(Verb method, std::string_view path) const {
  auto m = match(method, path);
  return m.route != nullptr ? m.route->stream_body_limit : std::nullopt;
}

Router::Match Router::match(Verb method, std::string_view path) const {
  Match m;
  const auto parts = split(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pat = segments_[i];
    const bool rest = !pat.empty() && pat.back().ends_with("...}");
    if (rest ? parts.size() < pat.size() : pat.size() != parts.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool ok = true;
    for (std::size_t k = 0; k < pat.size() && ok; ++k) {
      if (rest && k + 1 == pat.size()) {
        std::string joined;
        for (std::size_t j = k; j < parts.size() && ok; ++j) {
          ok = !parts[j].empty();
          joined += (j == k ? "" : "/") + percent_decode(parts[j]);
        }
        if (ok) params[pat[k].substr(1, pat[k].size() - 5)] = std::move(joined);
      } else if (pat[k].size() > 2 && pat[k].front() == '{' && pat[k].back() == '}') {
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
