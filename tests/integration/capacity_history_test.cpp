// GET /api/v1/capacity/history: a sample after every capacity round, counted like
// GET /api/v1/capacity, oldest first, bounded by capacity_history_samples, with `since` and
// `limit` and problems naming the field.
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
using nlohmann::json;

TEST_CASE("capacity history samples the national and regional totals on every round",
          "[integration][capacity]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));

  // Wait until two samples have every demo site counted.
  json hist;
  REQUIRE(eventually([&] {
    auto r = user.get("/api/v1/capacity/history");
    if (r.status != 200) return false;
    hist = r.json();
    const auto& s = hist.at("samples");
    return s.size() >= 2 && s.back().at("national").at("sites") == 11 &&
           s[s.size() - 2].at("national").at("sites") == 11;
  }));
  CHECK(hist.at("interval_s").get<double>() > 0);
  CHECK(hist.at("max_samples").get<int>() >= 2);
  const json samples = hist.at("samples");
  for (std::size_t i = 1; i < samples.size(); ++i) {
    CHECK(samples[i - 1].at("at").get<std::string>() <= samples[i].at("at").get<std::string>());
  }
  // The regions add up to the national totals, accelerators by model included.
  const json last = samples.back();
  CHECK(last.at("by_region").size() >= 10);
  int cpus = 0;
  json models = json::object();
  for (const auto& [region, t] : last.at("by_region").items()) {
    cpus += t.at("cpus").at("total").get<int>();
    for (const auto& [m, a] : t.at("accelerators").items()) {
      models[m] = models.value(m, 0) + a.at("total").get<int>();
    }
  }
  CHECK(cpus == last.at("national").at("cpus").at("total").get<int>());
  REQUIRE(last.at("national").at("accelerators").contains("Ascend910B"));
  for (const auto& [m, a] : last.at("national").at("accelerators").items()) {
    INFO(m);
    CHECK(models.at(m) == a.at("total"));
  }
  // The same sites as the live overview.
  auto cap = user.get("/api/v1/capacity");
  REQUIRE(cap.status == 200);
  CHECK(cap.json().at("national").at("cpus").at("total") ==
        last.at("national").at("cpus").at("total"));

  // `since` returns only later samples; `limit` the newest ones.
  const std::string at = last.at("at");
  auto newer = user.get("/api/v1/capacity/history?since=" + at);
  REQUIRE(newer.status == 200);
  const json newer_samples = newer.json().at("samples");
  for (const auto& s : newer_samples) CHECK(s.at("at").get<std::string>() > at);
  REQUIRE(eventually([&] {
    auto r = user.get("/api/v1/capacity/history?since=" + at);
    return r.status == 200 && !r.json().at("samples").empty();
  }));
  auto one = user.get("/api/v1/capacity/history?limit=1");
  REQUIRE(one.status == 200);
  const json newest = one.json().at("samples");
  REQUIRE(newest.size() == 1);
  CHECK(newest[0].at("at").get<std::string>() >= at);

  SECTION("bad parameters are 400s naming the field, and a key is needed") {
    auto bad_limit = user.get("/api/v1/capacity/history?limit=0");
    CHECK(bad_limit.status == 400);
    CHECK(bad_limit.json().at("field") == "limit");
    auto bad_since = user.get("/api/v1/capacity/history?since=yesterday");
    CHECK(bad_since.status == 400);
    CHECK(bad_since.json().at("field") == "since");
    CHECK(gw.client().get("/api/v1/capacity/history").status == 401);
  }
}

TEST_CASE("capacity history keeps only the newest capacity_history_samples samples",
          "[integration][capacity]") {
  TempDir dir;
  TestGateway gw(dir.path(),
                 {.demo = true, .tweak = [](Config& c) { c.capacity_history_samples = 3; }});
  auto user = gw.client(gw.demo_key("demo-user"));
  std::string first_seen;
  REQUIRE(eventually([&] {
    auto r = user.get("/api/v1/capacity/history");
    if (r.status != 200) return false;
    const json s = r.json().at("samples");
    if (s.size() != 3) return false;
    first_seen = s[0].at("at");
    return true;
  }));
  // Later rounds push the oldest out; there are never more than three.
  REQUIRE(eventually([&] {
    auto r = user.get("/api/v1/capacity/history");
    REQUIRE(r.status == 200);
    const json s = r.json().at("samples");
    REQUIRE(s.size() <= 3);
    return s[0].at("at").get<std::string>() > first_seen;
  }));
  CHECK(user.get("/api/v1/capacity/history?limit=4").status == 400);
}

}  // namespace suanwang::testing

namespace suanwang::testing {

TEST_CASE("a drained site's capacity counts in the totals and their history, none of it free",
          "[integration][capacity]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  auto op = gw.client(gw.demo_key("demo-operator"));
  json cap;
  REQUIRE(eventually([&] {
    cap = user.get("/api/v1/capacity").json();
    return cap.at("national").at("sites") == 11;
  }));
  // Drain the only center of its region (each hub has one emulated center; the local site
  // shares Shanghai), so its region's figures are its own.
  std::string drained, region;
  for (const auto& s : cap.at("sites")) {
    if (s.at("region") == "cn-cy-chengdu") {
      drained = s.at("site");
      region = s.at("region");
    }
  }
  REQUIRE_FALSE(drained.empty());
  const int total_before = cap.at("national").at("cpus").at("total");
  REQUIRE(op.post("/api/v1/sites/" + drained + "/drain", json::object()).status == 200);

  json after, hist;
  REQUIRE(eventually([&] {
    after = user.get("/api/v1/capacity").json();
    hist = user.get("/api/v1/capacity/history?limit=1").json();
    const json& r = after.at("by_region").at(region);
    const json& h = hist.at("samples").back().at("by_region").at(region);
    return r.at("cpus").at("free") == 0 && h.at("cpus").at("free") == 0;
  }));
  INFO(after.dump());
  // Still counted: the site, its CPUs and accelerators; free: none of them.
  const json& r = after.at("by_region").at(region);
  CHECK(r.at("sites") == 1);
  CHECK(r.at("cpus").at("total").get<int>() > 0);
  CHECK(r.at("memory_gb").at("free").get<double>() == 0);
  for (const auto& [m, a] : r.at("accelerators").items()) {
    INFO(m);
    CHECK(a.at("total").get<int>() > 0);
    CHECK(a.at("free") == 0);
  }
  CHECK(after.at("national").at("sites") == 11);
  CHECK(after.at("national").at("cpus").at("total") == total_before);
  // Ascend910B is also elsewhere: its free count is the other sites' alone.
  int elsewhere_free = 0;
  for (const auto& [reg, t] : after.at("by_region").items()) {
    if (reg != region && t.at("accelerators").contains("Ascend910B")) {
      elsewhere_free += t.at("accelerators").at("Ascend910B").at("free").get<int>();
    }
  }
  CHECK(after.at("by_accelerator").at("Ascend910B").at("free") == elsewhere_free);
  // The site's own entry still shows what it reports.
  for (const auto& s : after.at("sites")) {
    if (s.at("site") == drained) {
      CHECK(s.at("drained") == true);
      CHECK(s.at("totals").at("cpus").at("free").get<int>() > 0);
    }
  }
}

}  // namespace suanwang::testing
