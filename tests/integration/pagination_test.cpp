// Every list endpoint pages (DESIGN §5): page_size (1..500, default 50) and page_token, with
// next_page_token null on the last page; walking the pages gives every item once, in order.
#include <set>

#include <catch2/catch.hpp>

#include "integration/support/federation_setup.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

// The items of every page of `path` walked `size` at a time (and how many pages that took).
std::vector<json> walk_pages(HttpClient& client, const std::string& path, int size, int* pages) {
  const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
  std::vector<json> items;
  std::string token;
  *pages = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string target = path + sep + "page_size=" + std::to_string(size);
    if (!token.empty()) target += "&page_token=" + token;
    auto r = client.get(target);
    INFO(target << " -> " << r.body);
    REQUIRE(r.status == 200);
    const json body = r.json();
    REQUIRE(body.at("items").size() <= static_cast<std::size_t>(size));
    for (const auto& item : body.at("items")) items.push_back(item);
    ++*pages;
    if (body.at("next_page_token").is_null()) return items;
    token = body.at("next_page_token").get<std::string>();
  }
  FAIL("no last page");
  return items;
}

// Walking one at a time gives what one big page gives, in the same order.
void check_list_pages(HttpClient& client, const std::string& path, const char* key,
                      std::size_t at_least) {
  INFO(path);
  int pages = 0;
  const auto all = walk_pages(client, path, 500, &pages);
  CHECK(pages == 1);
  REQUIRE(all.size() >= at_least);
  const auto one_by_one = walk_pages(client, path, 1, &pages);
  CHECK(static_cast<std::size_t>(pages) == all.size());
  REQUIRE(one_by_one.size() == all.size());
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(one_by_one[i].at(key) == all[i].at(key));
}
}  // namespace

TEST_CASE("every list endpoint honours page_size and page_token", "[integration][pagination]") {
  TempDir dir;
  TestGateway gw(dir.path());
  LocalFederation f = set_up_local_federation(gw);
  auto admin = gw.client(gw.admin_key());
  auto user = gw.client(f.user_key);

  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    REQUIRE(
        user.post("/api/v1/datasets", {{"name", "ds-" + n},
                                       {"size_bytes", 1},
                                       {"replicas", json::array({{{"region", "cn-test-east"}}})}})
            .status == 201);
    REQUIRE(admin
                .post("/api/v1/orgs/" + f.user_org + "/users",
                      {{"email", "u" + n + "@acme.example"}, {"password", "0123456789abcdef"}})
                .status == 201);
    REQUIRE(user.post("/api/v1/api-keys", {{"name", "key " + n}}).status == 201);
  }
  auto job = user.post(
      "/api/v1/jobs",
      {{"name", "events"}, {"command", "true"}, {"resources", {{"cpus", 1}, {"walltime_s", 60}}}});
  REQUIRE(job.status == 201);
  const std::string job_id = job.json().at("id");
  wait_for_state(user, job_id, "succeeded");

  check_list_pages(admin, "/api/v1/orgs", "id", 4);
  check_list_pages(user, "/api/v1/api-keys", "id", 3);
  check_list_pages(user, "/api/v1/regions", "id", 2);
  check_list_pages(user, "/api/v1/sites", "id", 1);
  check_list_pages(user, "/api/v1/datasets", "id", 3);
  check_list_pages(user, "/api/v1/jobs/" + job_id + "/events", "seq", 4);
  check_list_pages(user, "/api/v1/orgs/" + f.user_org + "/users", "id", 3);
  check_list_pages(user, "/api/v1/jobs", "id", 1);
  check_list_pages(admin, "/api/v1/audit", "id", 10);

  SECTION("page_size out of range, or not a number, is a 400 naming it") {
    for (const std::string bad : {"0", "501", "x", "-1", ""}) {
      auto r = user.get("/api/v1/datasets?page_size=" + bad);
      INFO(bad << " -> " << r.body);
      CHECK(r.status == 400);
      CHECK(r.json().value("field", "") == "page_size");
    }
  }
}

TEST_CASE("a list without page_size answers 50 items and a token for the rest",
          "[integration][pagination]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto admin = gw.client(gw.admin_key());
  REQUIRE(admin.put("/api/v1/regions", json::array({{{"id", "cn-test-east"}, {"name", "East"}}}))
              .status == 200);
  for (int i = 0; i < 51; ++i) {
    REQUIRE(
        admin
            .post("/api/v1/datasets", {{"name", "ds-" + std::to_string(i)},
                                       {"size_bytes", 1},
                                       {"replicas", json::array({{{"region", "cn-test-east"}}})}})
            .status == 201);
  }
  auto first = admin.get("/api/v1/datasets");
  REQUIRE(first.status == 200);
  CHECK(first.json().at("items").size() == 50);
  REQUIRE(first.json().at("next_page_token").is_string());
  auto rest = admin.get("/api/v1/datasets?page_token=" +
                        first.json().at("next_page_token").get<std::string>());
  REQUIRE(rest.status == 200);
  CHECK(rest.json().at("items").size() == 1);
  CHECK(rest.json().at("next_page_token").is_null());
}

}  // namespace suanwang::testing
