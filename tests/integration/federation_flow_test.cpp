// The foundation's story over real HTTP: an admin sets up a region and two orgs, an operator
// registers a local site, a user submits a job that really runs there to succeeded with its
// output in /logs, and another org cannot see any of it.
#include <catch2/catch.hpp>

#include "integration/support/federation_setup.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

struct FlowFederation {
  TempDir dir;
  TestGateway gw{dir.path()};
  LocalFederation fed = set_up_local_federation(gw);
  const std::string& operator_key = fed.operator_key;
  const std::string& user_key = fed.user_key;
  const std::string& other_key = fed.other_key;
  const std::string& user_org = fed.user_org;
  const std::string& site_id = fed.site_id;
};

json job_body(const std::string& command) {
  return {{"name", "integration"},
          {"command", command},
          {"resources", {{"cpus", 1}, {"memory_gb", 0.25}, {"walltime_s", 120}}}};
}
}  // namespace

TEST_CASE("a user's job runs on an operator's local site and its output is in /logs",
          "[integration][e2e]") {
  FlowFederation f;
  auto user = f.gw.client(f.user_key);

  auto created = user.post("/api/v1/jobs", job_body("echo hello-$((6*7)); echo to-stderr >&2"),
                           {{"Idempotency-Key", "e2e-1"}});
  INFO(created.body);
  REQUIRE(created.status == 201);
  const json job = created.json();
  const std::string id = job.at("id");
  CHECK(job.at("org_id") == f.user_org);
  CHECK(created.header("location") == "/api/v1/jobs/" + id);

  const json done = wait_for_state(user, id, "succeeded");
  CHECK(done.at("site") == f.site_id);
  CHECK(done.at("exit_code") == 0);
  CHECK(done.at("final_cost_cny").is_number());

  auto logs = user.get("/api/v1/jobs/" + id + "/logs");
  REQUIRE(logs.status == 200);
  CHECK_THAT(logs.json().at("data").get<std::string>(), Catch::Contains("hello-42"));

  // The life of the job is its event log: created, placed, submitted, ..., succeeded, in order.
  auto events = user.get("/api/v1/jobs/" + id + "/events");
  REQUIRE(events.status == 200);
  std::vector<std::string> types;
  const json items = events.json().at("items");
  for (const auto& e : items) types.push_back(e.at("type"));
  REQUIRE(types.size() >= 4);
  CHECK(types.front() == "created");
  CHECK(types[1] == "placed");
  CHECK(types[2] == "submitted");
  CHECK(types.back() == "succeeded");

  auto decision = user.get("/api/v1/jobs/" + id + "/decision");
  REQUIRE(decision.status == 200);
  CHECK_FALSE(decision.body.empty());

  SECTION("the same Idempotency-Key returns the same job, not a second one") {
    auto again = user.post("/api/v1/jobs", job_body("echo hello-$((6*7)); echo to-stderr >&2"),
                           {{"Idempotency-Key", "e2e-1"}});
    REQUIRE((again.status == 200 || again.status == 201));
    CHECK(again.json().at("id") == id);
    auto list = user.get("/api/v1/jobs");
    REQUIRE(list.status == 200);
    CHECK(list.json().at("items").size() == 1);
    auto other_body =
        user.post("/api/v1/jobs", job_body("echo something else"), {{"Idempotency-Key", "e2e-1"}});
    CHECK(other_body.status == 409);
  }

  SECTION("another org cannot see the job: 404, and it is not in its list") {
    auto other = f.gw.client(f.other_key);
    for (const std::string suffix : {"", "/events", "/logs", "/decision"}) {
      auto r = other.get("/api/v1/jobs/" + id + suffix);
      INFO(suffix << " -> " << r.body);
      CHECK(r.status == 404);
    }
    CHECK(other.post("/api/v1/jobs/" + id + "/cancel", json::object()).status == 404);
    auto list = other.get("/api/v1/jobs");
    REQUIRE(list.status == 200);
    CHECK(list.json().at("items").empty());
  }

  SECTION("the list filters by state") {
    auto ok = user.get("/api/v1/jobs?state=succeeded");
    REQUIRE(ok.status == 200);
    CHECK(ok.json().at("items").size() == 1);
    auto none = user.get("/api/v1/jobs?state=running");
    REQUIRE(none.status == 200);
    CHECK(none.json().at("items").empty());
    CHECK(user.get("/api/v1/jobs?state=sleeping").status == 400);
  }
}

TEST_CASE("a failing command ends failed with its exit code", "[integration][e2e]") {
  FlowFederation f;
  auto user = f.gw.client(f.user_key);
  auto created = user.post("/api/v1/jobs", job_body("echo about to fail; exit 3"));
  REQUIRE(created.status == 201);
  const json done = wait_for_state(user, created.json().at("id"), "failed");
  CHECK(done.at("exit_code") == 3);
}

TEST_CASE("cancel stops a running job", "[integration][e2e]") {
  FlowFederation f;
  auto user = f.gw.client(f.user_key);
  auto created = user.post("/api/v1/jobs", job_body("echo started; sleep 60"));
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  wait_for_state(user, id, "running");
  auto cancel = user.post("/api/v1/jobs/" + id + "/cancel", json::object());
  INFO(cancel.body);
  REQUIRE((cancel.status == 200 || cancel.status == 202));
  wait_for_state(user, id, "canceled");
}

TEST_CASE("a user cannot register a site; an operator cannot change another operator's site",
          "[integration][auth]") {
  FlowFederation f;
  auto user = f.gw.client(f.user_key);
  auto r = user.post("/api/v1/sites", {{"name", "mine"},
                                       {"region", "cn-test-east"},
                                       {"adapter", {{"type", "local"}}},
                                       {"pricing", {{"cpu_core_hour", 0.1}}}});
  CHECK(r.status == 403);

  auto admin = f.gw.client(f.gw.admin_key());
  auto other_op = f.gw.client(make_org_key(admin, "center-west", "operator"));
  // Sites are the federation's public directory (everyone sees them), so touching one that is
  // not yours is forbidden rather than not found.
  CHECK(other_op.patch("/api/v1/sites/" + f.site_id, {{"name", "stolen"}}).status == 403);
  CHECK(other_op.del("/api/v1/sites/" + f.site_id).status == 403);
  CHECK(other_op.post("/api/v1/sites/" + f.site_id + "/drain", json::object()).status == 403);
  CHECK(other_op.get("/api/v1/sites/" + f.site_id).status == 200);
}

}  // namespace suanwang::testing
