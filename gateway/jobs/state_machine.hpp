// The job state machine (DESIGN §2): which transitions exist. Pure.
//   pending -> placed -> submitted -> running -> succeeded | failed | canceled
//   placed | submitted -> pending      (the site refused or lost it before it ran: fail over)
//   pending | placed | submitted -> failed | canceled
#pragma once

#include "gateway/model/job.hpp"

namespace suanwang::jobs {

bool can_transition(model::JobState from, model::JobState to);

}  // namespace suanwang::jobs
