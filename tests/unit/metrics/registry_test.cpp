// The Prometheus registry: counters, gauges and histograms render in the text format with
// escaped labels and cumulative buckets.
#include <catch2/catch.hpp>

#include "gateway/metrics/registry.hpp"

namespace suanwang::metrics {

TEST_CASE("counters and gauges render with their help, type and labels", "[unit][metrics]") {
  Registry r;
  r.counter("t_requests_total", "Requests.", {"route"}, {"/a/{id}"}).inc();
  r.counter("t_requests_total", "Requests.", {"route"}, {"/a/{id}"}).inc(2);
  r.gauge("t_temperature", "Heat.", {}, {}).set(-1.5);
  std::string out;
  r.render(out);
  CHECK(out ==
        "# HELP t_requests_total Requests.\n"
        "# TYPE t_requests_total counter\n"
        "t_requests_total{route=\"/a/{id}\"} 3\n"
        "# HELP t_temperature Heat.\n"
        "# TYPE t_temperature gauge\n"
        "t_temperature -1.5\n");
}

TEST_CASE("label values and help text are escaped", "[unit][metrics]") {
  Registry r;
  r.counter("t_x_total", "back\\slash\nnewline", {"v"}, {"a\"b\\c\nd"}).inc();
  std::string out;
  r.render(out);
  CHECK(out.find("# HELP t_x_total back\\\\slash\\nnewline\n") != std::string::npos);
  CHECK(out.find("t_x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n") != std::string::npos);
}

TEST_CASE("histograms count into cumulative buckets with sum and count", "[unit][metrics]") {
  Registry r;
  const double bounds[] = {0.25, 1};
  auto& h = r.histogram("t_seconds", "Time.", {"k"}, {"x"}, bounds);
  h.observe(0.125);
  h.observe(0.25);  // an upper bound is inclusive
  h.observe(0.5);
  h.observe(7);
  std::string out;
  r.render(out);
  CHECK(out ==
        "# HELP t_seconds Time.\n"
        "# TYPE t_seconds histogram\n"
        "t_seconds_bucket{k=\"x\",le=\"0.25\"} 2\n"
        "t_seconds_bucket{k=\"x\",le=\"1\"} 3\n"
        "t_seconds_bucket{k=\"x\",le=\"+Inf\"} 4\n"
        "t_seconds_sum{k=\"x\"} 7.875\n"
        "t_seconds_count{k=\"x\"} 4\n");
}

TEST_CASE("a series is the same object on every lookup", "[unit][metrics]") {
  Registry r;
  auto& a = r.counter("t_c_total", "C.", {"s"}, {"1"});
  auto& b = r.counter("t_c_total", "C.", {"s"}, {"1"});
  auto& c = r.counter("t_c_total", "C.", {"s"}, {"2"});
  CHECK(&a == &b);
  CHECK(&a != &c);
  CHECK_THROWS_AS(r.gauge("t_c_total", "C.", {"s"}, {"1"}), std::logic_error);
}

TEST_CASE("the size hint covers what render writes", "[unit][metrics]") {
  Registry r;
  std::size_t before = r.text_size_hint();
  CHECK(before == 0);
  for (int i = 0; i < 300; ++i) {
    const std::string site = "site_01m7z06yztn3fvyt6wcd9ngw" + std::to_string(i);
    r.histogram("t_adapter_call_duration_seconds", "Adapter calls by site and operation.",
                {"site", "op"}, {site, "capacity"})
        .observe(0.01 * i);
    r.counter("t_adapter_errors_total", "Adapter errors by site.", {"site", "code"},
              {site, "unavailable"})
        .inc();
  }
  std::string out;
  r.render(out);
  CHECK(r.text_size_hint() >= out.size());
  CHECK(r.text_size_hint() > before);
}

}  // namespace suanwang::metrics
