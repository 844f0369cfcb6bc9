// Glob matching (see glob.hpp).
#include "common/glob.hpp"

namespace suanwang::common {

bool glob_match(std::string_view g, std::string_view p) {
  // "**" as a whole segment matches zero or more segments.
  if (g.starts_with("**")) {
    std::string_view rest = g.substr(2);
    if (rest.empty()) return true;
    if (rest.front() == '/') {
      rest.remove_prefix(1);
      for (std::size_t i = 0;;) {
        if (glob_match(rest, p.substr(i))) return true;
        const std::size_t slash = p.find('/', i);
        if (slash == std::string_view::npos) return false;
        i = slash + 1;
      }
    }
  }
  std::size_t gi = 0, pi = 0;
  std::size_t star_g = std::string_view::npos, star_p = 0;
  while (pi < p.size()) {
    if (gi < g.size() && g[gi] == '*' && !(gi + 1 < g.size() && g[gi + 1] == '*')) {
      star_g = gi++;
      star_p = pi;
    } else if (gi < g.size() && g.substr(gi).starts_with("**") &&
               (gi == 0 || g[gi - 1] == '/')) {
      return glob_match(g.substr(gi), p.substr(pi));
    } else if (gi < g.size() && (g[gi] == p[pi] || (g[gi] == '?' && p[pi] != '/'))) {
      ++gi;
      ++pi;
    } else if (star_g != std::string_view::npos && p[star_p] != '/') {
      // '*' stays within one segment.
      gi = star_g + 1;
      pi = ++star_p;
    } else {
      return false;
    }
  }
  while (gi < g.size() && g[gi] == '*') ++gi;
  return gi == g.size();
}

}  // namespace suanwang::common
