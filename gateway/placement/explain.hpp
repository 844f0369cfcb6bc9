// Explanation of a placement decision: the sentence for each rejection, the one-line summary,
// and the JSON served by POST /api/v1/quotes and GET /api/v1/jobs/{id}/decision. Pure.
#pragma once

#include <string>
#include <vector>

#include "gateway/placement/placement.hpp"

namespace suanwang::placement {

// The figures a rejection sentence needs beyond the site and the job.
struct RejectDetail {
  double value = 0;  // the offending figure (cost, age, seconds, jobs in flight)
  double limit = 0;  // the limit it broke, where there is one
};

// Why the site was rejected, as a catalog code ("reject.<code>") and its figures.
i18n::Message rejection_text(RejectCode code, const model::Site& site, const model::JobSpec& job,
                             const RejectDetail& detail);

// What the summary needs to know of candidates beyond the ranked list.
struct ExplainFacts {
  bool fastest_is_best = false;
  double fastest_cost_cny = 0;
};

// The one-line summary as coded parts written one after another, e.g. in English
// "Gui'an: ¥12.40, starts now, 2.1 GB moved in 1.9 s; 41% cheaper than the fastest site".
std::vector<i18n::Message> summary_parts(const Decision& d, const ExplainFacts& facts);

std::string human_bytes(double bytes);

}  // namespace suanwang::placement
