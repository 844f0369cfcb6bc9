// The job state machine (DESIGN §2): which transitions exist. Pure.
//   pending -> placed -> submitted -> running -> succeeded | failed | canceled
//   placed | submitted | running -> pending   (the site refused, lost or dropped it: fail over)
//   pending | placed | submitted -> failed | canceled
#pragma once

#include "gateway/model/job.hpp"

namespace suanwang::lifecycle {

bool can_transition(model::JobState from, model::JobState to);

}  // namespace suanwang::lifecycle
