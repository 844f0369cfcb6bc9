// Api over HttpClient (see api.hpp).
#include "tools/cli/api.hpp"

#include <cctype>

#include "tools/cli/views.hpp"

namespace suanwang::cli {

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Result<ApiAnswer> Api::get(const std::string& target) {
  return finish(http_.request("GET", target));
}

Result<ApiAnswer> Api::get_all(const std::string& target, int max_pages) {
  const std::string base =
      target + (target.find('?') == std::string::npos ? "?" : "&") + "page_size=500";
  ApiAnswer all;
  Json items = Json::array();
  std::string token;
  for (int i = 0; i < max_pages; ++i) {
    auto page = get(token.empty() ? base : base + "&page_token=" + url_encode(token));
    if (!page) return page;
    if (i == 0) all = *page;
    const Json& body = page->body;
    if (body.is_object() && body.contains("items") && body["items"].is_array()) {
      for (const auto& item : body["items"]) items.push_back(item);
    }
    const bool more =
        body.is_object() && body.contains("next_page_token") && body["next_page_token"].is_string();
    token = more ? body["next_page_token"].get<std::string>() : std::string();
    if (i == 0 && token.empty()) return all;  // one page: the answer as received
    if (token.empty()) break;
  }
  if (all.body.is_object()) {
    all.body["items"] = std::move(items);
    all.body["next_page_token"] = token.empty() ? Json(nullptr) : Json(token);
    all.raw = all.body.dump();
  }
  return all;
}

Result<ApiAnswer> Api::post(const std::string& target, const Json& body,
                            const std::vector<std::pair<std::string, std::string>>& headers) {
  auto h = headers;
  h.emplace_back("Content-Type", "application/json");
  return finish(http_.request("POST", target, body.dump(), h));
}

Result<ApiAnswer> Api::patch(const std::string& target, const Json& body) {
  return finish(
      http_.request("PATCH", target, body.dump(), {{"Content-Type", "application/json"}}));
}

Result<ApiAnswer> Api::del(const std::string& target) {
  return finish(http_.request("DELETE", target));
}

Result<ApiAnswer> Api::get_text(const std::string& target, const std::string& accept) {
  auto reply = http_.request("GET", target, {}, {{"Accept", accept}});
  if (reply && reply->status >= 200 && reply->status <= 299) {
    ApiAnswer a;
    a.status = reply->status;
    a.raw = std::move(reply->body);
    return a;
  }
  return finish(std::move(reply));
}

Result<ApiAnswer> Api::post_empty(const std::string& target) {
  return finish(http_.request("POST", target));
}

Result<ApiAnswer> Api::finish(Result<HttpReply> reply) {
  last_problem_ = nullptr;
  if (!reply) return fail(reply.error());
  if (reply->status < 200 || reply->status > 299) {
    Json p = Json::parse(reply->body, nullptr, false);
    if (p.is_object()) last_problem_ = std::move(p);
    return fail(error_from_answer(reply->status, reply->body));
  }
  ApiAnswer a;
  a.status = reply->status;
  if (!reply->body.empty()) {
    a.body = Json::parse(reply->body, nullptr, false);
    if (a.body.is_discarded()) {
      return fail(Error::internal("the server's answer (HTTP " + std::to_string(reply->status) +
                                  ") is not JSON"));
    }
  }
  a.raw = std::move(reply->body);
  return a;
}

}  // namespace suanwang::cli
