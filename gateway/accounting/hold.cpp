// Held money of jobs in flight (see hold.hpp).
#include "gateway/accounting/hold.hpp"

namespace suanwang::accounting {

bool holds_money(model::JobState state) {
  using S = model::JobState;
  return state == S::pending || state == S::placed || state == S::staging ||
         state == S::submitted || state == S::running || state == S::collecting;
}

double hold_cny(model::JobState state, const std::optional<double>& estimate) {
  return holds_money(state) ? estimate.value_or(0.0) : 0.0;
}

double hold_change_cny(model::JobState from, const std::optional<double>& from_estimate,
                       model::JobState to, const std::optional<double>& to_estimate) {
  const bool was = holds_money(from);
  const bool is = holds_money(to);
  // Compared before subtracting: x - x is 0 for finite x anyway, but this says why no write.
  if (was == is && (!is || from_estimate == to_estimate)) return 0.0;
  return hold_cny(to, to_estimate) - hold_cny(from, from_estimate);
}

}  // namespace suanwang::accounting
