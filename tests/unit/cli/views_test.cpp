// The human views of API answers (pure), problem+json -> Error, and the exit-code mapping.
#include <catch2/catch.hpp>

#include "tools/cli/api.hpp"
#include "tools/cli/exit_code.hpp"
#include "tools/cli/http_client.hpp"
#include "tools/cli/views.hpp"

namespace {
using namespace suanwang;
using namespace suanwang::cli;
using nlohmann::json;

int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST_CASE("sites render as a table with free capacity", "[cli][views]") {
  const json page = {{"items",
                      {{{"id", "site_a"},
                        {"name", "Gui'an AI Center"},
                        {"region", "cn-gz-guian"},
                        {"kind", "ai"},
                        {"status", "online"},
                        {"drained", false},
                        {"capacity",
                         {{"cpus", {{"total", 512}, {"free", 100}}},
                          {"accelerators", {{"Ascend910B", {{"total", 64}, {"free", 8}}}}}}}},
                       {{"id", "site_b"},
                        {"name", "Local"},
                        {"region", "cn-x"},
                        {"status", "online"},
                        {"capacity", nullptr}}}},
                     {"next_page_token", nullptr}};
  const std::string out = render_sites(page);
  CHECK(count_lines(out) == 3);
  CHECK(out.starts_with("ID"));
  CHECK(out.find("Gui'an AI Center") != std::string::npos);
  CHECK(out.find("100/512") != std::string::npos);
  CHECK(out.find("Ascend910B 8/64") != std::string::npos);
  CHECK(out.find("no report yet") != std::string::npos);
  CHECK(site_names(page) == SiteNames{{"site_a", "Gui'an AI Center"}, {"site_b", "Local"}});
  CHECK(render_sites({{"items", json::array()}}) == "no sites\n");
}

TEST_CASE("a quote shows ranked sites, rejections and the summary", "[cli][views]") {
  const json decision = {
      {"policy", "balanced"},
      {"weights", {{"price", 0.4}, {"time", 0.4}, {"latency", 0.1}, {"locality", 0.1}}},
      {"ranked",
       {{{"site", "site_a"},
         {"site_name", "Cheap"},
         {"region", "cn-gz-guian"},
         {"estimated_cost_cny", 12.345},
         {"start_s", 30},
         {"result_s", 5430},
         {"bytes_moved", 2e9},
         {"score", 0.9}},
        {{"site", "site_b"},
         {"site_name", "Fast"},
         {"region", "cn-csj-shanghai"},
         {"estimated_cost_cny", 40},
         {"start_s", 0},
         {"result_s", 3600},
         {"bytes_moved", 0},
         {"score", 0.5}}}},
      {"rejected",
       {{{"site", "site_c"},
         {"site_name", "Small"},
         {"code", "accelerator_model"},
         {"reason", "no Ascend910B"}}}},
      {"summary", "Cheap: cheapest by 27.66 CNY"}};
  const std::string out = render_quote(decision);
  const auto first = out.find("Cheap");
  const auto second = out.find("Fast");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK(out.find("12.35") != std::string::npos);
  CHECK(out.find("1h30m") != std::string::npos);
  CHECK(out.find("2 GB") != std::string::npos);
  CHECK(out.find("1 site cannot run it") != std::string::npos);
  CHECK(out.find("no Ascend910B") != std::string::npos);
  CHECK(out.find("summary: Cheap: cheapest by 27.66 CNY") != std::string::npos);
  CHECK(out.find("policy: balanced (weights price 0.4 time 0.4") != std::string::npos);
  CHECK(render_quote(json::object()).starts_with("No site can run this job."));
}

TEST_CASE("capacity shows national totals, accelerator models and regions", "[cli][views]") {
  const json cap = {
      {"national",
       {{"sites", 2},
        {"cpus", {{"total", 100}, {"free", 40}}},
        {"memory_gb", {{"total", 400.5}, {"free", 200}}},
        {"accelerators", {{"H100", {{"total", 16}, {"free", 4}}}}},
        {"running_jobs", 3},
        {"queued_jobs", 1},
        {"oldest_report_age_s", 1.2}}},
      {"by_accelerator", {{"H100", {{"total", 16}, {"free", 4}, {"sites", 1}}}}},
      {"by_region",
       {{"cn-gz-guian",
         {{"sites", 1}, {"cpus", {{"total", 100}, {"free", 40}}}, {"running_jobs", 3}}}}},
      {"sites", {{{"site", "site_x"}, {"name", "Stale One"}, {"stale", true}}}}};
  const std::string out = render_capacity(cap);
  CHECK(out.starts_with("National: 2 sites reporting, oldest report 1s old\n"));
  CHECK(out.find("By accelerator model:") != std::string::npos);
  CHECK(out.find("H100") != std::string::npos);
  CHECK(out.find("By region:") != std::string::npos);
  CHECK(out.find("cn-gz-guian") != std::string::npos);
  CHECK(out.find("400.5") != std::string::npos);
  CHECK(out.find("Not counted (no recent report): Stale One") != std::string::npos);
}

TEST_CASE("jobs and a job render with site names, costs and the event timeline", "[cli][views]") {
  const SiteNames names = {{"site_a", "Local"}};
  const json job = {{"id", "job_1"},
                    {"name", "hello"},
                    {"state", "failed"},
                    {"failure", "executor_error"},
                    {"exit_code", 3},
                    {"site", "site_a"},
                    {"estimated_cost_cny", 0.5},
                    {"final_cost_cny", 0.25},
                    {"reason", "exit code 3"},
                    {"placement", {{"region", "cn-x"}, {"summary", "only choice"}}},
                    {"created_at", "2026-01-01T00:00:00Z"}};
  const std::string list = render_jobs({{"items", {job}}, {"next_page_token", "job_0"}}, names);
  CHECK(list.find("job_1") != std::string::npos);
  CHECK(list.find("Local") != std::string::npos);
  CHECK(list.find("0.25") != std::string::npos);
  CHECK(list.find("more: --page-token job_0") != std::string::npos);
  CHECK(render_jobs({{"items", json::array()}}, names) == "no jobs\n");

  const json events = {
      {"items",
       {{{"at", "2026-01-01T00:00:00Z"}, {"type", "created"}, {"state", "pending"}},
        {{"at", "2026-01-01T00:00:01Z"},
         {"type", "failed"},
         {"state", "failed"},
         {"site", "site_a"},
         {"reason", "exit code 3"}}}}};
  const std::string one = render_job(job, events, names);
  CHECK(one.starts_with("job        job_1\n"));
  CHECK(one.find("failed (executor_error, exit code 3)") != std::string::npos);
  CHECK(one.find("Local (site_a) in cn-x") != std::string::npos);
  CHECK(one.find("estimated 0.50 CNY · final 0.25 CNY") != std::string::npos);
  CHECK(one.find("Events:") != std::string::npos);
  CHECK(one.find("created") != std::string::npos);

  CHECK(render_job_outcome(job) ==
        "job_1 failed (executor_error, exit 3) · cost 0.25 CNY · exit code 3\n");
}

TEST_CASE("a submission shows where the job went, or what it waits for", "[cli][views]") {
  const json placed = {{"id", "job_1"},
                       {"state", "placed"},
                       {"reason", "cheapest of 3"},
                       {"placement",
                        {{"site", "site_a"},
                         {"site_name", "Gui'an"},
                         {"region", "cn-gz-guian"},
                         {"estimated_cost_cny", 1.5},
                         {"summary", "Gui'an: cheapest of 3"}}}};
  CHECK(render_submitted(placed) ==
        "job_1 placed on Gui'an (cn-gz-guian) · estimated 1.50 CNY\n  Gui'an: cheapest of 3\n");
  const json waiting = {{"id", "job_2"},
                        {"state", "pending"},
                        {"reason", "waiting for a site: every site is at its in-flight cap"},
                        {"placement", nullptr}};
  CHECK(render_submitted(waiting) ==
        "job_2 pending\n  waiting for a site: every site is at its in-flight cap\n");
}

TEST_CASE("views tolerate missing and mistyped members", "[cli][views]") {
  const json junk = {{"items", {{{"id", 5}, {"capacity", "x"}, {"status", nullptr}}, 7}},
                     {"ranked", "no"},
                     {"national", 3}};
  CHECK_NOTHROW(render_sites(junk));
  CHECK_NOTHROW(render_quote(junk));
  CHECK_NOTHROW(render_capacity(junk));
  CHECK_NOTHROW(render_jobs(junk, {}));
  CHECK_NOTHROW(render_job(junk, junk, {}));
  CHECK_NOTHROW(render_submitted(junk));
  CHECK_NOTHROW(render_job_outcome(json(nullptr)));
}

TEST_CASE("problem+json answers become errors with detail, field and the status's code",
          "[cli][views]") {
  auto e = error_from_answer(400, R"({"type":"urn:suanwang:problem:invalid_argument","status":400,
               "detail":"resources.cpus must be at least 1","field":"resources.cpus"})");
  CHECK(e.code == Errc::invalid_argument);
  CHECK(error_line(e) == "suanwang: resources.cpus must be at least 1 (field: resources.cpus)\n");

  auto nf = error_from_answer(404, R"({"detail":"no job job_x"})");
  CHECK(nf.code == Errc::not_found);
  CHECK(error_line(nf) == "suanwang: no job job_x\n");

  auto internal = error_from_answer(500, R"({"detail":"internal error","request_id":"r1"})");
  CHECK(internal.message == "internal error [request_id r1]");

  auto html = error_from_answer(502, "<html>\nbad gateway</html>");
  CHECK(html.code == Errc::unavailable);
  CHECK(html.message == "the server answered HTTP 502: <html> bad gateway</html>");
}

TEST_CASE("statuses map to distinct exit codes", "[cli][exit_code]") {
  CHECK(exit_code_for(errc_for_status(400)) == ExitCode::usage);
  CHECK(exit_code_for(errc_for_status(401)) == ExitCode::auth);
  CHECK(exit_code_for(errc_for_status(403)) == ExitCode::auth);
  CHECK(exit_code_for(errc_for_status(404)) == ExitCode::not_found);
  CHECK(exit_code_for(errc_for_status(409)) == ExitCode::conflict);
  CHECK(exit_code_for(errc_for_status(422)) == ExitCode::unsatisfiable);
  CHECK(exit_code_for(errc_for_status(500)) == ExitCode::error);
  CHECK(exit_code_for(errc_for_status(503)) == ExitCode::unavailable);
  CHECK(exit_code_for(Errc::unavailable) == ExitCode::unavailable);
}

TEST_CASE("server URLs are http with host, port and base path, and https is refused for now",
          "[cli][http_client]") {
  auto a = parse_server_url("http://127.0.0.1:8080");
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  CHECK(a->base_path.empty());
  auto b = parse_server_url("http://gw.example/suanwang/");
  REQUIRE(b);
  CHECK(b->port == 80);
  CHECK(b->base_path == "/suanwang");
  CHECK(b->text() == "http://gw.example/suanwang");
  auto v6 = parse_server_url("http://[::1]:9000");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->text() == "http://[::1]:9000");
  for (const char* bad :
       {"", "127.0.0.1:8080", "ftp://x", "http://", "http://:80", "http://h:0", "http://h:99999",
        "http://h:x", "http://h:", "http://u:p@h", "http://h/?q=1"}) {
    INFO(bad);
    auto r = parse_server_url(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "--server");
  }
  auto tls = parse_server_url("https://gw.example");
  REQUIRE_FALSE(tls);
  CHECK(tls.error().message.find("https is not supported") != std::string::npos);
}

TEST_CASE("prepaid credit renders the balance, holds and entries", "[cli][views]") {
  const json account = {{"org_id", "org_a"},
                        {"prepaid", true},
                        {"balance_cny", 74.5},
                        {"held_cny", 6},
                        {"available_cny", 68.5},
                        {"items",
                         {{{"at", "2024-05-02T10:00:00Z"},
                           {"amount_cny", -25.5},
                           {"balance_cny", 74.5},
                           {"actor", "admin@x"},
                           {"note", "double-booked"}},
                          {{"at", "2024-05-01T10:00:00Z"},
                           {"amount_cny", 100},
                           {"balance_cny", 100},
                           {"actor", "key_1"},
                           {"note", "bank ref 7"}}}},
                        {"next_page_token", "cre_x"}};
  const std::string out = render_credit(account);
  CHECK(out.starts_with("balance    74.50 CNY\n"));
  CHECK(out.find("held        6.00 CNY\n") != std::string::npos);
  CHECK(out.find("available  68.50 CNY\n") != std::string::npos);
  CHECK(out.find("AMOUNT CNY") != std::string::npos);
  CHECK(out.find("-25.50") < out.find("+100.00"));  // as listed: newest first
  CHECK(out.find("more: --page-token cre_x") != std::string::npos);

  const json invoiced = {{"org_id", "org_b"}, {"prepaid", false}, {"items", json::array()}};
  CHECK(render_credit(invoiced) == "org_b has no prepaid account (it is invoiced for its usage)\n");
  CHECK(render_credit_entry({{"org_id", "org_a"}, {"amount_cny", 500}, {"balance_cny", 620}}) ==
        "+500.00 CNY recorded for org_a; balance 620.00 CNY\n");
  CHECK(render_credit_entry({{"org_id", "org_a"}, {"amount_cny", -5}, {"balance_cny", 1}}) ==
        "-5.00 CNY recorded for org_a; balance 1.00 CNY\n");
}

TEST_CASE("url_encode keeps unreserved characters", "[cli][api]") {
  CHECK(url_encode("job_01ABC-x.y~z") == "job_01ABC-x.y~z");
  CHECK(url_encode("a/b c?&") == "a%2Fb%20c%3F%26");
}

}  // namespace
