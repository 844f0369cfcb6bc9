// Prepaid credit over real HTTP (issue 6): an org that pays in advance is refused (402, naming
// its prepaid credit) what its balance less its holds cannot cover; an admin's top-up lets the
// job run; the job's final cost, which for a job that ends early is less than its estimate, is
// what leaves the balance (the same as its usage record), and its hold comes back. Only admins
// top up, other orgs cannot see the account, and every change is audited.
#include <catch2/catch.hpp>

#include <set>

#include "integration/support/federation_setup.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

// ¥360 per core-hour (¥0.10 per core-second); a job runs 3 s unless it says otherwise.
json slow_sim_site() {
  json pool = {{"name", "cpu"}, {"cpus", 64}, {"memory_gb", 256}};
  json options = {{"pools", json::array({pool})}, {"failure_rate", 0.0}, {"default_runtime_s", 3}};
  return {{"name", "Only"},
          {"region", "cn-test-east"},
          {"adapter", {{"type", "sim"}, {"options", options}}},
          {"pricing", {{"cpu_core_hour", 360}, {"billing_granularity_s", 1}}}};
}

// Estimated at its walltime, 1 core x 60 s = ¥6.00; it ends after 3 s.
json early_ending_job() {
  return {{"command", "work"},
          {"resources", {{"cpus", 1}, {"memory_gb", 1}, {"walltime_s", 60}}},
          {"routing", {{"policy", "cheapest"}}}};
}

double num(const json& j, const char* key) {
  INFO(key << " in " << j.dump());
  REQUIRE(j.at(key).is_number());
  return j.at(key).get<double>();
}

std::set<std::string> audit_actions(HttpClient& c, const std::string& query) {
  auto r = c.get("/api/v1/audit?page_size=500" + query);
  INFO(r.body);
  REQUIRE(r.status == 200);
  const json doc = r.json();  // not r.json().at(...) in the loop: that temporary dies first
  std::set<std::string> out;
  for (const auto& e : doc.at("items")) out.insert(e.at("action").get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("prepaid credit holds at submit, charges what a job used and is kept by admins",
          "[integration][money][credit]") {
  TempDir dir;
  TestGateway gw(dir.path());
  const SimFederation f = set_up_sim_federation(gw, {slow_sim_site()});
  auto admin = gw.client(gw.admin_key());
  auto user = gw.client(f.user_key);
  auto op = gw.client(f.operator_key);
  const std::string org = "/api/v1/orgs/" + f.user_org;
  const std::string credit = org + "/credit";

  // An invoiced org has no account to show or top up.
  auto invoiced = user.get(credit);
  REQUIRE(invoiced.status == 200);
  CHECK(invoiced.json().at("prepaid") == false);
  CHECK(invoiced.json().at("balance_cny").is_null());
  auto no_account = admin.post(credit, {{"amount_cny", 10}});
  CHECK(no_account.status == 409);
  CHECK_THAT(no_account.json().at("detail").get<std::string>(), Catch::Contains("prepaid"));

  // Opened at a zero balance: nothing can run yet, and the 402 says it is the prepaid credit.
  auto opened = admin.patch(org, {{"prepaid", true}});
  INFO(opened.body);
  REQUIRE(opened.status == 200);
  CHECK(opened.json().at("prepaid") == true);
  CHECK(num(opened.json(), "credit_cny") == 0.0);
  CHECK(num(opened.json(), "available_cny") == 0.0);
  CHECK(num(opened.json(), "remaining_cny") == 0.0);
  CHECK(opened.json().at("limited_by") == "prepaid credit");
  CHECK(user.patch(org, {{"prepaid", false}}).status == 403);
  auto refused = user.post("/api/v1/jobs", early_ending_job());
  INFO(refused.body);
  REQUIRE(refused.status == 402);
  CHECK_THAT(refused.json().at("detail").get<std::string>(),
             Catch::Contains("remaining prepaid credit of ¥0.00 by ¥6.00"));
  CHECK(refused.json().at("decision").at("budget").at("limit") == "prepaid credit");
  CHECK(user.get("/api/v1/jobs").json().at("items").empty());

  // Only platform admins top up; another org does not learn the account exists.
  CHECK(user.post(credit, {{"amount_cny", 1000}}).status == 403);
  CHECK(op.post(credit, {{"amount_cny", 1000}}).status == 404);
  CHECK(op.get(credit).status == 404);
  // Bad amounts and notes are named.
  for (const json& bad : {json{{"amount_cny", 0}}, json{{"amount_cny", 1.234}},
                          json{{"amount_cny", "10"}}, json{{"note", "no amount"}}}) {
    auto r = admin.post(credit, bad);
    INFO(bad.dump() << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(r.json().at("field") == "amount_cny");
  }
  auto no_note = admin.post(credit, {{"amount_cny", -1}});
  CHECK(no_note.status == 400);
  CHECK(no_note.json().at("field") == "note");
  CHECK(admin.post(credit, {{"amount_cny", 1}, {"by", "x"}}).status == 400);

  auto top_up = admin.post(credit, {{"amount_cny", 10}, {"note", "bank ref 2024-118"}});
  INFO(top_up.body);
  REQUIRE(top_up.status == 201);
  CHECK(num(top_up.json(), "amount_cny") == 10.0);
  CHECK(num(top_up.json(), "balance_cny") == 10.0);
  CHECK(top_up.json().at("note") == "bank ref 2024-118");
  CHECK(top_up.json().at("org_id") == f.user_org);

  // Now the job runs; its estimate is held against the balance while it does.
  auto created = user.post("/api/v1/jobs", early_ending_job());
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  const double estimate = num(created.json(), "estimated_cost_cny");
  CHECK(estimate == Approx(6.0));
  auto account = user.get(credit).json();
  CHECK(num(account, "balance_cny") == 10.0);
  CHECK(num(account, "held_cny") == Approx(6.0));
  CHECK(num(account, "available_cny") == Approx(4.0));
  // A second one does not fit in what is left.
  auto second = user.post("/api/v1/jobs", early_ending_job());
  CHECK(second.status == 402);
  CHECK_THAT(second.json().at("detail").get<std::string>(),
             Catch::Contains("prepaid credit of ¥4.00 by ¥2.00"));

  // It ends early: it pays for the seconds it ran, not its estimate, and the hold comes back.
  const json done = wait_for_state(user, id, "succeeded");
  const double cost = num(done, "final_cost_cny");
  CHECK(cost > 0);
  CHECK(cost < estimate);
  const json after = user.get(org).json();
  CHECK(num(after, "held_cny") == 0.0);
  CHECK(num(after, "credit_cny") == Approx(10.0 - cost).margin(0.005));
  CHECK(num(after, "available_cny") == Approx(10.0 - cost).margin(0.005));
  CHECK(num(after, "spent_cny") == Approx(cost).margin(0.005));
  // The balance dropped by exactly the job's usage record.
  auto usage = user.get("/api/v1/usage").json();
  REQUIRE(usage.at("items").size() == 1);
  CHECK(usage.at("items")[0].at("job_id") == id);
  CHECK(num(usage.at("items")[0], "cost_cny") == Approx(cost).margin(1e-9));
  CHECK(10.0 - num(after, "credit_cny") ==
        Approx(num(usage.at("totals"), "cost_cny")).margin(0.005));

  // Entries are listed newest first, in pages; charges are not entries.
  auto second_top_up = admin.post(credit, {{"amount_cny", 5.5}});
  REQUIRE(second_top_up.status == 201);
  CHECK(num(second_top_up.json(), "balance_cny") == Approx(15.5 - cost).margin(0.005));
  auto page = user.get(credit + "?page_size=1").json();
  REQUIRE(page.at("items").size() == 1);
  CHECK(num(page.at("items")[0], "amount_cny") == 5.5);
  REQUIRE(page.at("next_page_token").is_string());
  auto rest =
      user.get(credit + "?page_size=1&page_token=" + page.at("next_page_token").get<std::string>())
          .json();
  REQUIRE(rest.at("items").size() == 1);
  CHECK(rest.at("items")[0].at("note") == "bank ref 2024-118");
  CHECK(user.get(credit + "?page_token=nonsense").status == 400);

  // The account closes only at a zero balance: refund what is left (a correction), then close.
  auto not_zero = admin.patch(org, {{"prepaid", false}});
  CHECK(not_zero.status == 409);
  CHECK(not_zero.json().at("field") == "prepaid");
  CHECK_THAT(not_zero.json().at("detail").get<std::string>(), Catch::Contains("balance"));
  const double left = num(user.get(credit).json(), "balance_cny");
  auto too_much = admin.post(credit, {{"amount_cny", -(left + 1)}, {"note", "refund"}});
  CHECK(too_much.status == 409);
  CHECK(too_much.json().at("field") == "amount_cny");
  auto refund = admin.post(credit, {{"amount_cny", -left}, {"note", "refund on closing"}});
  INFO(refund.body);
  REQUIRE(refund.status == 201);
  CHECK(num(refund.json(), "balance_cny") == Approx(0).margin(0.005));
  auto closed = admin.patch(org, {{"prepaid", false}});
  INFO(closed.body);
  REQUIRE(closed.status == 200);
  CHECK(closed.json().at("prepaid") == false);
  CHECK(closed.json().at("credit_cny").is_null());
  CHECK(closed.json().at("remaining_cny").is_null());
  // Invoiced again: no limit.
  CHECK(user.post("/api/v1/jobs", early_ending_job()).status == 201);

  // Every change was audited, and the org reads the entries on itself.
  const auto all = audit_actions(admin, "&org_id=" + f.user_org);
  for (const char* want : {"org.prepaid_open", "org.credit", "org.prepaid_close"}) {
    INFO("no audit entry for " << want);
    CHECK(all.count(want) == 1);
  }
  CHECK(audit_actions(user, "&action=org.credit").count("org.credit") == 1);
  auto credits = admin.get("/api/v1/audit?action=org.credit&org_id=" + f.user_org).json();
  CHECK(credits.at("items").size() == 3);
  CHECK(num(credits.at("items").back().at("detail"), "amount_cny") == 10.0);
}

}  // namespace suanwang::testing
