// RFC 9457 problem details: the one shape every error response has.
#pragma once

#include <string>

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

}  // namespace suanwang::http
