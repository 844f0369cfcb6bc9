// Views: the human-readable forms of the API's answers (tables and summaries), and problem+json
// answers turned into Errors. Pure functions of the JSON; tolerant of missing or mistyped
// members (the server may be newer or older than this client), so they never throw.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "gateway/core/json.hpp"
#include "gateway/core/result.hpp"

namespace suanwang::cli {

// Site id -> name, for showing names where the API gives ids.
using SiteNames = std::map<std::string, std::string>;

// GET /api/v1/sites
std::string render_sites(const Json& page);
SiteNames site_names(const Json& page);
// GET /api/v1/capacity
std::string render_capacity(const Json& capacity);
// POST /api/v1/quotes (a placement decision): ranked sites, rejections, summary.
std::string render_quote(const Json& decision);
// The rejected sites of a decision (for a 422 on submit); "" when there are none.
std::string render_rejections(const Json& decision);
// GET /api/v1/jobs
std::string render_jobs(const Json& page, const SiteNames& names);
// GET /api/v1/jobs/{id} and its /events
std::string render_job(const Json& job, const Json& events, const SiteNames& names);
// POST /api/v1/jobs: one line saying where the job went, and the placement summary.
std::string render_submitted(const Json& job);
// One line for a job that reached (or is in) a state: "job_… succeeded (exit 0) · cost 0.01 CNY".
std::string render_job_outcome(const Json& job);

// GET /api/v1/orgs/{id}/credit: the balance, held, available, and the entries.
std::string render_credit(const Json& account);
// POST /api/v1/orgs/{id}/credit: "+500.00 CNY recorded for org_…; balance 620.00 CNY".
std::string render_credit_entry(const Json& entry);

// A non-2xx answer as an Error: the problem's detail and field when it is problem+json, else
// the status and the start of the body. The code follows the status.
Error error_from_answer(int status, std::string_view body);
// "suanwang: <message> (field: <field>)\n"
std::string error_line(const Error& e);

// Tolerant accessors: the member when it has the expected type, else the fallback.
std::string str_of(const Json& j, std::string_view key, std::string fallback = "");
std::optional<double> num_of(const Json& j, std::string_view key);

}  // namespace suanwang::cli
