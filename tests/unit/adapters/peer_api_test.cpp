// The peer adapter's mapping of a peer gateway's answers (adapters/peer/peer_api): a peer is
// another organisation's server, so its answers are checked like a client's requests.
#include <catch2/catch.hpp>

#include "adapters/peer/peer_api.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::adapters::peer;
using nlohmann::json;

const TimePoint kNow = TimePoint{} + std::chrono::hours(500'000);

json pool(const std::string& name, int cpus, int free) {
  return {{"name", name},
          {"cpus", {{"total", cpus}, {"free", free}}},
          {"memory_gb", {{"total", 64.0}, {"free", 32.0}}},
          {"accelerators", {{"A800", {{"total", 8}, {"free", 2}}}}},
          {"max_walltime_s", 86400}};
}

json site(const std::string& id, const std::string& region, const std::string& status, bool stale,
          json pools) {
  return {{"site", id},
          {"name", id},
          {"region", region},
          {"status", status},
          {"drained", false},
          {"age_s", 1.0},
          {"stale", stale},
          {"totals", {{"running_jobs", 2}, {"queued_jobs", 3}}},
          {"pools", std::move(pools)},
          {"est_queue_wait_s", 120.0},
          {"queued_work_core_s", 5000.0}};
}

json capacity(json sites) {
  return {{"observed_at", "2026-11-21T06:00:00.000Z"}, {"sites", std::move(sites)}};
}

PeerOptions options(std::vector<std::string> regions = {}) {
  PeerOptions o;
  o.regions = std::move(regions);
  return o;
}

AdapterResult<Capacity> parse(const json& body, const PeerOptions& o = options()) {
  return parse_capacity(200, body.dump(), o, kNow);
}

json job(const std::string& state) {
  return {{"id", "job_01"},
          {"state", state},
          {"reason", "why"},
          {"exit_code", nullptr},
          {"started_at", "2026-11-21T06:00:00.000Z"},
          {"finished_at", nullptr}};
}

}  // namespace

TEST_CASE("peer capacity: every usable site's pools, named by site", "[adapters][peer]") {
  auto cap = parse(capacity(
      json::array({site("site_a", "east", "online", false, json::array({pool("cpu", 64, 10)})),
                   site("site_b", "west", "degraded", false, json::array({pool("gpu", 32, 32)})),
                   site("site_c", "west", "offline", false, json::array({pool("cpu", 99, 99)})),
                   site("site_d", "west", "online", true, json::array({pool("cpu", 99, 99)}))})));
  REQUIRE(cap);
  REQUIRE(cap->pools.size() == 2);
  CHECK(cap->pools[0].name == "site_a/cpu");
  CHECK(cap->pools[0].cpus_total == 64);
  CHECK(cap->pools[0].cpus_free == 10);
  CHECK(cap->pools[0].memory_gb_free == 32.0);
  CHECK(cap->pools[0].accelerators.at("A800").free == 2);
  CHECK(cap->pools[0].max_walltime_s == 86400);
  CHECK(cap->pools[1].name == "site_b/gpu");
  CHECK(cap->running_jobs == 4);
  CHECK(cap->queued_jobs == 6);
  CHECK(cap->queued_work_core_s == 10000.0);
  CHECK(cap->est_queue_wait_s == 120.0);
  CHECK(cap->observed_at == kNow);
  CHECK(cap->pools[0].queued_jobs == 0);  // an older peer: no per-pool queue, read as none
}

TEST_CASE("peer capacity: a pool's own queue is forwarded", "[adapters][peer]") {
  json p = pool("cpu", 64, 10);
  p["queued_jobs"] = 3;
  p["queued_work_core_s"] = 5000.0;
  p["est_queue_wait_s"] = 120.0;
  auto cap =
      parse(capacity(json::array({site("site_a", "east", "online", false, json::array({p}))})));
  REQUIRE(cap);
  REQUIRE(cap->pools.size() == 1);
  CHECK(cap->pools[0].queued_jobs == 3);
  CHECK(cap->pools[0].queued_work_core_s == 5000.0);
  CHECK(cap->pools[0].est_queue_wait_s == 120.0);
}

TEST_CASE("peer capacity: drained sites and sites outside the regions do not count",
          "[adapters][peer]") {
  json drained = site("site_a", "east", "online", false, json::array({pool("cpu", 8, 8)}));
  drained["drained"] = true;
  json other = site("site_b", "west", "online", false, json::array({pool("cpu", 8, 8)}));
  json mine = site("site_c", "east", "online", false, json::array({pool("cpu", 8, 8)}));
  auto cap = parse(capacity(json::array({drained, other, mine})), options({"east"}));
  REQUIRE(cap);
  REQUIRE(cap->pools.size() == 1);
  CHECK(cap->pools[0].name == "site_c/cpu");
}

TEST_CASE("peer capacity: hostile or broken answers are bad_response naming the field",
          "[adapters][peer]") {
  const json good = site("site_a", "east", "online", false, json::array({pool("cpu", 8, 4)}));
  struct Case {
    std::function<void(json&)> spoil;
    std::string names;
  };
  const std::vector<Case> cases = {
      {[](json& s) { s["pools"][0]["cpus"]["free"] = 9; }, "sites[0].pools[0].cpus"},
      {[](json& s) { s["pools"][0]["cpus"]["total"] = -1; }, "sites[0].pools[0].cpus.total"},
      {[](json& s) { s["pools"][0]["cpus"]["total"] = 1e300; }, "sites[0].pools[0].cpus.total"},
      {[](json& s) { s["pools"][0]["memory_gb"]["free"] = 1000.0; }, "sites[0].pools[0].memory_gb"},
      {[](json& s) { s["pools"][0]["accelerators"]["A800"]["free"] = 99; },
       "sites[0].pools[0].accelerators.A800"},
      {[](json& s) {
         s["pools"][0]["accelerators"] = {{"bad model/..", {{"total", 1}, {"free", 1}}}};
       },
       "sites[0].pools[0].accelerators"},
      {[](json& s) { s["pools"][0]["name"] = ""; }, "sites[0].pools[0].name"},
      {[](json& s) { s["pools"] = "many"; }, "sites[0].pools"},
      {[](json& s) { s["site"] = "../../etc"; }, "sites[0].site"},
      {[](json& s) { s["stale"] = "no"; }, "sites[0].stale"},
      {[](json& s) { s["est_queue_wait_s"] = -5; }, "sites[0].est_queue_wait_s"},
      {[](json& s) { s["pools"][0]["queued_jobs"] = -1; }, "sites[0].pools[0].queued_jobs"},
      {[](json& s) { s["pools"][0]["queued_jobs"] = 1.5; }, "sites[0].pools[0].queued_jobs"},
      {[](json& s) { s["pools"][0]["queued_work_core_s"] = "lots"; },
       "sites[0].pools[0].queued_work_core_s"},
      {[](json& s) { s["pools"][0]["est_queue_wait_s"] = -60.0; },
       "sites[0].pools[0].est_queue_wait_s"},
      {[](json& s) { s["totals"].erase("running_jobs"); }, "sites[0].totals.running_jobs"},
  };
  for (const auto& c : cases) {
    json s = good;
    c.spoil(s);
    auto cap = parse(capacity(json::array({s})));
    INFO(s.dump());
    REQUIRE_FALSE(cap);
    CHECK(cap.error().code == AdapterErrc::bad_response);
    CHECK_THAT(cap.error().message, Catch::Contains(c.names));
  }
  for (const std::string body : {"", "not json", "[]", "{\"sites\": 3}", "{}"}) {
    auto cap = parse_capacity(200, body, options(), kNow);
    INFO(body);
    REQUIRE_FALSE(cap);
    CHECK(cap.error().code == AdapterErrc::bad_response);
  }
}

TEST_CASE("peer job states map to remote states with the peer's reason", "[adapters][peer]") {
  const std::vector<std::pair<std::string, RemoteState>> cases = {
      {"pending", RemoteState::queued},      {"placed", RemoteState::queued},
      {"submitted", RemoteState::queued},    {"running", RemoteState::running},
      {"succeeded", RemoteState::succeeded}, {"failed", RemoteState::failed},
      {"canceled", RemoteState::canceled}};
  for (const auto& [state, want] : cases) {
    auto s = parse_job(200, job(state).dump());
    INFO(state);
    REQUIRE(s);
    CHECK(s->state == want);
    CHECK(s->remote_id == "job_01");
    CHECK(s->started_at);
    CHECK_FALSE(s->finished_at);
  }
  json done = job("failed");
  done["exit_code"] = 3;
  done["finished_at"] = "2026-11-21T07:00:00+08:00";
  done["reason"] = std::string("exit\x01 code 3\n");
  auto s = parse_job(200, done.dump());
  REQUIRE(s);
  CHECK(s->exit_code == 3);
  REQUIRE(s->finished_at);
  CHECK(*s->finished_at < *s->started_at);  // 07:00+08:00 is 23:00 the day before
  CHECK(s->reason == "exit? code 3?");      // control characters never reach our events
}

TEST_CASE("peer job answers that do not fit are refused", "[adapters][peer]") {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, json>>{{"state", "exploded"},
                                                 {"state", 7},
                                                 {"id", "job 01; rm -rf"},
                                                 {"id", std::string(65, 'a')},
                                                 {"exit_code", "zero"},
                                                 {"exit_code", 1e12},
                                                 {"started_at", "yesterday"},
                                                 {"started_at", "2026-02-30T00:00:00Z"}}) {
    json j = job("running");
    j[key] = value;
    auto s = parse_job(200, j.dump());
    INFO(j.dump());
    REQUIRE_FALSE(s);
    CHECK(s.error().code == AdapterErrc::bad_response);
    CHECK_THAT(s.error().message, Catch::Contains("job." + key));
  }
}

TEST_CASE("peer HTTP errors map to adapter errors with the peer's detail", "[adapters][peer]") {
  const std::string problem = json{{"detail", "no site can run 4096 cpus"}}.dump();
  auto refused = parse_submit(422, problem);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == AdapterErrc::refused);
  CHECK_THAT(refused.error().message, Catch::Contains("no site can run 4096 cpus"));
  CHECK(parse_submit(401, "{}").error().code == AdapterErrc::refused);
  CHECK_THAT(parse_submit(401, "{}").error().message, Catch::Contains("api_key"));
  CHECK(parse_submit(503, "").error().code == AdapterErrc::unreachable);
  CHECK(parse_submit(429, "").error().code == AdapterErrc::unreachable);
  CHECK(parse_job(404, "{}").error().code == AdapterErrc::not_found);
  CHECK(parse_submit(302, "").error().code == AdapterErrc::bad_response);

  auto created = parse_submit(201, job("pending").dump());
  REQUIRE(created);
  CHECK_FALSE(created->already_existed);
  auto repeat = parse_submit(200, job("running").dump());
  REQUIRE(repeat);
  CHECK(repeat->already_existed);

  CHECK(parse_cancel(202, "{}"));
  CHECK(parse_cancel(409, "{}"));  // already ended
  CHECK(parse_cancel(404, "{}").error().code == AdapterErrc::not_found);
}

TEST_CASE("peer logs: a window, an empty one before the job reached a site, and bad offsets",
          "[adapters][peer]") {
  auto chunk = parse_logs(
      200, json{{"offset", 10}, {"next_offset", 15}, {"data", "hello"}, {"eof", true}}.dump(), 10);
  REQUIRE(chunk);
  CHECK(chunk->data == "hello");
  CHECK(chunk->next_offset == 15);
  CHECK(chunk->eof);
  auto early = parse_logs(409, "{}", 0);
  REQUIRE(early);
  CHECK(early->data.empty());
  CHECK_FALSE(early->eof);
  CHECK_FALSE(parse_logs(
      200, json{{"offset", 0}, {"next_offset", 5}, {"data", "x"}, {"eof", false}}.dump(), 10));
  CHECK_FALSE(parse_logs(
      200, json{{"offset", 10}, {"next_offset", 5}, {"data", "x"}, {"eof", false}}.dump(), 10));
}

TEST_CASE("the job body a peer receives carries the job, the policy and the regions",
          "[adapters][peer]") {
  JobRequest j;
  j.key = "job_abc";
  j.name = "train";
  j.script = "#!/bin/sh\necho hi\n";
  j.cpus = 4;
  j.memory_gb = 8;
  j.walltime_s = 600;
  j.accelerators = AcceleratorRequest{"A800", 2};
  j.env = {{"A", "1"}};
  j.expected_runtime_s = 300;
  PeerOptions o = options({"east"});
  o.policy = "fastest";
  const json b = job_body(j, o);
  CHECK(b.at("name") == "train");
  CHECK(b.at("script") == j.script);
  CHECK_FALSE(b.contains("command"));
  CHECK(b.at("resources").at("cpus") == 4);
  CHECK(b.at("resources").at("accelerators").at("model") == "A800");
  CHECK(b.at("resources").at("walltime_s") == 600);
  CHECK(b.at("env").at("A") == "1");
  CHECK(b.at("expected_runtime_s") == 300);
  CHECK(b.at("routing").at("policy") == "fastest");
  CHECK(b.at("constraints").at("regions") == json::array({"east"}));
  CHECK(is_peer_job_id("job_abc-1"));
  CHECK_FALSE(is_peer_job_id("job/../x"));
  CHECK_FALSE(is_peer_job_id(""));
}
