// Site changes and the database (issue 18 §3): a site is removed only when no job is active on
// it, checked in the delete's own transaction; creates and patches write the database first
// and the live site directory after it, so a failed write leaves the directory untouched.
#include <catch2/catch.hpp>

#include "gateway/store/db.hpp"
#include "integration/support/federation_setup.hpp"
#include "integration/support/security_support.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

// Makes every later INSERT (or UPDATE) of a site fail in the database, as a full disk would.
void refuse_site_writes(TestGateway& gw, const char* what) {
  const std::string sql = std::string("CREATE TEMP TRIGGER refuse_site_") + what + " BEFORE " +
                          what + " ON sites BEGIN SELECT RAISE(ABORT, 'refused by the test'); END";
  auto r = gw.app().store().blocking([&](store::Db& db) { return db.exec(sql); });
  REQUIRE(r);
}
}  // namespace

TEST_CASE("a site with an active job is not deleted; once the job ends it is",
          "[integration][sites]") {
  TempDir dir;
  TestGateway gw(dir.path());
  LocalFederation f = set_up_local_federation(gw);
  auto user = gw.client(f.user_key);
  auto op = gw.client(f.operator_key);
  auto job = user.post("/api/v1/jobs", {{"name", "holds the site"},
                                        {"command", "sleep 60"},
                                        {"resources", {{"cpus", 1}, {"walltime_s", 120}}}});
  INFO(job.body);
  REQUIRE(job.status == 201);
  const std::string id = job.json().at("id");
  wait_for_state(user, id, "running");

  auto refused = op.del("/api/v1/sites/" + f.site_id);
  INFO(refused.body);
  CHECK(refused.status == 409);
  CHECK_THAT(refused.json().value("detail", ""),
             Catch::Contains("while it has active jobs: 1 is still active (" + id + ");"));
  CHECK(refused.json().at("params").at("job_ids") == id);
  CHECK(op.get("/api/v1/sites/" + f.site_id).status == 200);

  REQUIRE(user.post("/api/v1/jobs/" + id + "/cancel", json::object()).status == 202);
  wait_for_state(user, id, "canceled");
  CHECK(op.del("/api/v1/sites/" + f.site_id).status == 204);
  CHECK(op.get("/api/v1/sites/" + f.site_id).status == 404);
  // The refusal changed nothing, so it left no audit entry; the delete left one.
  auto admin = gw.client(gw.admin_key());
  auto log = admin.get("/api/v1/audit?action=site.delete&page_size=500");
  REQUIRE(log.status == 200);
  CHECK(log.json().at("items").size() == 1);
}

TEST_CASE("a site whose database write fails never enters the live directory",
          "[integration][sites]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto admin = gw.client(gw.admin_key());
  REQUIRE(admin.put("/api/v1/regions", json::array({{{"id", "cn-iso"}, {"name", "Iso"}}})).status ==
          200);
  const std::string op_key = make_org_key(admin, "iso-operator", "operator");
  auto op = gw.client(op_key);
  refuse_site_writes(gw, "INSERT");
  // No site yet, so nothing else changes the directory: its version counts the writes to it.
  const uint64_t before = gw.app().directory().version();
  auto created = op.post("/api/v1/sites", local_site_body("Never registered", "cn-iso"));
  CHECK(created.status >= 400);  // the trigger's refusal, as a constraint: 409
  CHECK(gw.app().directory().version() == before);
  CHECK(gw.app().directory().site_ids().empty());
  CHECK(op.get("/api/v1/sites").json().at("items").empty());
}

TEST_CASE("a site patch whose database write fails leaves the site as it was",
          "[integration][sites]") {
  TempDir dir;
  TestGateway gw(dir.path());
  LocalFederation f = set_up_local_federation(gw);
  auto op = gw.client(f.operator_key);
  refuse_site_writes(gw, "UPDATE");
  auto patched = op.patch("/api/v1/sites/" + f.site_id, {{"name", "Renamed"}});
  CHECK(patched.status >= 400);
  auto site = op.get("/api/v1/sites/" + f.site_id);
  REQUIRE(site.status == 200);
  CHECK(site.json().at("name") == "East test center");
}

}  // namespace suanwang::testing
