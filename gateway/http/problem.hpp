// RFC 9457 problem details: the one shape every error response has.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/i18n.hpp"
#include "gateway/http/message.hpp"

namespace suanwang::http {

struct Problem {
  Status status = Status::internal_server_error;
  std::string code;  // stable, e.g. "invalid_argument"; the `type` is "urn:suanwang:problem:<code>"
  std::string title;            // short, fixed per code
  std::string detail;           // this occurrence, naming the field where there is one
  std::string field;            // extension member: the offending field, if any
  Json extra = Json::object();  // further extension members
};

// Builds the application/problem+json response; `request_id` becomes `instance`-adjacent
// member "request_id" so a user can quote it.
Response problem_response(const Problem& p, const std::string& request_id, unsigned version = 11);

// The language of a request's caller: its `lang` query parameter, else Accept-Language
// (i18n::negotiate). Only for a request whose header was read whole.
i18n::Lang request_lang(const Request& req);

// A problem this layer writes itself, in `lang`: the title from the catalog ("problem.title.
// <code>", or "http.title.<code>" for codes only this layer writes), the detail rendered from
// `detail`, and the detail's code and parameters as the extension members `message_code` and
// `params` (as api::problem writes them), with Content-Language.
Response coded_problem_response(Status status, const std::string& code,
                                const i18n::Message& detail, i18n::Lang lang,
                                const std::string& request_id, unsigned version = 11);

// The router's answers for a request no route takes: 404, or 405 with Allow when the path
// exists for other methods (`allowed`), in the caller's language.
Response no_route_response(const RequestContext& rc);
Response method_not_allowed_response(const RequestContext& rc,
                                     const std::vector<std::string>& allowed);

}  // namespace suanwang::http
