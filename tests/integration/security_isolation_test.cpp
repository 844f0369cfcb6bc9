// The isolation matrix: every route of the API is called as each role of another org (its
// org-level user key, a signed-in member with a session cookie, an operator's key) against the
// objects of org "alpha" and its operator. Objects of another org answer 404 (403 where the
// object is public, like a site); no response, list, count or error text names alpha's private
// objects, except an id the caller itself put in the URL.
#include <catch2/catch.hpp>

#include <set>

#include "integration/support/security_support.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

struct Alpha {
  std::string org_id;
  std::string key;
  std::string key_id;
  std::string user_id;
  std::string operator_org;
  std::string site_id;
  std::string dataset_id;
  std::string job_id;
  // Strings that must never reach another org.
  std::vector<std::string> markers() const {
    return {org_id,
            key_id,
            user_id,
            dataset_id,
            job_id,
            "alpha-private-org",
            "dev@alpha.example",
            "alpha-secret-dataset",
            "alpha-secret-job",
            "ALPHA_SECRET_ENV",
            "/var/alpha-endpoint",
            "alpha-credit-note"};
  }
};

struct Caller {
  std::string role;
  std::function<HttpResponse(const std::string& method, const std::string& target,
                             const json& body)>
      call;
};

struct Expect {
  std::string method;
  std::string target;
  json body;
  std::set<int> statuses;  // empty: any status (the leak check still applies)
};

std::vector<Expect> matrix(const Alpha& a, const std::string& own_org) {
  const std::string org = "/api/v1/orgs/" + a.org_id;
  const std::string site = "/api/v1/sites/" + a.site_id;
  const std::string job = "/api/v1/jobs/" + a.job_id;
  const std::string ds = "/api/v1/datasets/" + a.dataset_id;
  const std::set<int> hidden = {404};
  const std::set<int> refused = {403, 404};
  const std::set<int> listed = {200};
  return {
      {"GET", org, nullptr, hidden},
      {"PATCH", org, json{{"budget_cny", 1}}, refused},
      {"PATCH", org, json{{"prepaid", false}}, refused},
      {"GET", org + "/credit", nullptr, hidden},
      {"POST", org + "/credit", json{{"amount_cny", 1000}, {"note", "evil"}}, hidden},
      {"GET", org + "/users", nullptr, hidden},
      {"POST", org + "/users", json{{"email", "x@evil.example"}, {"password", "0123456789ab"}},
       hidden},
      {"DELETE", org + "/users/" + a.user_id, nullptr, hidden},
      {"POST", "/api/v1/orgs", json{{"name", "evil"}, {"kind", "admin"}}, {403}},
      {"GET", "/api/v1/orgs", nullptr, listed},
      {"GET", "/api/v1/api-keys", nullptr, listed},
      {"GET", "/api/v1/api-keys?org_id=" + a.org_id, nullptr, hidden},
      {"POST", "/api/v1/api-keys", json{{"name", "evil"}, {"org_id", a.org_id}}, hidden},
      {"DELETE", "/api/v1/api-keys/" + a.key_id, nullptr, hidden},
      {"GET", site, nullptr, listed},  // the public catalogue, without adapter details
      {"PATCH", site, json{{"name", "mine now"}}, {403}},
      {"DELETE", site, nullptr, {403}},
      {"POST", site + "/drain", nullptr, {403}},
      {"POST", site + "/undrain", nullptr, {403}},
      {"GET", site + "/capacity", nullptr, listed},
      {"GET", site + "/settlement", nullptr, {403}},
      {"GET", "/api/v1/sites", nullptr, listed},
      {"GET", ds, nullptr, hidden},
      {"DELETE", ds, nullptr, hidden},
      {"POST", ds + "/seal", nullptr, hidden},
      {"GET", ds + "/files", nullptr, hidden},
      {"GET", ds + "/files/alpha-dir/alpha-file.txt", nullptr, hidden},
      {"PUT", ds + "/files/alpha-dir/alpha-file.txt", json{{"x", 1}}, hidden},
      {"OPTIONS", ds + "/uploads", nullptr, {204}},  // tus discovery: the same for everyone
      // Without the tus version header the answer is 412 before anything is looked up.
      {"POST", ds + "/uploads", nullptr, {404, 412}},
      {"OPTIONS", "/api/v1/uploads/up_alpha", nullptr, {204}},
      {"GET", "/api/v1/uploads/up_alpha", nullptr, hidden},
      {"PATCH", "/api/v1/uploads/up_alpha", json{{"x", 1}}, {404, 412, 415}},
      {"DELETE", "/api/v1/uploads/up_alpha", nullptr, {404, 412}},
      {"GET", "/api/v1/datasets", nullptr, listed},
      {"GET", job, nullptr, hidden},
      {"POST", job + "/cancel", nullptr, hidden},
      {"GET", job + "/decision", nullptr, hidden},
      {"GET", job + "/events", nullptr, hidden},
      {"GET", job + "/logs", nullptr, hidden},
      {"GET", "/api/v1/jobs", nullptr, listed},
      {"GET", "/api/v1/jobs?site=" + a.site_id, nullptr, listed},
      {"GET", "/api/v1/usage", nullptr, listed},
      {"GET", "/api/v1/usage?format=csv", nullptr, listed},
      {"GET", "/api/v1/usage?org_id=" + a.org_id, nullptr, hidden},
      {"GET", "/api/v1/audit", nullptr, listed},
      {"GET", "/api/v1/audit?org_id=" + a.org_id, nullptr, hidden},
      {"GET", "/api/v1/session", nullptr, listed},
      {"POST",
       "/api/v1/session",
       json{{"email", "dev@alpha.example"}, {"password", "guess-guess"}},
       {401}},
      {"PUT", "/api/v1/regions", json::array(), {403}},
      {"PUT", "/api/v1/network", json::array(), {403}},
      {"GET", "/api/v1/regions", nullptr, listed},
      {"GET", "/api/v1/network", nullptr, listed},
      {"GET", "/api/v1/capacity", nullptr, listed},
      {"POST",
       "/api/v1/quotes",
       json{{"command", "true"}, {"resources", {{"cpus", 1}, {"walltime_s", 60}}}},
       {}},
      {"POST",
       "/api/v1/jobs",
       json{{"command", "true"},
            {"resources", {{"cpus", 1}, {"walltime_s", 60}}},
            {"inputs", json::array({{{"dataset", a.dataset_id}}})}},
       {}},
      {"POST",
       "/api/v1/datasets",
       json{{"name", "mine"},
            {"size_bytes", 1},
            {"replicas", json::array({{{"region", "cn-iso"}}})}},
       {}},
      {"POST", "/api/v1/sites", local_site_body("B site " + own_org, "cn-iso"), {}},
      // Last: it ends the member's session.
      {"DELETE", "/api/v1/session", nullptr, {}},
  };
}
}  // namespace

TEST_CASE("another org's roles get 404 or 403 on every endpoint and learn nothing",
          "[integration][security][isolation]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto admin = gw.client(gw.admin_key());
  put_one_region(admin, "cn-iso");
  Alpha a;
  const auto alpha = make_org_with_key(admin, "alpha-private-org", "user");
  a.org_id = alpha.org_id;
  a.key = alpha.key;
  auto ac = gw.client(a.key);
  a.user_id = make_user(ac, a.org_id, "dev@alpha.example", "a-long-password-1");
  auto extra_key = ac.post("/api/v1/api-keys", {{"name", "alpha-ci"}});
  REQUIRE(extra_key.status == 201);
  a.key_id = extra_key.json().at("id");
  const auto alpha_op = make_org_with_key(admin, "alpha-center", "operator");
  a.operator_org = alpha_op.org_id;
  auto site_body = local_site_body("Alpha center", "cn-iso", {{"token", "alpha-site-token"}});
  site_body["adapter"]["options"] = {{"work_dir", "/var/alpha-endpoint"}};
  auto site = gw.client(alpha_op.key).post("/api/v1/sites", site_body);
  if (site.status != 201) {
    site_body["adapter"]["options"] = json::object();  // the option name may differ; not the point
    site = gw.client(alpha_op.key).post("/api/v1/sites", site_body);
  }
  INFO(site.body);
  REQUIRE(site.status == 201);
  a.site_id = site.json().at("id");
  auto ds = ac.post("/api/v1/datasets", {{"name", "alpha-secret-dataset"},
                                         {"size_bytes", 1000},
                                         {"replicas", json::array({{{"region", "cn-iso"}}})}});
  INFO(ds.body);
  REQUIRE(ds.status == 201);
  a.dataset_id = ds.json().at("id");
  wait_until_reporting(admin, a.site_id);
  auto job = ac.post("/api/v1/jobs", {{"name", "alpha-secret-job"},
                                      {"command", "true"},
                                      {"env", {{"ALPHA_SECRET_ENV", "1"}}},
                                      {"resources", {{"cpus", 1}, {"walltime_s", 60}}}});
  INFO(job.body);
  REQUIRE((job.status == 201 || job.status == 200));
  a.job_id = job.json().at("id");
  wait_for_state(ac, a.job_id, "succeeded");
  // Alpha pays in advance: its balance and entries are as private as its jobs.
  REQUIRE(admin.patch("/api/v1/orgs/" + a.org_id, {{"prepaid", true}}).status == 200);
  REQUIRE(admin
              .post("/api/v1/orgs/" + a.org_id + "/credit",
                    {{"amount_cny", 123.45}, {"note", "alpha-credit-note"}})
              .status == 201);

  // The other side: a user org (its key and a signed-in member) and an operator.
  const auto beta = make_org_with_key(admin, "beta", "user");
  auto bc = gw.client(beta.key);
  make_user(bc, beta.org_id, "dev@beta.example", "b-long-password-1");
  const auto beta_op = make_org_with_key(admin, "beta-center", "operator");
  auto anon = gw.client();
  const Browser browser = sign_in(anon, "dev@beta.example", "b-long-password-1");
  auto beta_op_client = gw.client(beta_op.key);

  std::vector<Caller> callers;
  callers.push_back({"user key", [&](const std::string& m, const std::string& t, const json& b) {
                       return bc.request(m, t, b.is_null() ? "" : b.dump(),
                                         {{"Content-Type", "application/json"}});
                     }});
  callers.push_back(
      {"member session", [&](const std::string& m, const std::string& t, const json& b) {
         return as_browser(anon, browser, m, t, b);
       }});
  callers.push_back(
      {"operator key", [&](const std::string& m, const std::string& t, const json& b) {
         return beta_op_client.request(m, t, b.is_null() ? "" : b.dump(),
                                       {{"Content-Type", "application/json"}});
       }});

  // Every routed endpoint appears in the matrix (so a new route must be added here).
  std::set<std::string> covered;
  for (const auto& caller : callers) {
    for (const auto& e : matrix(a, caller.role)) {
      const auto res = caller.call(e.method, e.target, e.body);
      INFO(caller.role << ": " << e.method << " " << e.target << " -> " << res.status << " "
                       << res.body.substr(0, 400));
      if (!e.statuses.empty()) CHECK(e.statuses.count(res.status) == 1);
      CHECK(res.status != 500);
      for (const auto& marker : a.markers()) {
        if (e.target.find(marker) != std::string::npos) continue;  // the caller's own words
        if (e.body.dump().find(marker) != std::string::npos) continue;
        INFO("leaked: " << marker);
        CHECK(res.body.find(marker) == std::string::npos);
      }
      CHECK(res.body.find("alpha-site-token") == std::string::npos);
      if (e.target == "/api/v1/sites/" + a.site_id) {
        CHECK(res.body.find("credentials_set") == std::string::npos);
      }
      std::string path = e.target.substr(0, e.target.find('?'));
      covered.insert(e.method + " " + path);
    }
  }
  auto normalise = [&](std::string p) {
    for (const auto& [from, to] :
         std::vector<std::pair<std::string, std::string>>{{a.org_id, "{id}"},
                                                          {a.user_id, "{user_id}"},
                                                          {a.key_id, "{id}"},
                                                          {a.site_id, "{id}"},
                                                          {a.dataset_id, "{id}"},
                                                          {a.job_id, "{id}"},
                                                          {"alpha-dir/alpha-file.txt", "{path...}"},
                                                          {"up_alpha", "{upload_id}"}}) {
      if (auto at = p.find(from); at != std::string::npos) p.replace(at, from.size(), to);
    }
    return p;
  };
  std::set<std::string> covered_patterns;
  for (const auto& c : covered) covered_patterns.insert(normalise(c));
  for (const auto& route : gw.app().router().routes()) {
    if (!route.pattern.starts_with("/api/v1/") || route.pattern == "/api/v1/openapi.json") {
      continue;
    }
    const std::string r =
        std::string(boost::beast::http::to_string(route.method)) + " " + route.pattern;
    // Public, org-less read-outs added by other features are checked for leaks below.
    if (covered_patterns.count(r) == 0 && route.method == boost::beast::http::verb::get &&
        route.pattern.find('{') == std::string::npos) {
      for (const auto& caller : callers) {
        auto res = caller.call("GET", route.pattern, nullptr);
        INFO(caller.role << ": GET " << route.pattern << " -> " << res.body.substr(0, 300));
        for (const auto& marker : a.markers()) CHECK(res.body.find(marker) == std::string::npos);
      }
      continue;
    }
    INFO("route missing from the isolation matrix: " << r);
    CHECK(covered_patterns.count(r) == 1);
  }
  // Alpha's objects are untouched by all that.
  CHECK(ac.get("/api/v1/jobs/" + a.job_id).json().at("state") == "succeeded");
  CHECK(ac.get("/api/v1/datasets/" + a.dataset_id).status == 200);
  CHECK(gw.client(a.key).get("/api/v1/api-keys").json().at("items").size() == 2);
  CHECK(admin.get("/api/v1/sites/" + a.site_id).json().at("name") == "Alpha center");
  const auto credit = ac.get("/api/v1/orgs/" + a.org_id + "/credit").json();
  CHECK(credit.at("balance_cny") == 123.45);
  CHECK(credit.at("items").size() == 1);
  CHECK(ac.get("/api/v1/orgs/" + a.org_id).json().at("prepaid") == true);
}

}  // namespace suanwang::testing
