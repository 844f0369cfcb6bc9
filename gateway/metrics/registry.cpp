// Prometheus registry and text exposition (see registry.hpp).
#include "gateway/metrics/registry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace suanwang::metrics {
namespace {

constexpr std::array<double, 15> kLatencyBuckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<int64_t>(v));  // counts read as counts, not 1e+06
  } else {
    std::array<char, 32> buf;
    auto [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general);
    out.append(buf.data(), ec == std::errc{} ? end : buf.data());
  }
}

void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_labels(std::string& out, std::span<const std::string> names,
                   std::span<const std::string> values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

}  // namespace

std::span<const double> latency_buckets() {
  return kLatencyBuckets;
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double v) {
  const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                          bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  // The count is the +Inf bucket, so count and buckets agree even while observations race.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

Registry::Family& Registry::family(std::string_view name, Kind kind, std::string_view help,
                                   std::vector<std::string> label_names) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_
             .emplace(std::string(name),
                      Family{kind, std::string(help), std::move(label_names), {}, {}, {}, {}})
             .first;
  } else if (it->second.kind != kind || it->second.label_names != label_names) {
    // Two declarations of one name disagree: a bug in the code that declares them.
    throw std::logic_error("metric family declared twice differently: " + std::string(name));
  }
  return it->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help,
                           std::vector<std::string> label_names, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& f = family(name, Kind::counter, help, std::move(label_names));
  auto& slot = f.counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help,
                       std::vector<std::string> label_names, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& f = family(name, Kind::gauge, help, std::move(label_names));
  auto& slot = f.gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names, const Labels& labels,
                               std::span<const double> bounds) {
  std::lock_guard lock(mu_);
  auto& f = family(name, Kind::histogram, help, std::move(label_names));
  if (f.bounds.empty()) f.bounds.assign(bounds.begin(), bounds.end());
  auto& slot = f.histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(f.bounds);
  return *slot;
}

std::size_t Registry::text_size_hint() const {
  constexpr std::size_t kLineBytes = 192;  // a sample line with a few labels, generously
  std::lock_guard lock(mu_);
  std::size_t lines = 0;
  for (const auto& [name, f] : families_) {
    lines += 2 + f.counters.size() + f.gauges.size() + f.histograms.size() * (f.bounds.size() + 3);
  }
  return lines * kLineBytes;
}

void Registry::render(std::string& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, f] : families_) {
    switch (f.kind) {
      case Kind::counter:
        write_header(out, name, f.help, "counter");
        for (const auto& [labels, c] : f.counters)
          write_sample(out, name, f.label_names, labels, c->value());
        break;
      case Kind::gauge:
        write_header(out, name, f.help, "gauge");
        for (const auto& [labels, g] : f.gauges)
          write_sample(out, name, f.label_names, labels, g->value());
        break;
      case Kind::histogram: {
        write_header(out, name, f.help, "histogram");
        const std::string bucket = name + "_bucket";
        for (const auto& [labels, h] : f.histograms) {
          const auto s = h->snapshot();
          for (std::size_t i = 0; i <= f.bounds.size(); ++i) {
            std::string le;
            append_number(le, i < f.bounds.size() ? f.bounds[i] : INFINITY);
            out += bucket;
            append_labels(out, f.label_names, labels, "le", le);
            out += ' ';
            append_number(out, static_cast<double>(s.cumulative[i]));
            out += '\n';
          }
          write_sample(out, name + "_sum", f.label_names, labels, s.sum);
          write_sample(out, name + "_count", f.label_names, labels, static_cast<double>(s.count));
        }
        break;
      }
    }
  }
}

void write_header(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void write_sample(std::string& out, std::string_view name, std::span<const std::string> label_names,
                  std::span<const std::string> label_values, double value) {
  out += name;
  append_labels(out, label_names, label_values);
  out += ' ';
  append_number(out, value);
  out += '\n';
}

void write_gauge_family(std::string& out, std::string_view name, std::string_view help,
                        std::span<const std::string> label_names, std::span<const Sample> samples) {
  write_header(out, name, help, "gauge");
  for (const auto& s : samples) write_sample(out, name, label_names, s.labels, s.value);
}

}  // namespace suanwang::metrics
