// Money and the audit trail over real HTTP: every finished job has a usage record whose totals
// equal the sum of the jobs' final costs (JSON and CSV, filtered by period and site), a job
// canceled while running pays only for the seconds it ran, an operator's settlement adds up to
// the same money, and every kind of change leaves an audit entry readable by the right orgs.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "integration/support/security_support.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

json quick_job(const std::string& command, const std::string& site, int walltime = 60) {
  return {{"name", "billing"},
          {"command", command},
          {"resources", {{"cpus", 1}, {"memory_gb", 0.5}, {"walltime_s", walltime}}},
          {"constraints", {{"sites", json::array({site})}}}};
}

std::string register_site(HttpClient& op, const std::string& name) {
  auto site = op.post("/api/v1/sites", local_site_body(name, "cn-money"));
  INFO(site.body);
  REQUIRE(site.status == 201);
  const std::string id = site.json().at("id");
  wait_until_reporting(op, id);
  return id;
}
}  // namespace

TEST_CASE("usage totals equal the sum of job costs and settle to the operator",
          "[integration][security][usage]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto admin = gw.client(gw.admin_key());
  put_one_region(admin, "cn-money");
  const auto op = make_org_with_key(admin, "money-center", "operator");
  const auto other_op = make_org_with_key(admin, "other-center", "operator");
  const auto user = make_org_with_key(admin, "payer", "user");
  auto opc = gw.client(op.key);
  auto uc = gw.client(user.key);
  const std::string site = register_site(opc, "Money center");

  std::vector<std::string> jobs;
  for (const char* cmd : {"true", "sleep 1", "echo done"}) {
    auto j = uc.post("/api/v1/jobs", quick_job(cmd, site));
    INFO(j.body);
    REQUIRE(j.status == 201);
    jobs.push_back(j.json().at("id"));
  }
  // One that is canceled while running: it pays for the seconds it ran, not its walltime.
  auto long_job = uc.post("/api/v1/jobs", quick_job("echo started; sleep 60", site, 600));
  REQUIRE(long_job.status == 201);
  const std::string canceled = long_job.json().at("id");
  wait_for_state(uc, canceled, "running");
  REQUIRE(eventually([&] {
    return uc.get("/api/v1/jobs/" + canceled + "/logs").body.find("started") != std::string::npos;
  }));
  REQUIRE(uc.post("/api/v1/jobs/" + canceled + "/cancel", json::object()).status == 202);
  double sum = 0;
  for (const auto& id : jobs)
    sum += wait_for_state(uc, id, "succeeded").at("final_cost_cny").get<double>();
  const auto c = wait_for_state(uc, canceled, "canceled");
  REQUIRE(c.at("final_cost_cny").is_number());
  const double canceled_cost = c.at("final_cost_cny").get<double>();
  sum += canceled_cost;
  // 36 CNY per core-hour + 3.6 per GB-hour of 0.5 GB = 37.8/h = 0.0105/s: one second or more was
  // paid, far less than the 600 s walltime would cost (6.30).
  CHECK(canceled_cost < 1.0);

  auto usage = uc.get("/api/v1/usage");
  INFO(usage.body);
  REQUIRE(usage.status == 200);
  const auto u = usage.json();
  CHECK(u.at("totals").at("jobs") == 4);
  CHECK(u.at("items").size() == 4);
  CHECK(std::abs(u.at("totals").at("cost_cny").get<double>() - sum) < 0.01 * 4 + 1e-9);
  double items_sum = 0;
  for (const auto& item : u.at("items")) {
    items_sum += item.at("cost_cny").get<double>();
    CHECK_FALSE(item.at("job_name").get<std::string>().empty());  // a bill names its jobs
    CHECK(item.at("site_id") == site);
    CHECK(item.at("prices").at("cpu_core_hour") == 36.0);
    if (item.at("job_id") == canceled) {
      CHECK(item.at("state") == "canceled");
      CHECK(item.at("seconds").get<int>() < 60);
      // Paid by the second it ran at the unit prices shown, not by its walltime.
      const double rate = 36.0 + 3.6 * 0.5;
      CHECK(std::abs(item.at("cost_cny").get<double>() -
                     rate * item.at("billed_seconds").get<double>() / 3600.0) < 0.006);
    }
  }
  CHECK(std::abs(items_sum - sum) < 0.01 * 4 + 1e-9);
  // Every job that ran drew power: its estimated energy and emissions, and the totals add them.
  double energy_sum = 0, co2_sum = 0;
  for (const auto& item : u.at("items")) {
    if (item.at("seconds").get<int>() > 0) {
      CHECK(item.at("energy_kwh").get<double>() > 0);
      CHECK(item.at("co2_kg").get<double>() > 0);
    }
    energy_sum += item.at("energy_kwh").get<double>();
    co2_sum += item.at("co2_kg").get<double>();
  }
  CHECK(u.at("totals").at("energy_kwh").get<double>() == Approx(energy_sum).margin(1e-5));
  CHECK(u.at("totals").at("co2_kg").get<double>() == Approx(co2_sum).margin(1e-5));

  // The same as CSV, with Accept or format=csv.
  auto csv = uc.request("GET", "/api/v1/usage", "", {{"Accept", "text/csv"}});
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type").find("text/csv") != std::string::npos);
  std::istringstream lines(csv.body);
  std::string line;
  std::getline(lines, line);
  CHECK(line.starts_with("job_id,org_id,site_id,state"));
  CHECK(line.ends_with(",cost_cny,energy_kwh,co2_kg,job_name\r"));
  int rows = 0;
  double csv_sum = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line == "\r") continue;
    ++rows;
    // cost_cny is the fourth field from the end (energy_kwh, co2_kg and job_name follow it;
    // the test's job names have no commas).
    std::size_t end = line.size();
    for (int k = 0; k < 3; ++k) end = line.rfind(',', end - 1);
    const std::size_t begin = line.rfind(',', end - 1) + 1;
    csv_sum += std::stod(line.substr(begin, end - begin));
  }
  CHECK(rows == 4);
  CHECK(std::abs(csv_sum - items_sum) < 1e-6);
  CHECK(uc.get("/api/v1/usage?format=csv").body == csv.body);

  // Period, site and model filters.
  CHECK(uc.get("/api/v1/usage?from=2200-01-01T00:00:00Z").json().at("totals").at("jobs") == 0);
  CHECK(uc.get("/api/v1/usage?to=2200-01-01T00:00:00Z").json().at("totals").at("jobs") == 4);
  CHECK(uc.get("/api/v1/usage?to=2999-01-01T00:00:00Z").status == 400);
  CHECK(uc.get("/api/v1/usage?site=site_other").json().at("totals").at("jobs") == 0);
  CHECK(uc.get("/api/v1/usage?accelerator_model=A800").json().at("totals").at("jobs") == 0);
  auto bad = uc.get("/api/v1/usage?from=yesterday");
  CHECK(bad.status == 400);
  CHECK(bad.json().at("field") == "from");
  // Admins see any org's usage; another org's is 404 to others.
  CHECK(admin.get("/api/v1/usage?org_id=" + user.org_id).json().at("totals").at("jobs") == 4);
  CHECK(gw.client(other_op.key).get("/api/v1/usage?org_id=" + user.org_id).status == 404);

  // The operator's settlement: the same money, by customer org.
  auto settle = opc.get("/api/v1/sites/" + site + "/settlement");
  INFO(settle.body);
  REQUIRE(settle.status == 200);
  const auto s = settle.json();
  REQUIRE(s.at("items").size() == 1);
  CHECK(s.at("items")[0].at("org_id") == user.org_id);
  CHECK(s.at("items")[0].at("org_name") == "payer");
  CHECK(s.at("items")[0].at("jobs") == 4);
  CHECK(std::abs(s.at("totals").at("earnings_cny").get<double>() -
                 u.at("totals").at("cost_cny").get<double>()) < 0.011);
  CHECK(s.at("totals").at("co2_kg").get<double>() ==
        Approx(u.at("totals").at("co2_kg").get<double>()).margin(1e-5));
  CHECK(s.at("items")[0].at("energy_kwh").get<double>() > 0);
  auto by_day = opc.get("/api/v1/sites/" + site + "/settlement?group=day");
  REQUIRE(by_day.status == 200);
  CHECK(by_day.json().at("items")[0].at("period").get<std::string>().size() == 10);
  CHECK(admin.get("/api/v1/sites/" + site + "/settlement").status == 200);
  CHECK(gw.client(other_op.key).get("/api/v1/sites/" + site + "/settlement").status == 403);
  CHECK(uc.get("/api/v1/sites/" + site + "/settlement").status == 403);
  CHECK(opc.get("/api/v1/sites/site_nope/settlement").status == 404);
}

TEST_CASE("every kind of change leaves an audit entry with who and what and when and where",
          "[integration][security][audit]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto admin = gw.client(gw.admin_key());
  put_one_region(admin, "cn-money");
  auto net = admin.put("/api/v1/network", json::array());
  CHECK(net.status == 200);
  const auto op = make_org_with_key(admin, "audit-center", "operator");
  const auto user = make_org_with_key(admin, "audited", "user");
  auto opc = gw.client(op.key);
  auto uc = gw.client(user.key);
  CHECK(admin.patch("/api/v1/orgs/" + user.org_id, {{"budget_cny", 100}}).status == 200);
  // Prepaid credit: opened, topped up, refunded, closed again (the org is invoiced below).
  const std::string credit = "/api/v1/orgs/" + user.org_id + "/credit";
  CHECK(admin.patch("/api/v1/orgs/" + user.org_id, {{"prepaid", true}}).status == 200);
  CHECK(admin.post(credit, {{"amount_cny", 5}, {"note", "ref 1"}}).status == 201);
  CHECK(admin.post(credit, {{"amount_cny", -5}, {"note", "refund"}}).status == 201);
  CHECK(admin.patch("/api/v1/orgs/" + user.org_id, {{"prepaid", false}}).status == 200);
  const std::string site = register_site(opc, "Audit center");
  CHECK(opc.patch("/api/v1/sites/" + site, {{"name", "Audit center 2"}}).status == 200);
  CHECK(opc.post("/api/v1/sites/" + site + "/drain", json::object()).status == 200);
  CHECK(opc.post("/api/v1/sites/" + site + "/undrain", json::object()).status == 200);
  auto spare = opc.post("/api/v1/sites", local_site_body("Spare", "cn-money"));
  REQUIRE(spare.status == 201);
  CHECK(opc.del("/api/v1/sites/" + spare.json().at("id").get<std::string>()).status == 204);
  auto ds = uc.post(
      "/api/v1/datasets",
      {{"name", "d"}, {"size_bytes", 1}, {"replicas", json::array({{{"region", "cn-money"}}})}});
  REQUIRE(ds.status == 201);
  CHECK(uc.del("/api/v1/datasets/" + ds.json().at("id").get<std::string>()).status == 204);
  auto job = uc.post("/api/v1/jobs", quick_job("sleep 30", site));
  REQUIRE(job.status == 201);
  CHECK(
      uc.post("/api/v1/jobs/" + job.json().at("id").get<std::string>() + "/cancel", json::object())
          .status == 202);
  auto key = uc.post("/api/v1/api-keys", {{"name", "temp"}});
  REQUIRE(key.status == 201);
  CHECK(uc.del("/api/v1/api-keys/" + key.json().at("id").get<std::string>()).status == 204);
  const auto uid = make_user(uc, user.org_id, "p@audited.example", "a-long-password-2");
  auto anon = gw.client();
  CHECK(
      anon.post("/api/v1/session", {{"email", "p@audited.example"}, {"password", "wrong-password"}})
          .status == 401);
  const Browser b = sign_in(anon, "p@audited.example", "a-long-password-2");
  CHECK(as_browser(anon, b, "DELETE", "/api/v1/session").status == 204);
  const Browser b2 = sign_in(anon, "p@audited.example", "a-long-password-2");
  CHECK(as_browser(anon, b2, "DELETE", "/api/v1/session?scope=all").status == 204);
  CHECK(uc.del("/api/v1/orgs/" + user.org_id + "/users/" + uid).status == 204);

  auto all = admin.get("/api/v1/audit?page_size=500");
  INFO(all.body);
  REQUIRE(all.status == 200);
  std::set<std::string> actions;
  const json all_doc = all.json();
  for (const auto& e : all_doc.at("items")) {
    actions.insert(e.at("action").get<std::string>());
    CHECK(e.at("actor").at("remote") == "127.0.0.1");
    CHECK_FALSE(e.at("at").get<std::string>().empty());
    CHECK(e.at("detail").contains("request_id"));
  }
  for (const char* want : {"regions.replace",      "network.replace", "org.create",
                           "org.update",           "api_key.create",  "api_key.revoke",
                           "site.create",          "site.update",     "site.drain",
                           "site.undrain",         "site.delete",     "dataset.create",
                           "dataset.delete",       "job.create",      "job.cancel",
                           "user.create",          "user.disable",    "session.login",
                           "session.login_failed", "session.logout",  "session.logout_everywhere",
                           "org.prepaid_open",     "org.credit",      "org.prepaid_close"}) {
    INFO("no audit entry for " << want);
    CHECK(actions.count(want) == 1);
  }
  // An org reads the entries on its own objects or by its own people, and nobody else's.
  auto mine = uc.get("/api/v1/audit?page_size=500");
  REQUIRE(mine.status == 200);
  std::set<std::string> user_actions;
  const json mine_doc = mine.json();
  for (const auto& e : mine_doc.at("items")) {
    const bool own =
        e.at("object").at("org_id") == user.org_id || e.at("actor").at("org_id") == user.org_id;
    CHECK(own);
    user_actions.insert(e.at("action").get<std::string>());
  }
  CHECK(user_actions.count("job.create") == 1);
  CHECK(user_actions.count("site.create") == 0);
  auto theirs = opc.get("/api/v1/audit?page_size=500");
  const json theirs_doc = theirs.json();
  for (const auto& e : theirs_doc.at("items")) {
    CHECK(e.at("object").at("org_id") != user.org_id);
  }
  // Paging walks the whole log once, newest first.
  auto page = admin.get("/api/v1/audit?page_size=5");
  REQUIRE(page.json().at("items").size() == 5);
  const std::string token = page.json().at("next_page_token");
  auto next = admin.get("/api/v1/audit?page_size=5&page_token=" + token);
  CHECK(next.json().at("items")[0].at("id").get<int64_t>() <
        page.json().at("items")[4].at("id").get<int64_t>());
  CHECK(admin.get("/api/v1/audit?page_token=abc").status == 400);
}

}  // namespace suanwang::testing
