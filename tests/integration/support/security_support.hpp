// Helpers for the accounts-and-security integration tests: orgs with keys, users, portal
// sign-in with the session cookie and CSRF token, and a local site.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {

struct OrgKey {
  std::string org_id;
  std::string key;
};

inline OrgKey make_org_with_key(HttpClient& admin, const std::string& name,
                                const std::string& kind) {
  auto org = admin.post("/api/v1/orgs", {{"name", name}, {"kind", kind}});
  INFO(org.body);
  REQUIRE(org.status == 201);
  const std::string id = org.json().at("id");
  auto key = admin.post("/api/v1/api-keys", {{"name", name + " key"}, {"org_id", id}});
  REQUIRE(key.status == 201);
  return {id, key.json().at("key")};
}

inline std::string make_user(HttpClient& by, const std::string& org_id, const std::string& email,
                             const std::string& password, const std::string& role = "member") {
  auto r = by.post("/api/v1/orgs/" + org_id + "/users",
                   {{"email", email}, {"password", password}, {"role", role}});
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.json().at("id");
}

// A signed-in browser: the cookie and the CSRF token it was given.
struct Browser {
  std::string cookie;  // "sw_session=..."
  std::string csrf;
  std::string set_cookie;  // as the server sent it
};

inline Browser sign_in(HttpClient& anonymous, const std::string& email,
                       const std::string& password) {
  auto r = anonymous.post("/api/v1/session", {{"email", email}, {"password", password}});
  INFO(r.body);
  REQUIRE(r.status == 201);
  Browser b;
  b.set_cookie = r.header("Set-Cookie");
  b.cookie = b.set_cookie.substr(0, b.set_cookie.find(';'));
  b.csrf = r.json().at("csrf_token");
  return b;
}

// A request as that browser; `csrf` adds the X-CSRF-Token header.
inline HttpResponse as_browser(HttpClient& anonymous, const Browser& b, const std::string& method,
                               const std::string& target, const nlohmann::json& body = nullptr,
                               bool csrf = true) {
  std::map<std::string, std::string> headers{{"Cookie", b.cookie}};
  if (csrf) headers.emplace("X-CSRF-Token", b.csrf);
  std::string text;
  if (!body.is_null()) {
    headers.emplace("Content-Type", "application/json");
    text = body.dump();
  }
  return anonymous.request(method, target, text, headers);
}

inline nlohmann::json local_site_body(const std::string& name, const std::string& region,
                                      nlohmann::json credentials = nlohmann::json::object()) {
  nlohmann::json adapter = {{"type", "local"}, {"options", nlohmann::json::object()}};
  if (!credentials.empty()) adapter["credentials"] = credentials;
  return {
      {"name", name},
      {"region", region},
      {"kind", "general"},
      {"adapter", adapter},
      {"pricing", {{"cpu_core_hour", 36.0}, {"memory_gb_hour", 3.6}, {"billing_granularity_s", 1}}},
      {"policy", {{"max_walltime_s", 3600}, {"max_in_flight", 16}}}};
}

// Waits until the site's first capacity report arrived (it is usable from then on).
inline void wait_until_reporting(HttpClient& c, const std::string& site_id) {
  REQUIRE(eventually([&] {
    auto s = c.get("/api/v1/sites/" + site_id + "/capacity");
    return s.status == 200 && !s.json().at("observed_at").is_null();
  }));
}

inline void put_one_region(HttpClient& admin, const std::string& region) {
  auto r =
      admin.put("/api/v1/regions", nlohmann::json::array({{{"id", region}, {"name", region}}}));
  INFO(r.body);
  REQUIRE(r.status == 200);
}

}  // namespace suanwang::testing
