// People and sessions over real HTTP: org admins add members, members sign in to the portal
// with a cookie that is HttpOnly and SameSite=Strict, unsafe requests need the CSRF token,
// named keys belong to their user, sign-out and log-out-everywhere end sessions at once, failed
// sign-ins are throttled, and rate limits answer 429 with Retry-After.
#include <catch2/catch.hpp>

#include "integration/support/security_support.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

const std::string kPassword = "correct horse battery staple";
}  // namespace

TEST_CASE("org admins add members who sign in with a session cookie and a CSRF token",
          "[integration][security][accounts]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto admin = gw.client(gw.admin_key());
  const auto acme = make_org_with_key(admin, "acme", "user");
  auto acme_key = gw.client(acme.key);
  // The org-level key is the org's admin: it adds an admin user and a member.
  make_user(acme_key, acme.org_id, "boss@acme.example", kPassword, "admin");
  const auto member_id = make_user(acme_key, acme.org_id, "dev@acme.example", kPassword);
  auto weak = acme_key.post("/api/v1/orgs/" + acme.org_id + "/users",
                            {{"email", "weak@acme.example"}, {"password", "short"}});
  CHECK(weak.status == 400);
  CHECK(weak.json().at("field") == "password");
  auto dup = acme_key.post("/api/v1/orgs/" + acme.org_id + "/users",
                           {{"email", "DEV@acme.example"}, {"password", kPassword}});
  CHECK(dup.status == 409);

  auto anon = gw.client();
  auto wrong =
      anon.post("/api/v1/session", {{"email", "dev@acme.example"}, {"password", "nope-nope-nope"}});
  CHECK(wrong.status == 401);
  auto unknown =
      anon.post("/api/v1/session", {{"email", "ghost@acme.example"}, {"password", kPassword}});
  CHECK(unknown.status == 401);
  CHECK(unknown.json().at("detail") == wrong.json().at("detail"));  // no account enumeration

  const Browser dev = sign_in(anon, "dev@acme.example", kPassword);
  CHECK(dev.set_cookie.find("HttpOnly") != std::string::npos);
  CHECK(dev.set_cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(dev.set_cookie.find("Secure") == std::string::npos);  // plain HTTP here; TLS adds it
  auto me = as_browser(anon, dev, "GET", "/api/v1/session");
  REQUIRE(me.status == 200);
  CHECK(me.json().at("org_id") == acme.org_id);
  CHECK(me.json().at("auth") == "session");
  CHECK(me.json().at("user").at("id") == member_id);
  CHECK(me.json().at("csrf_token") == dev.csrf);
  CHECK(me.json().at("key_id").is_null());

  // Unsafe methods need the CSRF token; safe ones do not.
  auto no_csrf = as_browser(anon, dev, "POST", "/api/v1/api-keys", json{{"name", "laptop"}}, false);
  CHECK(no_csrf.status == 403);
  CHECK(no_csrf.json().at("detail").get<std::string>().find("X-CSRF-Token") != std::string::npos);
  auto bad_csrf = anon.request(
      "POST", "/api/v1/api-keys", json{{"name", "laptop"}}.dump(),
      {{"Cookie", dev.cookie}, {"X-CSRF-Token", "forged"}, {"Content-Type", "application/json"}});
  CHECK(bad_csrf.status == 403);
  auto key = as_browser(anon, dev, "POST", "/api/v1/api-keys", json{{"name", "laptop"}});
  REQUIRE(key.status == 201);
  CHECK(key.json().at("user_id") == member_id);
  const std::string dev_key = key.json().at("key");
  const std::string dev_key_id = key.json().at("id");

  // A member is not an org admin: no adding people, and only its own keys.
  auto as_member = gw.client(dev_key);
  auto forbidden = as_member.post("/api/v1/orgs/" + acme.org_id + "/users",
                                  {{"email", "x@acme.example"}, {"password", kPassword}});
  CHECK(forbidden.status == 403);
  auto keys = as_member.get("/api/v1/api-keys");
  REQUIRE(keys.status == 200);
  REQUIRE(keys.json().at("items").size() == 1);
  CHECK(keys.json().at("items")[0].at("id") == dev_key_id);
  auto all_keys = acme_key.get("/api/v1/api-keys");
  CHECK(all_keys.json().at("items").size() == 2);
  auto members = as_member.get("/api/v1/orgs/" + acme.org_id + "/users");
  REQUIRE(members.status == 200);
  CHECK(members.json().at("items").size() == 2);
  CHECK(members.json().dump().find("scrypt") == std::string::npos);
  CHECK(members.json().dump().find("password") == std::string::npos);
  auto who = as_member.get("/api/v1/session");
  CHECK(who.json().at("org_role") == "member");
  CHECK(who.json().at("user").at("email") == "dev@acme.example");

  // Sign out: this session ends at once and the cookie is cleared.
  const Browser second = sign_in(anon, "dev@acme.example", kPassword);
  auto out = as_browser(anon, dev, "DELETE", "/api/v1/session");
  CHECK(out.status == 204);
  CHECK(out.header("Set-Cookie").find("Max-Age=0") != std::string::npos);
  CHECK(as_browser(anon, dev, "GET", "/api/v1/session").status == 401);
  CHECK(as_browser(anon, second, "GET", "/api/v1/session").status == 200);
  // Log out everywhere, here with the user's own key.
  const Browser third = sign_in(anon, "dev@acme.example", kPassword);
  CHECK(as_member.del("/api/v1/session?scope=all").status == 204);
  CHECK(as_browser(anon, second, "GET", "/api/v1/session").status == 401);
  CHECK(as_browser(anon, third, "GET", "/api/v1/session").status == 401);
  CHECK(as_member.get("/api/v1/session").status == 200);  // keys are not sessions

  // Disabling the member ends its keys too.
  CHECK(acme_key.del("/api/v1/orgs/" + acme.org_id + "/users/" + member_id).status == 204);
  CHECK(as_member.get("/api/v1/session").status == 401);
  CHECK(anon.post("/api/v1/session", {{"email", "dev@acme.example"}, {"password", kPassword}})
            .status == 401);
}

TEST_CASE("failed sign-ins are throttled per email with 429 and Retry-After",
          "[integration][security][accounts]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.tweak = [](Config& c) {
                   c.login_failures_burst = 3;
                   c.login_failure_refill = std::chrono::minutes(10);
                 }});
  auto admin = gw.client(gw.admin_key());
  const auto acme = make_org_with_key(admin, "acme", "user");
  auto acme_key = gw.client(acme.key);
  make_user(acme_key, acme.org_id, "dev@acme.example", kPassword);
  make_user(acme_key, acme.org_id, "ops@acme.example", kPassword);
  auto anon = gw.client();
  for (int i = 0; i < 3; ++i) {
    CHECK(anon.post("/api/v1/session", {{"email", "dev@acme.example"},
                                        {"password", "guess-" + std::to_string(i) + "-xxxx"}})
              .status == 401);
  }
  auto throttled =
      anon.post("/api/v1/session", {{"email", "dev@acme.example"}, {"password", kPassword}});
  CHECK(throttled.status == 429);
  CHECK(std::stoi(throttled.header("Retry-After")) >= 1);
  CHECK(throttled.header("Content-Type").find("problem+json") != std::string::npos);
  // Another account from the same address is not locked by this one's failures.
  CHECK(anon.post("/api/v1/session", {{"email", "ops@acme.example"}, {"password", kPassword}})
            .status == 201);
}

TEST_CASE("rate limits per key and per address answer 429 with Retry-After",
          "[integration][security][rate]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.tweak = [](Config& c) {
                   c.rate_limit_key_per_s = 1;
                   c.rate_limit_key_burst = 5;
                 }});
  auto admin = gw.client(gw.admin_key());
  const auto a = make_org_with_key(admin, "a", "user");
  const auto b = make_org_with_key(admin, "b", "user");
  auto ca = gw.client(a.key);
  int ok = 0;
  HttpResponse limited;
  for (int i = 0; i < 20 && limited.status != 429; ++i) {
    limited = ca.get("/api/v1/session");
    if (limited.status == 200) ++ok;
  }
  CHECK(ok >= 4);
  CHECK(ok <= 6);
  REQUIRE(limited.status == 429);
  CHECK(std::stoi(limited.header("Retry-After")) >= 1);
  CHECK(limited.json().at("code") == "rate_limited");
  // Another key has its own bucket; health checks are not limited.
  CHECK(gw.client(b.key).get("/api/v1/session").status == 200);
  CHECK(ca.get("/healthz").status == 200);

  TempDir dir2;
  TestGateway by_address(dir2.path(), {.tweak = [](Config& c) {
                           c.rate_limit_address_per_s = 1;
                           c.rate_limit_address_burst = 3;
                         }});
  auto anon = by_address.client();
  int statuses_429 = 0;
  for (int i = 0; i < 10; ++i) {
    if (anon.get("/api/v1/session").status == 429) ++statuses_429;
  }
  CHECK(statuses_429 >= 6);
}

}  // namespace suanwang::testing
