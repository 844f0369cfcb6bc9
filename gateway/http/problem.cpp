// problem+json rendering, and the problems the HTTP layer writes itself, coded.
#include "gateway/http/problem.hpp"

#include <optional>

namespace suanwang::http {

Response problem_response(const Problem& p, const std::string& request_id, unsigned version) {
  Json body = {{"type", "urn:suanwang:problem:" + p.code},
               {"title", p.title},
               {"status", static_cast<int>(p.status)},
               {"detail", p.detail},
               {"code", p.code}};
  if (!p.field.empty()) body["field"] = p.field;
  if (!request_id.empty()) body["request_id"] = request_id;
  if (p.extra.is_object()) {
    for (const auto& [k, v] : p.extra.items()) body[k] = v;
  }
  Response res = json_response(p.status, body, version);
  res.set(bhttp::field::content_type, "application/problem+json");
  return res;
}

i18n::Lang request_lang(const Request& req) {
  const std::string_view target = req.target();
  const auto q = target.find('?');
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  std::optional<std::string> lang;
  while (!query.empty() && !lang) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && percent_decode(pair.substr(0, eq), UrlPart::query) == "lang") {
      lang = percent_decode(pair.substr(eq + 1), UrlPart::query);
    }
  }
  const auto al = req.find(bhttp::field::accept_language);
  return i18n::negotiate(al == req.end() ? std::string_view() : std::string_view(al->value()),
                         lang ? std::string_view(*lang) : std::string_view());
}

namespace {

// The codes only this layer writes have their titles under its own prefix.
std::string title_code(const std::string& code) {
  for (const char* own : {"bad_request", "header_too_large", "method_not_allowed", "rate_limited"}) {
    if (code == own) return "http.title." + code;
  }
  return "problem.title." + code;
}

}  // namespace

Response coded_problem_response(Status status, const std::string& code,
                                const i18n::Message& detail, i18n::Lang lang,
                                const std::string& request_id, unsigned version) {
  Problem p;
  p.status = status;
  p.code = code;
  p.title = i18n::render(title_code(code), {}, lang);
  p.detail = i18n::render(detail, lang);
  p.extra = {{"message_code", detail.code}, {"params", i18n::params_json(detail.params)}};
  Response res = problem_response(p, request_id, version);
  res.set(bhttp::field::content_language, i18n::lang_tag(lang));
  return res;
}

Response no_route_response(const RequestContext& rc) {
  return coded_problem_response(Status::not_found, "not_found",
                                {"http.no_route",
                                 {{"method", std::string(rc.request.method_string())},
                                  {"path", std::string(rc.path.substr(0, 256))}}},
                                request_lang(rc.request), rc.request_id, rc.request.version());
}

Response method_not_allowed_response(const RequestContext& rc,
                                     const std::vector<std::string>& allowed) {
  std::string allow;
  for (const auto& a : allowed) allow += (allow.empty() ? "" : ", ") + a;
  Response res = coded_problem_response(Status::method_not_allowed, "method_not_allowed",
                                        {"http.method_not_allowed",
                                         {{"method", std::string(rc.request.method_string())},
                                          {"path", std::string(rc.path.substr(0, 256))},
                                          {"allowed", allow}}},
                                        request_lang(rc.request), rc.request_id,
                                        rc.request.version());
  res.set(bhttp::field::allow, allow);
  return res;
}

}  // namespace suanwang::http
