// Option parsing and value parsers (see options.hpp).
#include "tools/cli/options.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace suanwang::cli {
namespace {

const OptionSpec* find_long(std::span<const OptionSpec> specs, std::string_view name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const OptionSpec* find_short(std::span<const OptionSpec> specs, char c) {
  for (const auto& s : specs) {
    if (s.short_name != 0 && s.short_name == c) return &s;
  }
  return nullptr;
}

std::string quote_text(std::string_view s) {
  // Built by appending: `"'" + std::string(...)` trips g++ 12's -Wstringop-overflow false
  // positive (GCC bug 105329) at -O2.
  std::string out = "'";
  out.append(s.substr(0, 64));
  out += '\'';
  return out;
}

}  // namespace

std::optional<std::string> ParsedArgs::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::all(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<ParsedArgs> parse_args(const std::vector<std::string>& args,
                              std::span<const OptionSpec> specs) {
  ParsedArgs out;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a == "-" || a.empty() || a[0] != '-') {
      out.add_positional(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    const OptionSpec* spec = nullptr;
    std::string shown = a;
    std::optional<std::string> inline_value;
    if (a.starts_with("--")) {
      const auto eq = a.find('=');
      shown = a.substr(0, eq);
      if (eq != std::string::npos) inline_value = a.substr(eq + 1);
      spec = find_long(specs, shown);
    } else if (a.size() == 2) {
      spec = find_short(specs, a[1]);
    }
    if (spec == nullptr) {
      return fail(Error::invalid(shown, "unknown option " + quote_text(shown)));
    }
    const std::string name(spec->name);
    if (!spec->takes_value) {
      if (inline_value) return fail(Error::invalid(name, name + " takes no value"));
    } else if (!inline_value) {
      if (i + 1 >= args.size()) return fail(Error::invalid(name, name + " needs a value"));
      inline_value = args[++i];
    }
    if (!spec->repeatable && out.has(name)) {
      return fail(Error::invalid(name, name + " is given more than once"));
    }
    out.add(name, inline_value.value_or(""));
  }
  return out;
}

Result<int64_t> parse_int(std::string_view text, std::string_view option, int64_t min,
                          int64_t max) {
  const std::string opt(option);
  int64_t v = 0;
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < min || v > max) {
    return fail(Error::invalid(opt, opt + " must be a whole number from " + std::to_string(min) +
                                        " to " + std::to_string(max) + ", not " +
                                        quote_text(text)));
  }
  return v;
}

Result<double> parse_number(std::string_view text, std::string_view option, double max,
                            bool positive) {
  const std::string opt(option);
  double v = 0;
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  const bool in_range = std::isfinite(v) && (positive ? v > 0 : v >= 0) && v <= max;
  if (text.empty() || ec != std::errc() || p != end || !in_range) {
    return fail(Error::invalid(opt, opt + " must be a " + (positive ? "positive" : "non-negative") +
                                        " number, not " + quote_text(text)));
  }
  return v;
}

Result<int64_t> parse_duration_s(std::string_view text, std::string_view option) {
  const std::string opt(option);
  auto bad = [&] {
    return fail(Error::invalid(opt, opt +
                                        " must be a duration such as 3600, 45s, 90m, 2h, 1d or "
                                        "1h30m, not " +
                                        quote_text(text)));
  };
  if (text.empty()) return bad();
  // Caps every step so that no input can overflow; the server enforces the real limits.
  constexpr int64_t kMax = int64_t{1} << 40;
  int64_t total = 0;
  std::size_t i = 0;
  bool bare_number = true;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j == i || j - i > 12) return bad();
    int64_t n = 0;
    std::from_chars(text.data() + i, text.data() + j, n);
    int64_t unit = 1;
    if (j < text.size()) {
      bare_number = false;
      switch (text[j]) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 86400;
          break;
        default:
          return bad();
      }
      ++j;
    } else if (!bare_number || i != 0) {
      return bad();  // "1h30" : a unit is needed after the first part
    }
    total += n * unit;
    if (total > kMax) return bad();
    i = j;
  }
  if (total <= 0) {
    return fail(Error::invalid(opt, opt + " must be longer than zero, not " + quote_text(text)));
  }
  return total;
}

Result<GpuRequest> parse_gpus(std::string_view text) {
  const auto colon = text.find(':');
  GpuRequest g;
  g.model = std::string(text.substr(0, colon));
  if (g.model.empty()) {
    return fail(Error::invalid("--gpus",
                               "--gpus must be MODEL:COUNT such as H100:8 or "
                               "Ascend910B:1, not " +
                                   quote_text(text)));
  }
  if (colon != std::string_view::npos) {
    auto n = parse_int(text.substr(colon + 1), "--gpus count", 1, 100'000);
    if (!n) return fail(Error::invalid("--gpus", n.error().message));
    g.count = static_cast<int>(*n);
  }
  return g;
}

Result<std::pair<std::string, std::string>> parse_env_assignment(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return fail(Error::invalid("--env", "--env must be NAME=VALUE, not " + quote_text(text)));
  }
  return std::pair{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

}  // namespace suanwang::cli
