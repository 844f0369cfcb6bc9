// Allowed job transitions (see state_machine.hpp).
#include "gateway/lifecycle/state_machine.hpp"

namespace suanwang::lifecycle {

bool can_transition(model::JobState from, model::JobState to) {
  using S = model::JobState;
  switch (from) {
    case S::pending:
      // pending -> staging: a job with files to stage goes to staging when it is placed.
      return to == S::placed || to == S::staging || to == S::failed || to == S::canceled;
    case S::placed:
      return to == S::staging || to == S::submitted || to == S::pending || to == S::failed ||
             to == S::canceled;
    case S::staging:
      // staging -> staging records the `staged` event (the inputs are there) before the submit.
      return to == S::staging || to == S::submitted || to == S::pending || to == S::failed ||
             to == S::canceled;
    case S::submitted:
      return to == S::running || to == S::collecting || to == S::pending || to == S::succeeded ||
             to == S::failed || to == S::canceled;
    case S::running:
      return to == S::collecting || to == S::pending || to == S::succeeded || to == S::failed ||
             to == S::canceled;
    case S::collecting:
      return to == S::succeeded || to == S::failed;
    case S::succeeded:
    case S::failed:
    case S::canceled:
      return false;
  }
  return false;
}

}  // namespace suanwang::lifecycle
