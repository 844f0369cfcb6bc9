// Placement (DESIGN §3): filters with their reason codes, estimates against hand-computed
// figures, how the routing weights move the choice, deadlines, and deterministic ties.
//
// Prices in these tests are binary fractions (0.125, 0.0625 ...) so that costs compare exactly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <regex>

#include "gateway/placement/placement.hpp"

namespace {

using namespace suanwang;
using suanwang::placement::Rejection;

std::string code_of(const Rejection& r) {
  return suanwang::placement::reject_code_name(r.code);
}
using namespace suanwang::placement;
using Catch::Matchers::Contains;

const std::string kGZ = "cn-gz-guian";
const std::string kSH = "cn-csj-shanghai";
const std::string kCD = "cn-cy-chengdu";

// A federation of sites, a network and datasets; the snapshot points into it.
struct World {
  std::deque<model::Site> sites;  // deque: SiteState keeps pointers
  std::vector<SiteState> states;
  model::Network network{{
      model::NetworkLink{kGZ, kSH, 30, 10, 0.25}, model::NetworkLink{kGZ, kCD, 10, 20, 0.125},
      // SH <-> CD is not named: defaults (30 ms, 10 Gbps, ¥0.15/GB).
  }};
  std::deque<model::Dataset> datasets;
  std::vector<model::Region> regions;  // grid figures; none = the national defaults
  TimePoint now = from_unix_ms(1'800'000'000'000);
  std::optional<double> budget;  // the org's remaining budget, none = no budget

  // A site with 64 CPUs, 256 GB and 8 A800 in one pool, all free; ¥0.125 per core-hour,
  // ¥0.0625 per GB-hour, ¥7.5 per A800-hour.
  model::Site& add(const std::string& id, const std::string& region, double cpu_price = 0.125) {
    model::Site s;
    s.id = id;
    s.name = "Site " + id;
    s.region = region;
    s.pricing.cpu_core_hour = cpu_price;
    s.pricing.memory_gb_hour = 0.0625;
    s.pricing.gpu_hour = {{"A800", 7.5}};
    sites.push_back(s);
    model::SiteCapacity cap;
    cap.pools = {model::PoolCapacity{"main", 64, 64, 256, 256, {{"A800", {8, 8}}}, 0}};
    cap.observed_at = now;
    states.push_back(SiteState{&sites.back(), cap, 1.0, 0, true});
    return sites.back();
  }
  SiteState& state(const std::string& id) {
    for (auto& st : states) {
      if (st.site->id == id) return st;
    }
    FAIL("no site " << id);
    throw;
  }
  model::Site& site(const std::string& id) { return const_cast<model::Site&>(*state(id).site); }
  void make_busy(const std::string& id, double est_queue_wait_s) {
    auto& cap = *state(id).capacity;
    cap.pools[0].cpus_free = 0;
    cap.est_queue_wait_s = est_queue_wait_s;
  }
  const model::Dataset* add_dataset(const std::string& id, int64_t size,
                                    std::vector<std::string> regions) {
    model::Dataset d;
    d.id = id;
    d.size_bytes = size;
    for (auto& r : regions) d.replicas.push_back({r, ""});
    datasets.push_back(d);
    return &datasets.back();
  }

  std::optional<int64_t> predicted_runtime_s;  // what the Planner's RuntimeModel would say

  Decision decide(const model::JobSpec& job, std::vector<std::string> blocked = {},
                  std::string org = "org_me") const {
    Snapshot snap;
    snap.sites = states;
    snap.network = &network;
    snap.regions = &regions;
    for (const auto& d : datasets) snap.datasets[d.id] = &d;
    snap.capacity_stale_after_s = 60;
    snap.now = now;
    Request req{&job, std::move(org), std::move(blocked)};
    req.budget_remaining_cny = budget;
    req.predicted_runtime_s = predicted_runtime_s;
    return placement::decide(req, snap);
  }
};

// 4 CPUs and 8 GB for up to an hour, expected to take half of it: ¥0.5 + ¥0.5 per hour, so
// ¥0.50 of compute at the default prices.
model::JobSpec job(std::string_view policy = "cheapest") {
  model::JobSpec j;
  j.command = "run";
  j.resources.cpus = 4;
  j.resources.memory_gb = 8;
  j.resources.walltime_s = 3600;
  j.expected_runtime_s = 1800;
  j.routing.policy = model::parse_routing_policy(policy).value();
  return j;
}

model::JobSpec custom(model::Weights w) {
  auto j = job();
  j.routing.policy = model::RoutingPolicy::custom;
  j.routing.weights = w;
  return j;
}

std::vector<std::string> ranked_ids(const Decision& d) {
  std::vector<std::string> ids;
  for (const auto& c : d.ranked) ids.push_back(c.site_id);
  return ids;
}

// ---- Filters ---------------------------------------------------------------------------------

struct FilterCase {
  const char* name;
  const char* code;
  std::function<void(World&, model::JobSpec&, std::vector<std::string>&)> setup;
};

TEST_CASE("each filter rejects with its documented reason code", "[placement][filter]") {
  const std::vector<FilterCase> cases = {
      {"blocked for this job", "blocked",
       [](World&, model::JobSpec&, std::vector<std::string>& blocked) { blocked = {"s1"}; }},
      {"status draining", "draining",
       [](World& w, model::JobSpec&, auto&) { w.site("s1").status = model::SiteStatus::draining; }},
      {"drain flag set while healthy", "draining",
       [](World& w, model::JobSpec&, auto&) { w.site("s1").drained = true; }},
      {"offline", "offline",
       [](World& w, model::JobSpec&, auto&) { w.site("s1").status = model::SiteStatus::offline; }},
      {"not among constraints.sites", "site_not_allowed",
       [](World&, model::JobSpec& j, auto&) { j.constraints.sites = {"s2"}; }},
      {"in constraints.deny_sites", "site_denied",
       [](World&, model::JobSpec& j, auto&) { j.constraints.deny_sites = {"s1"}; }},
      {"region not among constraints.regions", "region_not_allowed",
       [](World&, model::JobSpec& j, auto&) {
         j.constraints.regions = {kSH, kCD};
       }},
      {"region in constraints.deny_regions", "region_denied",
       [](World&, model::JobSpec& j, auto&) { j.constraints.deny_regions = {kGZ}; }},
      {"org not in the site's allow list", "org_not_allowed",
       [](World& w, model::JobSpec&, auto&) { w.site("s1").policy.allowed_orgs = {"org_other"}; }},
      {"org in the site's deny list", "org_not_allowed",
       [](World& w, model::JobSpec&, auto&) { w.site("s1").policy.denied_orgs = {"org_me"}; }},
      {"image at a site without containers", "no_images",
       [](World& w, model::JobSpec& j, auto&) {
         j.image = "registry.example/x:1";
         w.state("s1").supports_images = false;
       }},
      {"walltime over the site's policy", "walltime",
       [](World& w, model::JobSpec&, auto&) { w.site("s1").policy.max_walltime_s = 3599; }},
      {"accelerator model not offered", "no_accelerator_model",
       [](World&, model::JobSpec& j, auto&) {
         j.resources.accelerators = model::AcceleratorNeed{"H100", 1};
       }},
      {"in-flight cap reached", "in_flight_cap",
       [](World& w, model::JobSpec&, auto&) {
         w.site("s1").policy.max_in_flight = 10;
         w.state("s1").in_flight = 10;
       }},
      {"no capacity report yet", "capacity_unknown",
       [](World& w, model::JobSpec&, auto&) { w.state("s1").capacity.reset(); }},
      {"checking: registered, its report not trusted before the first poll", "capacity_unknown",
       [](World& w, model::JobSpec&, auto&) { w.site("s1").status = model::SiteStatus::checking; }},
      {"stale capacity", "capacity_stale",
       [](World& w, model::JobSpec&, auto&) { w.state("s1").capacity_age_s = 60.5; }},
      {"more CPUs than any pool", "too_large",
       [](World&, model::JobSpec& j, auto&) { j.resources.cpus = 65; }},
      {"more memory than any pool", "too_large",
       [](World&, model::JobSpec& j, auto&) { j.resources.memory_gb = 256.5; }},
      {"more accelerators than any pool", "too_large",
       [](World&, model::JobSpec& j, auto&) {
         j.resources.accelerators = model::AcceleratorNeed{"A800", 9};
       }},
      {"longer than the pool's walltime", "too_large",
       [](World& w, model::JobSpec&, auto&) {
         w.state("s1").capacity->pools[0].max_walltime_s = 3000;
       }},
      {"over the price cap", "over_max_price",
       [](World&, model::JobSpec& j, auto&) { j.constraints.max_price_cny = 0.49; }},
      {"over the org's remaining budget", "over_budget",
       [](World& w, model::JobSpec&, auto&) { w.budget = 0.49; }},
      {"results after the deadline", "deadline",
       [](World& w, model::JobSpec& j, auto&) {
         j.constraints.deadline = w.now + std::chrono::seconds(1799);
       }},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      World w;
      w.add("s1", kGZ);
      auto j = job();
      std::vector<std::string> blocked;
      c.setup(w, j, blocked);
      const Decision d = w.decide(j, blocked);
      CHECK_FALSE(d.feasible());
      REQUIRE(d.rejected.size() == 1);
      CHECK(d.rejected[0].site_id == "s1");
      CHECK(d.rejected[0].site_name == "Site s1");
      CHECK(code_of(d.rejected[0]) == c.code);
      CHECK_FALSE(d.rejected[0].message.empty());
      CHECK_THAT(d.summary, Contains("no site can run this job"));
      // The one reason, in words, leads the refusal.
      CHECK_THAT(d.summary, Contains("its reason: " + d.rejected[0].message));
      // Coded too: the English is the en catalog's, and the zh catalog has no English sentence.
      CHECK(d.rejected[0].text.code.rfind("reject." + std::string(c.code), 0) ==
            0);
      CHECK(i18n::render(d.rejected[0].text, i18n::Lang::en) == d.rejected[0].message);
      CHECK(i18n::render(d.summary_parts, i18n::Lang::en) == d.summary);
      const std::string zh = i18n::render(d.summary_parts, i18n::Lang::zh);
      INFO(zh);
      CHECK_FALSE(std::regex_search(zh, std::regex("[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}")));
    }
  }
}

TEST_CASE("a refusal leads with the reason of the sites the user allowed, in words",
          "[placement][explain]") {
  World w;
  w.add("s1", kGZ);
  w.add("s2", kGZ);
  w.add("s3", kGZ);
  auto j = job();
  j.resources.accelerators = model::AcceleratorNeed{"Ascend910B", 1};
  // Two sites excluded by the user, one allowed that has no Ascend910B: the allowed site's
  // reason leads, though the exclusions are commoner.
  j.constraints.sites = {"s1"};
  const Decision d = w.decide(j, {});
  REQUIRE_FALSE(d.feasible());
  INFO(d.summary);
  CHECK_THAT(d.summary, Contains("3 sites rejected it; 2 left out by the job's constraints; the "
                                 "other's reason: the site offers no Ascend910B "
                                 "(no_accelerator_model)"));
  CHECK_THAT(d.summary, !Contains("site_not_allowed"));
}

TEST_CASE("the same setups one step short of each limit are feasible", "[placement][filter]") {
  const std::vector<std::pair<const char*, std::function<void(World&, model::JobSpec&)>>> cases = {
      {"walltime equal to the policy",
       [](World& w, model::JobSpec&) { w.site("s1").policy.max_walltime_s = 3600; }},
      {"one below the in-flight cap",
       [](World& w, model::JobSpec&) {
         w.site("s1").policy.max_in_flight = 10;
         w.state("s1").in_flight = 9;
       }},
      {"capacity exactly as old as the limit",
       [](World& w, model::JobSpec&) { w.state("s1").capacity_age_s = 60; }},
      {"the whole pool",
       [](World&, model::JobSpec& j) {
         j.resources.cpus = 64;
         j.resources.memory_gb = 256;
         j.resources.accelerators = model::AcceleratorNeed{"A800", 8};
       }},
      {"pool walltime equal to the job's",
       [](World& w, model::JobSpec&) { w.state("s1").capacity->pools[0].max_walltime_s = 3600; }},
      {"price cap equal to the estimate",
       [](World&, model::JobSpec& j) { j.constraints.max_price_cny = 0.5; }},
      {"deadline exactly when results arrive",
       [](World& w, model::JobSpec& j) {
         j.constraints.deadline = w.now + std::chrono::seconds(1800);
       }},
      {"allowed by every list",
       [](World& w, model::JobSpec& j) {
         j.constraints.sites = {"s1"};
         j.constraints.regions = {kGZ};
         j.constraints.deny_sites = {"s2"};
         j.constraints.deny_regions = {kSH};
         w.site("s1").policy.allowed_orgs = {"org_me"};
         w.site("s1").policy.denied_orgs = {"org_other"};
       }},
      {"an image at a site with containers",
       [](World&, model::JobSpec& j) { j.image = "registry.example/x:1"; }},
  };
  for (const auto& [name, setup] : cases) {
    SECTION(name) {
      World w;
      w.add("s1", kGZ);
      auto j = job();
      setup(w, j);
      const Decision d = w.decide(j);
      CHECK(d.rejected.empty());
      REQUIRE(d.feasible());
      CHECK(d.ranked[0].site_id == "s1");
    }
  }
}

TEST_CASE("a job must fit within one pool, not the site's sum", "[placement][filter]") {
  World w;
  w.add("s1", kGZ);
  auto& cap = *w.state("s1").capacity;
  cap.pools = {model::PoolCapacity{"a", 32, 32, 128, 128, {{"A800", {4, 4}}}, 0},
               model::PoolCapacity{"b", 32, 32, 128, 128, {{"A800", {4, 4}}}, 0}};
  auto j = job();
  j.resources.cpus = 48;  // 64 CPUs in total, but 32 per pool
  auto d = w.decide(j);
  REQUIRE(d.rejected.size() == 1);
  CHECK(code_of(d.rejected[0]) == "too_large");

  j.resources.cpus = 4;
  j.resources.accelerators = model::AcceleratorNeed{"A800", 6};  // 8 in total, 4 per pool
  d = w.decide(j);
  REQUIRE(d.rejected.size() == 1);
  CHECK(code_of(d.rejected[0]) == "too_large");
}

TEST_CASE("every site is judged: rejections and candidates together", "[placement][filter]") {
  World w;
  w.add("a", kGZ);
  w.add("b", kSH);
  w.add("c", kCD);
  w.add("d", kCD).status = model::SiteStatus::offline;
  auto j = job();
  j.constraints.deny_regions = {kSH};
  const auto d = w.decide(j);
  CHECK(ranked_ids(d) == std::vector<std::string>{"a", "c"});
  REQUIRE(d.rejected.size() == 2);
  CHECK(d.rejected[0].site_id == "b");
  CHECK(code_of(d.rejected[0]) == "region_denied");
  CHECK(d.rejected[1].site_id == "d");
  CHECK(code_of(d.rejected[1]) == "offline");
}

TEST_CASE("a site carries a reason that may clear only when waiting could make it feasible",
          "[placement][filter]") {
  SECTION("an offline site outside the job's regions is out of its regions") {
    World w;
    w.add("sh", kSH).status = model::SiteStatus::offline;
    auto j = job();
    j.constraints.regions = {kGZ};
    const auto d = w.decide(j);
    REQUIRE(d.rejected.size() == 1);
    CHECK(code_of(d.rejected[0]) == "region_not_allowed");
    CHECK_FALSE(d.may_clear());
  }
  SECTION("a full or draining site too large for the job is too small, not full") {
    World w;
    w.add("full", kGZ).policy.max_in_flight = 1;
    w.state("full").in_flight = 1;
    w.add("draining", kSH).status = model::SiteStatus::draining;
    auto j = job();
    j.resources.cpus = 100000;
    const auto d = w.decide(j);
    REQUIRE(d.rejected.size() == 2);
    CHECK(code_of(d.rejected[0]) == "too_large");
    CHECK(code_of(d.rejected[1]) == "too_large");
    CHECK_FALSE(d.may_clear());
  }
  SECTION("a site that fits the job but is full, draining, offline or checking may clear") {
    for (int k = 0; k < 4; ++k) {
      World w;
      auto& s = w.add("s1", kGZ);
      if (k == 0) {
        s.policy.max_in_flight = 1;
        w.state("s1").in_flight = 1;
      } else {
        s.status = k == 1   ? model::SiteStatus::draining
                   : k == 2 ? model::SiteStatus::offline
                            : model::SiteStatus::checking;
      }
      const auto d = w.decide(job());
      CHECK_FALSE(d.feasible());
      CHECK(d.may_clear());
    }
  }
}

// ---- Estimates -------------------------------------------------------------------------------

TEST_CASE("compute cost, egress and transfer times match the pricing model",
          "[placement][estimate]") {
  World w;
  w.add("gz", kGZ).pricing.egress_gb = 0.125;
  w.add("sh", kSH);
  auto j = job();
  j.inputs = {model::InputSpec{"", 10'000'000'000, kSH}};  // 10 GB in Shanghai
  j.outputs = model::OutputSpec{kSH, 5'000'000'000};       // 5 GB back to Shanghai
  const auto d = w.decide(j);
  REQUIRE(d.ranked.size() == 2);
  const Candidate* gz = nullptr;
  const Candidate* sh = nullptr;
  for (const auto& c : d.ranked) (c.site_id == "gz" ? gz : sh) = &c;
  REQUIRE(gz);
  REQUIRE(sh);

  // Compute: (4 x 0.125 + 8 x 0.0625) per hour x 0.5 h.
  CHECK(gz->compute_cost_cny == Approx(0.5));
  CHECK(sh->compute_cost_cny == Approx(0.5));

  // Guiyang: 10 GB in over the GZ-SH link (¥0.25/GB), 5 GB out at link + site egress
  // (0.25 + 0.125) per GB.
  CHECK(gz->egress_cost_cny == Approx(10 * 0.25 + 5 * 0.375));
  CHECK(gz->total_cost_cny == Approx(0.5 + 4.375));
  CHECK(gz->bytes_moved == 15'000'000'000);
  // 30 ms RTT + 80 Gbit / 10 Gbps in; 30 ms + 40 Gbit / 10 Gbps out.
  CHECK(gz->transfer_in_s == Approx(8.03));
  CHECK(gz->transfer_out_s == Approx(4.03));
  CHECK(gz->queue_wait_s == 0);
  CHECK(gz->start_s == Approx(8.03));
  CHECK(gz->result_s == Approx(8.03 + 1800 + 4.03));
  CHECK(gz->raw_of(Criterion::locality) == 10e9);  // input bytes only

  // Shanghai: everything is local, so no egress and the same-region link (1 ms, 25 Gbps).
  CHECK(sh->egress_cost_cny == 0);
  CHECK(sh->total_cost_cny == Approx(0.5));
  CHECK(sh->bytes_moved == 0);
  CHECK(sh->transfer_in_s == Approx(0.001 + 3.2));
  CHECK(sh->transfer_out_s == Approx(0.001 + 1.6));
  CHECK(sh->raw_of(Criterion::locality) == 0);
  CHECK(ranked_ids(d) == std::vector<std::string>{"sh", "gz"});
}

TEST_CASE("a dataset input is read from the replica that arrives soonest",
          "[placement][estimate]") {
  World w;
  w.add("gz", kGZ);
  w.add("cd", kCD);
  w.add_dataset("ds_1", 10'000'000'000, {kSH, kCD});
  auto j = job();
  j.inputs = {model::InputSpec{"ds_1", 0, ""}};
  const auto d = w.decide(j);
  REQUIRE(d.ranked.size() == 2);
  for (const auto& c : d.ranked) {
    INFO(c.site_id);
    if (c.site_id == "cd") {
      CHECK(c.bytes_moved == 0);
      CHECK(c.egress_cost_cny == 0);
    } else {
      // From Chengdu (10 ms, 20 Gbps, ¥0.125/GB), not Shanghai (30 ms, 10 Gbps).
      CHECK(c.transfer_in_s == Approx(0.01 + 4.0));
      CHECK(c.egress_cost_cny == Approx(1.25));
      CHECK(c.bytes_moved == 10'000'000'000);
    }
  }
}

TEST_CASE("parallel inputs: the start waits for the slowest", "[placement][estimate]") {
  World w;
  w.add("gz", kGZ);
  auto j = job();
  j.inputs = {model::InputSpec{"", 1'000'000'000, kCD},   // 0.01 + 0.4 s
              model::InputSpec{"", 5'000'000'000, kSH}};  // 0.03 + 4 s
  const auto d = w.decide(j);
  REQUIRE(d.feasible());
  CHECK(d.ranked[0].transfer_in_s == Approx(4.03));
  CHECK(d.ranked[0].bytes_moved == 6'000'000'000);
  CHECK(d.ranked[0].egress_cost_cny == Approx(1 * 0.125 + 5 * 0.25));
}

TEST_CASE("a busy site's queue wait comes from its report", "[placement][estimate]") {
  World w;
  w.add("s1", kGZ);
  SECTION("the site's own estimate") {
    w.make_busy("s1", 600);
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].queue_wait_s == 600);
    CHECK(d.ranked[0].start_s == 600);
    CHECK(d.ranked[0].result_s == 600 + 1800);
  }
  SECTION("queued work spread over the site's CPUs") {
    w.make_busy("s1", 0);
    w.state("s1").capacity->queued_work_core_s = 6400;  // / 64 CPUs
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].queue_wait_s == Approx(100));
  }
  SECTION("busy with nothing known: assume one runtime") {
    w.make_busy("s1", 0);
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].queue_wait_s == 1800);
    CHECK_FALSE(d.ranked[0].fits_free_now);
  }
  SECTION("a free site does not wait, whatever its queue says") {
    w.state("s1").capacity->est_queue_wait_s = 600;
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].queue_wait_s == 0);
  }
}

TEST_CASE("a pool's own queue makes a job that fits wait", "[placement][estimate]") {
  World w;
  w.add("s1", kGZ);
  auto& cap = *w.state("s1").capacity;
  cap.pools.push_back(model::PoolCapacity{"other", 64, 64, 256, 256, {}, 0});
  SECTION("work queued ahead in its pool: the site's forecast for that pool") {
    cap.queued_jobs = 3;
    cap.pools[0].queued_jobs = 3;
    cap.pools[0].queued_work_core_s = 64 * 300;
    cap.pools[0].est_queue_wait_s = 900;
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].pool == "main");
    // Plus its share of the pool (4 of 64 CPUs) of a run like its own (longer than the 300 s
    // the queued work takes to drain): 1800 / 16.
    CHECK(d.ranked[0].queue_wait_s == 900 + 112.5);
    CHECK(d.ranked[0].start_s == 900 + 112.5);
    CHECK(d.ranked[0].result_s == 900 + 112.5 + 1800);
    CHECK(d.ranked[0].fits_free_now);  // free resources, but jobs queued ahead of it
  }
  SECTION("no forecast: the queued work drained through the pool") {
    cap.queued_jobs = 2;
    cap.pools[0].queued_jobs = 2;
    cap.pools[0].queued_work_core_s = 6400;  // / 64 CPUs
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].queue_wait_s == Approx(100 + 112.5));  // and its share, as above
  }
  SECTION("a queue in another pool does not delay it") {
    cap.queued_jobs = 2;
    cap.pools[1].queued_jobs = 2;
    cap.pools[1].est_queue_wait_s = 900;
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].queue_wait_s == 0);
  }
  SECTION("its pool full, the queue in another pool: about one runtime") {
    cap.pools[0].cpus_free = 0;
    cap.queued_jobs = 2;
    cap.pools[1].queued_jobs = 2;
    cap.pools[1].queued_work_core_s = 64 * 10'000;
    cap.pools[1].est_queue_wait_s = 5;
    cap.est_queue_wait_s = 0;
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].queue_wait_s == 1800);
    CHECK_FALSE(d.ranked[0].fits_free_now);
  }
  SECTION("a queue reported only site-wide (e.g. a backfilling scheduler): it fits, starts now") {
    cap.queued_jobs = 2;
    cap.queued_work_core_s = 6400;
    cap.est_queue_wait_s = 600;
    const auto d = w.decide(job());
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].queue_wait_s == 0);
  }
}

TEST_CASE("deadlines count the queue and the transfers", "[placement][deadline]") {
  World w;
  w.add("free", kGZ, 0.5);
  w.add("busy", kGZ);
  w.make_busy("busy", 3600);
  auto j = job();
  j.constraints.deadline = w.now + std::chrono::hours(1);
  auto d = w.decide(j);
  CHECK(ranked_ids(d) == std::vector<std::string>{"free"});
  REQUIRE(d.rejected.size() == 1);
  CHECK(d.rejected[0].site_id == "busy");
  CHECK(code_of(d.rejected[0]) == "deadline");

  // An input transfer that pushes the result past the deadline also rejects.
  j.constraints.deadline = w.now + std::chrono::seconds(1805);
  j.inputs = {model::InputSpec{"", 10'000'000'000, kSH}};  // 8.03 s to Guiyang
  d = w.decide(j);
  CHECK_FALSE(d.feasible());
  CHECK(d.rejected.size() == 2);

  // A deadline in the past rejects everything.
  j.inputs.clear();
  j.constraints.deadline = w.now - std::chrono::seconds(1);
  CHECK_FALSE(w.decide(j).feasible());
}

TEST_CASE("the price cap counts egress as well as compute", "[placement][price]") {
  World w;
  w.add("gz", kGZ);
  w.add("sh", kSH);
  auto j = job();
  j.inputs = {model::InputSpec{"", 4'000'000'000, kSH}};  // ¥1.00 of egress to Guiyang
  j.constraints.max_price_cny = 1.0;
  const auto d = w.decide(j);
  CHECK(ranked_ids(d) == std::vector<std::string>{"sh"});
  REQUIRE(d.rejected.size() == 1);
  CHECK(code_of(d.rejected[0]) == "over_max_price");
  CHECK_THAT(d.rejected[0].message, Contains("1.50"));
}

// ---- Predicted runtimes ----------------------------------------------------------------------

// 4 CPUs and 8 GB asked for four hours with no runtime given (¥1.00 an hour at the default
// prices, ¥1.50 at a CPU price of ¥0.25).
model::JobSpec overasked(std::string policy = "balanced") {
  auto j = job(std::move(policy));
  j.resources.walltime_s = 4 * 3600;
  j.expected_runtime_s.reset();
  return j;
}

TEST_CASE("a predicted runtime is scored; the walltime still bounds cost, budget and deadline",
          "[placement][estimate][runtime]") {
  World w;
  w.add("cheap_busy", kGZ, 0.125);  // ¥1.00 an hour, an hour of queue
  w.add("dear_free", kGZ, 0.25);    // ¥1.50 an hour, starts now
  w.make_busy("cheap_busy", 3600);

  SECTION("without a prediction the walltime stands in") {
    const auto d = w.decide(overasked());
    REQUIRE(d.feasible());
    CHECK(d.runtime_basis == "walltime");
    CHECK(d.runtime_s == 4 * 3600);
    // Time 5 h against 4 h: the queue is a quarter of the best time (0.45 x 0.25), less than
    // the dear site's price penalty (¥6 against ¥4: 0.35 x 0.5), so it is not worth avoiding.
    CHECK(d.ranked[0].site_id == "cheap_busy");
    CHECK(d.ranked[0].result_s == 3600 + 4 * 3600);
  }
  SECTION("with a prediction the queue weighs what it will really cost in time") {
    w.predicted_runtime_s = 3600;  // the org's jobs run about a quarter of what they ask
    const auto d = w.decide(overasked());
    REQUIRE(d.feasible());
    CHECK(d.runtime_basis == "predicted");
    CHECK(d.runtime_s == 3600);
    REQUIRE(d.ranked.size() == 2);
    CHECK(d.ranked[0].site_id == "dear_free");  // 2 h against 1 h: time normalised 1 (0.45)
    CHECK(d.ranked[0].result_s == 3600);
    CHECK(d.ranked[1].result_s == 3600 + 3600);
    // The cost shown, held and ranked stays at the walltime.
    CHECK(d.ranked[0].total_cost_cny == Approx(6.0));
    CHECK(d.ranked[0].raw_of(Criterion::price) == Approx(6.0));
    CHECK(d.ranked[1].total_cost_cny == Approx(4.0));
    CHECK(to_json(d)["runtime_basis"] == "predicted");
  }
  SECTION("a full pool's wait for a job like this one is its predicted run") {
    w.predicted_runtime_s = 1200;
    w.make_busy("cheap_busy", 0);  // busy, nothing known about the queue
    const auto d = w.decide(overasked("cheapest"));
    REQUIRE(d.feasible());
    CHECK(d.ranked[0].site_id == "cheap_busy");
    CHECK(d.ranked[0].queue_wait_s == 1200);
  }
  SECTION("the budget is checked against the walltime's cost") {
    w.predicted_runtime_s = 3600;
    w.budget = 5.0;  // covers the dear site's likely ¥1.50, not its bound of ¥6.00
    const auto d = w.decide(overasked());
    CHECK(ranked_ids(d) == std::vector<std::string>{"cheap_busy"});
    REQUIRE(d.rejected.size() == 1);
    CHECK(code_of(d.rejected[0]) == "over_budget");
  }
  SECTION("a deadline is checked against the walltime's result") {
    w.predicted_runtime_s = 3600;
    auto j = overasked();
    j.constraints.deadline = w.now + std::chrono::hours(2);  // likely 1 h, at most 4 h
    CHECK_FALSE(w.decide(j).feasible());
    j.constraints.deadline = w.now + std::chrono::hours(4);
    CHECK(ranked_ids(w.decide(j)) == std::vector<std::string>{"dear_free"});
  }
  SECTION("a stated runtime wins over the prediction, which never exceeds the walltime") {
    w.predicted_runtime_s = 3600;
    auto j = overasked();
    j.expected_runtime_s = 7200;
    auto d = w.decide(j);
    CHECK(d.runtime_basis == "expected_runtime_s");
    CHECK(d.runtime_s == 7200);
    w.predicted_runtime_s = 10 * 3600;
    d = w.decide(overasked());
    CHECK(d.runtime_basis == "predicted");
    CHECK(d.runtime_s == 4 * 3600);
  }
}

TEST_CASE("a job needing a large share of a queued pool waits longer than a small one",
          "[placement][estimate]") {
  World w;
  w.add("s1", kGZ);
  auto& cap = *w.state("s1").capacity;
  cap.queued_jobs = 3;
  cap.pools[0].queued_jobs = 3;
  cap.pools[0].queued_work_core_s = 64 * 3600;  // an hour of the pool's work queued
  cap.pools[0].est_queue_wait_s = 900;          // a one-CPU job starts in 15 min
  auto j = job();                               // 4 of 64 CPUs, expected 30 min
  auto d = w.decide(j);
  REQUIRE(d.feasible());
  CHECK(d.ranked[0].queue_wait_s == Approx(900 + 4.0 / 64 * 3600));
  j.resources.accelerators = model::AcceleratorNeed{"A800", 4};  // half the pool's A800s
  d = w.decide(j);
  REQUIRE(d.feasible());
  CHECK(d.ranked[0].queue_wait_s == Approx(900 + 0.5 * 3600));
  // At least one run of a job like this one for its share to free.
  cap.pools[0].queued_work_core_s = 64 * 60;
  d = w.decide(j);
  CHECK(d.ranked[0].queue_wait_s == Approx(900 + 0.5 * 1800));
}

// ---- Scoring ---------------------------------------------------------------------------------

TEST_CASE("weights_for: the named policies, and custom weights normalised", "[placement][score]") {
  auto w = [](const char* policy) {
    model::Routing r;
    r.policy = model::parse_routing_policy(policy).value();
    return weights_for(r, true);
  };
  const auto cheapest = w("cheapest");
  CHECK(cheapest.price == 1);
  CHECK(cheapest.time + cheapest.latency + cheapest.locality == 0);
  const auto fastest = w("fastest");
  CHECK(fastest.time == 1);
  CHECK(fastest.price + fastest.latency + fastest.locality == 0);
  const auto local = w("data-local");
  CHECK(local.locality > local.price);
  CHECK(local.locality > local.time);
  for (const char* p : {"balanced", "cheapest", "fastest", "data-local"}) {
    const auto x = w(p);
    INFO(p);
    CHECK(x.price + x.time + x.latency + x.locality == Approx(1.0));
  }
  const auto balanced = w("balanced");
  CHECK(balanced.price > 0);
  CHECK(balanced.time > 0);
  CHECK(balanced.latency > 0);
  CHECK(balanced.locality > 0);
  // A batch job: the named policies drop latency and renormalise the rest.
  model::Routing br;
  br.policy = model::RoutingPolicy::balanced;
  const auto batch = weights_for(br, false);
  CHECK(batch.latency == 0);
  CHECK(batch.price + batch.time + batch.locality == Approx(1.0));
  CHECK(batch.price / batch.time == Approx(balanced.price / balanced.time));

  model::Routing r;
  r.policy = model::RoutingPolicy::custom;
  r.weights = model::Weights{2, 1, 1, 0};
  const auto c = weights_for(r, false);  // custom weights stand as given, batch or not
  CHECK(c.price == Approx(0.5));
  CHECK(c.time == Approx(0.25));
  CHECK(c.latency == Approx(0.25));
  CHECK(c.locality == 0);
}

TEST_CASE("under the cheapest policy the cheapest feasible site wins", "[placement][score]") {
  World w;
  w.add("mid", kGZ, 0.25);     // 4 x 0.25 + 8 x 0.0625 = 1.5/h -> 0.75
  w.add("cheap", kSH, 0.125);  //                         1.0/h -> 0.50
  w.add("dear", kCD, 0.5);     //                         2.5/h -> 1.25
  w.add("cheapest_but_off", kCD, 0.0).status = model::SiteStatus::offline;
  const auto d = w.decide(job("cheapest"));
  CHECK(ranked_ids(d) == std::vector<std::string>{"cheap", "mid", "dear"});
  CHECK(d.ranked[0].total_cost_cny == Approx(0.5));
  CHECK(d.ranked[1].total_cost_cny == Approx(0.75));
  CHECK(d.ranked[2].total_cost_cny == Approx(1.25));
  // Normalised price: 0 for the best, 1 for the worst, linear between.
  CHECK(d.ranked[0].normalized_of(Criterion::price) == 0);
  CHECK(d.ranked[1].normalized_of(Criterion::price) == Approx(1.0 / 3));
  CHECK(d.ranked[2].normalized_of(Criterion::price) == 1);
  CHECK(d.ranked[1].score == Approx(1.0 / 3));
  CHECK_THAT(d.summary, Contains("Site cheap"));
  CHECK_THAT(d.summary, Contains("0.50"));
}

TEST_CASE("raising the time weight moves the choice to the faster site", "[placement][score]") {
  World w;
  w.add("cheap_busy", kGZ, 0.125);  // ¥0.50, but two hours of queue
  w.add("dear_free", kGZ, 0.5);     // ¥1.25, starts now
  w.make_busy("cheap_busy", 7200);

  CHECK(w.decide(job("cheapest")).ranked[0].site_id == "cheap_busy");
  CHECK(w.decide(job("fastest")).ranked[0].site_id == "dear_free");
  // Each site is the worst by a factor of two or more on one criterion (normalised 1), so the
  // larger weight decides: time 0.45 over price 0.35 in the balanced policy.
  CHECK(w.decide(job("balanced")).ranked[0].site_id == "dear_free");
  CHECK(w.decide(custom({1, 0.5, 0, 0})).ranked[0].site_id == "cheap_busy");
  CHECK(w.decide(custom({1, 2, 0, 0})).ranked[0].site_id == "dear_free");

  const auto d = w.decide(job("fastest"));
  CHECK(d.ranked[0].result_s == 1800);
  CHECK(d.ranked[1].result_s == 7200 + 1800);
  CHECK_THAT(w.decide(job("cheapest")).summary, Contains("60% cheaper than the fastest site"));

  // A queue of half a runtime costs half the time range (0.45 x 0.5 < 0.35): price wins.
  w.make_busy("cheap_busy", 900);
  CHECK(w.decide(job("balanced")).ranked[0].site_id == "cheap_busy");
}

TEST_CASE("the latency weight prefers the site near the submitter", "[placement][score]") {
  World w;
  w.add("a_far", kGZ);   // 30 ms from Shanghai
  w.add("b_near", kSH);  // same region: 1 ms
  auto j = custom({0, 0, 1, 0});
  j.submitter_region = kSH;
  const auto d = w.decide(j);
  CHECK(ranked_ids(d) == std::vector<std::string>{"b_near", "a_far"});
  CHECK(d.ranked[0].rtt_ms == 1);
  CHECK(d.ranked[1].rtt_ms == 30);
  // Without a submitter region latency is unknown and everyone ties on it.
  j.submitter_region.clear();
  const auto tie = w.decide(j);
  CHECK(tie.ranked[0].rtt_ms == 0);
  CHECK(ranked_ids(tie) == std::vector<std::string>{"a_far", "b_near"});
}

TEST_CASE("balanced weighs latency for an interactive job only", "[placement][score]") {
  World w;
  w.add("a_far", kGZ, 0.1171875);  // 30 ms from Shanghai, ~5% cheaper
  w.add("b_near", kSH);            // same region: 1 ms
  auto j = job("balanced");
  j.submitter_region = kSH;
  // A batch job goes to the cheaper site: its result does not depend on the RTT.
  CHECK(w.decide(j).ranked[0].site_id == "a_far");
  CHECK(w.decide(j).weights.latency == 0);
  // Someone waiting on it: the near site is worth 5% more.
  j.interactive = true;
  CHECK(w.decide(j).ranked[0].site_id == "b_near");
  CHECK(w.decide(j).weights.latency == Approx(0.1));
}

TEST_CASE("the data-local policy follows the data even when it costs more", "[placement][score]") {
  World w;
  w.add("near_data", kSH, 1.5);  // 6 + 0.5 = ¥6.5/h -> ¥3.25
  w.add("far_cheap", kGZ, 0.125);
  w.add_dataset("ds_big", 8'000'000'000, {kSH});  // ¥2.00 of egress to Guiyang, 6.43 s
  auto j = job("data-local");
  j.inputs = {model::InputSpec{"ds_big", 0, ""}};
  CHECK(w.decide(j).ranked[0].site_id == "near_data");
  j.routing.policy = model::RoutingPolicy::cheapest;
  const auto d = w.decide(j);
  CHECK(d.ranked[0].site_id == "far_cheap");
  CHECK(d.ranked[0].total_cost_cny == Approx(0.5 + 2.0));
  CHECK(d.ranked[1].total_cost_cny == Approx(3.25));
}

TEST_CASE("ties are broken by cost, then time, then site id", "[placement][score]") {
  SECTION("identical sites: the smaller id, whatever the listing order") {
    for (bool reversed : {false, true}) {
      World w;
      if (reversed) {
        w.add("site_a", kGZ);
        w.add("site_b", kGZ);
      } else {
        w.add("site_b", kGZ);
        w.add("site_a", kGZ);
      }
      const auto d = w.decide(job("balanced"));
      CHECK(ranked_ids(d) == std::vector<std::string>{"site_a", "site_b"});
      CHECK(d.ranked[0].score == d.ranked[1].score);
      CHECK(d.ranked[0].normalized_of(Criterion::price) == 0);  // all equal: 0, not NaN
    }
  }
  SECTION("equal score under fastest: the cheaper one") {
    World w;
    w.add("site_a", kGZ, 0.5);
    w.add("site_b", kGZ, 0.125);
    const auto d = w.decide(job("fastest"));
    CHECK(d.ranked[0].score == d.ranked[1].score);
    CHECK(ranked_ids(d) == std::vector<std::string>{"site_b", "site_a"});
  }
  SECTION("equal score and cost under latency: the earlier result") {
    World w;
    w.add("site_a", kGZ);
    w.add("site_b", kGZ);
    w.make_busy("site_a", 60);
    const auto d = w.decide(custom({0, 0, 1, 0}));
    CHECK(ranked_ids(d) == std::vector<std::string>{"site_b", "site_a"});
  }
  SECTION("the same input gives the same decision") {
    World w;
    for (const char* id : {"s3", "s1", "s4", "s2"}) w.add(id, kGZ);
    const auto first = ranked_ids(w.decide(job("balanced")));
    for (int i = 0; i < 5; ++i) CHECK(ranked_ids(w.decide(job("balanced"))) == first);
    CHECK(first == std::vector<std::string>{"s1", "s2", "s3", "s4"});
  }
}

// ---- Explanation -----------------------------------------------------------------------------

TEST_CASE("the decision JSON keeps the ranking, the rejections and the choice",
          "[placement][json]") {
  World w;
  w.add("cheap", kGZ, 0.125);
  w.add("dear", kGZ, 0.5);
  w.add("off", kGZ).status = model::SiteStatus::offline;
  const auto d = w.decide(job("cheapest"));
  const Json j = to_json(d);
  CHECK(j["policy"] == "cheapest");
  CHECK(j["weights"]["price"] == 1.0);
  REQUIRE(j["ranked"].size() == 2);
  CHECK(j["chosen"] == j["ranked"][0]);
  CHECK(j["chosen"]["site"] == "cheap");
  CHECK(j["chosen"]["estimated_cost_cny"] == 0.5);
  CHECK(j["ranked"][1]["estimated_cost_cny"] == 1.25);
  CHECK(j["ranked"][1]["normalized"]["price"] == 1.0);
  for (const char* k : {"raw", "normalized", "score", "start_s", "result_s", "rtt_ms",
                        "bytes_moved", "compute_cost_cny", "egress_cost_cny"}) {
    INFO(k);
    CHECK(j["chosen"].contains(k));
  }
  REQUIRE(j["rejected"].size() == 1);
  CHECK(j["rejected"][0]["site"] == "off");
  CHECK(j["rejected"][0]["code"] == "offline");
  CHECK(j["rejected"][0]["reason"].is_string());
  CHECK(j["summary"] == d.summary);

  World none;
  none.add("off", kGZ).status = model::SiteStatus::offline;
  const Json empty = to_json(none.decide(job()));
  CHECK(empty["chosen"].is_null());
  CHECK(empty["ranked"].empty());
}

TEST_CASE("the decision as text is the document, in name order, and its brief is its choice",
          "[placement][json]") {
  World w;
  w.add("cheap", kGZ, 0.125);
  w.add("dear", kGZ, 0.5);
  w.add("off", kGZ).status = model::SiteStatus::offline;
  w.add("gone", kGZ).status = model::SiteStatus::draining;
  const auto d = w.decide(job("balanced"));
  const std::string text = to_json_text(d);
  const Json j = Json::parse(text);
  // What nlohmann writes from the parsed document is the same text: members in name order,
  // every number with the type it had.
  CHECK(j.dump() == text);
  REQUIRE(j["ranked"].size() == 2);
  CHECK(j["chosen"] == j["ranked"][0]);
  CHECK(j["ranked"][1]["site"] == "dear");
  CHECK(j["rejected_sites"] == 2);
  CHECK(j["rejected_by_code"] == Json({{"draining", 1}, {"offline", 1}}));
  CHECK(j["runtime_s"] == d.runtime_s);
  CHECK(j["feasible_sites"] == 2);
  CHECK(j["ranked"][0]["raw"].size() == 5);
  CHECK(j["ranked"][0]["score"].get<double>() == d.ranked[0].score);
  CHECK(j["ranked"][0]["queue_wait_s"].is_number_float());
  const Json brief = brief_json(d);
  CHECK(brief == Json({{"chosen", j["chosen"]},
                       {"summary", d.summary},
                       {"summary_parts", j["summary_parts"]}}));
  // Each rejection and the summary carry their codes, and render in Chinese on request.
  CHECK(j["rejected"][0]["reason_code"].get<std::string>().rfind("reject.", 0) == 0);
  CHECK(j["summary_parts"][0]["code"] == "summary.chosen");
  Json zh = j;
  localize_decision(zh, i18n::Lang::zh);
  CHECK(zh["summary"] == i18n::render(d.summary_parts, i18n::Lang::zh));
  CHECK_THAT(zh["summary"].get<std::string>(), Contains("Site cheap："));
  CHECK(zh["rejected"][0]["reason"] != j["rejected"][0]["reason"]);
  Json en = j;
  localize_decision(en, i18n::Lang::en);
  CHECK(en == j);  // the English stored is the English rendered
  // A decision stored before the codes keeps its English.
  Json old = j;
  old.erase("summary_parts");
  old["rejected"][0].erase("reason_code");
  localize_decision(old, i18n::Lang::zh);
  CHECK(old["summary"] == j["summary"]);
  CHECK(old["rejected"][0]["reason"] == j["rejected"][0]["reason"]);

  World none;
  none.add("off", kGZ).status = model::SiteStatus::offline;
  const auto nd = none.decide(job());
  CHECK(Json::parse(to_json_text(nd))["chosen"].is_null());
  CHECK(brief_json(nd)["chosen"].is_null());
}

TEST_CASE("with no sites at all the decision is infeasible and says so", "[placement][json]") {
  World w;
  const auto d = w.decide(job());
  CHECK_FALSE(d.feasible());
  CHECK(d.rejected.empty());
  CHECK_THAT(d.summary, Contains("no site"));
}

}  // namespace

// ---- Energy and carbon ------------------------------------------------------------------------

namespace {
model::Region carbon_region(const std::string& id, double g_per_kwh, double pue) {
  model::Region r;
  r.id = id;
  r.name = id;
  r.carbon_g_per_kwh = g_per_kwh;
  r.pue_target = pue;
  return r;
}
}  // namespace

TEST_CASE("every candidate shows its estimated energy and emissions", "[placement][energy]") {
  World w;
  w.regions = {carbon_region(kSH, 584.9, 1.25), carbon_region(kCD, 140.4, 1.25)};
  w.add("sh", kSH);
  w.add("cd", kCD);
  w.add("gz", kGZ);  // its region has no figures: national average, PUE 1.3
  const auto d = w.decide(job("cheapest"));
  REQUIRE(d.ranked.size() == 3);
  // 4 CPUs x 4.4 W for the likely runtime (expected_runtime_s, 1800 s).
  const double watts_h = 4 * 4.4 * 0.5;
  for (const auto& c : d.ranked) {
    INFO(c.site_id);
    const double pue = c.site_id == "gz" ? 1.3 : 1.25;
    const double g = c.site_id == "sh" ? 584.9 : c.site_id == "cd" ? 140.4 : 536.6;
    CHECK(c.energy_kwh == Approx(watts_h * pue / 1000));
    CHECK(c.co2_kg == Approx(watts_h * pue / 1000 * g / 1000));
    CHECK(c.raw_of(Criterion::green) == c.co2_kg);
  }
  const Json j = to_json(d);
  CHECK(j["chosen"]["co2_kg"].get<double>() > 0);
  CHECK(j["chosen"]["raw"].contains("green"));
  CHECK(j["weights"]["green"] == 0.0);
  CHECK_THAT(d.summary, Contains("kg CO2"));
}

TEST_CASE("greenest places on the cleaner grid; green weighs nothing in the other policies",
          "[placement][energy]") {
  World w;
  w.regions = {carbon_region(kSH, 584.9, 1.25), carbon_region(kCD, 140.4, 1.25)};
  // Shanghai a little cheaper: the cost-led policies stay there.
  w.add("sh", kSH, 0.0625);
  w.add("cd", kCD, 0.125);
  CHECK(w.decide(job("cheapest")).ranked.front().site_id == "sh");
  CHECK(w.decide(job("balanced")).ranked.front().site_id == "sh");
  const auto g = w.decide(job("greenest"));
  CHECK(g.ranked.front().site_id == "cd");
  CHECK(g.weights.green == Approx(0.35));
  // A custom weight on green alone does the same.
  CHECK(w.decide(custom({0, 0, 0, 0, 1})).ranked.front().site_id == "cd");
  // And without grid figures every region is the national average: no difference to weigh.
  w.regions.clear();
  CHECK(w.decide(job("greenest")).ranked.front().site_id == "sh");
}

namespace {

// A reject code without a catalog entry would render as its bare code in every language.
TEST_CASE("every rejection code has its sentence in the en and zh catalogs", "[placement][i18n]") {
  const auto en = i18n::codes(i18n::Lang::en);
  const auto zh = i18n::codes(i18n::Lang::zh);
  auto has = [](const std::vector<std::string>& codes, const std::string& code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
  };
  for (std::size_t k = 0; k < kRejectCodes; ++k) {
    const std::string code =
        "reject." + std::string(reject_code_name(static_cast<RejectCode>(k)));
    INFO(code);
    CHECK(has(en, code));
    CHECK(has(zh, code));
  }
  CHECK(has(zh, "reject.too_large_accelerators"));
}

}  // namespace
