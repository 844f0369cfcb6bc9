// Registry: the gateway's Prometheus metrics — counters, gauges and histograms with labels —
// and their text exposition (format 0.0.4). Owned by the App and passed by reference; there is
// no global registry. Families are declared once (name, help, label names); a series is looked
// up by its label values and lives as long as the registry, so callers on hot paths may keep
// the reference.
//
// Threading: every member is safe to call from any thread. Lookups take a mutex; updates of a
// series are atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace suanwang::metrics {

using Labels = std::vector<std::string>;  // values, in the family's label order

class Counter {
 public:
  void inc(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending; +Inf is implicit.
  explicit Histogram(std::span<const double> bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;
  std::span<const double> bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bound, then +Inf (not cumulative)
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Latency buckets in seconds, 0.5 ms to 10 s.
std::span<const double> latency_buckets();

// One sample of a gauge family computed at scrape time (see write_gauge_family).
struct Sample {
  Labels labels;
  double value = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Declares a family (idempotent for the same name) and returns the series for `labels`.
  // REQUIRES: `name` and label names are valid Prometheus names; labels.size() matches.
  Counter& counter(std::string_view name, std::string_view help,
                   std::vector<std::string> label_names, const Labels& labels);
  Gauge& gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names,
               const Labels& labels);
  Histogram& histogram(std::string_view name, std::string_view help,
                       std::vector<std::string> label_names, const Labels& labels,
                       std::span<const double> bounds = latency_buckets());

  // Appends every family in the text format, families sorted by name.
  void render(std::string& out) const;
  // An upper bound, in practice, of what render() appends (for reserving).
  std::size_t text_size_hint() const;

 private:
  enum class Kind { counter, gauge, histogram };
  struct Family {
    Kind kind;
    std::string help;
    std::vector<std::string> label_names;
    std::vector<double> bounds;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(std::string_view name, Kind kind, std::string_view help,
                 std::vector<std::string> label_names);  // REQUIRES: mu_ held

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // REQUIRES: mu_ held
};

// Text-format pieces, for families computed at scrape time (jobs by state, capacity).
void write_header(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type);
void write_sample(std::string& out, std::string_view name, std::span<const std::string> label_names,
                  std::span<const std::string> label_values, double value);
void write_gauge_family(std::string& out, std::string_view name, std::string_view help,
                        std::span<const std::string> label_names, std::span<const Sample> samples);

}  // namespace suanwang::metrics
