// problem+json rendering.
#include "gateway/http/problem.hpp"

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

}  // namespace suanwang::http
