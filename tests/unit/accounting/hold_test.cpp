// Held money: a job in flight holds its estimate; a write of it moves the org's sum by exactly
// the change, and by exactly 0 when nothing changes (no write of the org row then).
#include <catch2/catch.hpp>

#include "gateway/accounting/hold.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::accounting;
using HS = model::JobState;

TEST_CASE("jobs in flight hold their estimate, final ones nothing", "[accounting][hold]") {
  for (auto s : {HS::pending, HS::placed, HS::submitted, HS::running}) {
    CHECK(holds_money(s));
    CHECK(hold_cny(s, 2.5) == 2.5);
    CHECK(hold_cny(s, std::nullopt) == 0);
  }
  for (auto s : {HS::succeeded, HS::failed, HS::canceled}) {
    CHECK_FALSE(holds_money(s));
    CHECK(hold_cny(s, 2.5) == 0);
  }
}

TEST_CASE("a job's write moves the hold by the change of what it holds", "[accounting][hold]") {
  // Entering flight, leaving it, a new estimate in flight, an estimate arriving.
  CHECK(hold_change_cny(HS::pending, std::nullopt, HS::placed, 4.0) == 4.0);
  CHECK(hold_change_cny(HS::running, 4.0, HS::succeeded, 4.0) == -4.0);
  CHECK(hold_change_cny(HS::pending, 2.5, HS::placed, 0.5) == -2.0);
  CHECK(hold_change_cny(HS::placed, 2.5, HS::placed, 3.0) == 0.5);
  // Nothing changes: exactly 0, so the org row is not written.
  CHECK(hold_change_cny(HS::placed, 2.5, HS::running, 2.5) == 0.0);
  CHECK(hold_change_cny(HS::running, 2.5, HS::pending, 2.5) == 0.0);
  CHECK(hold_change_cny(HS::failed, 9.0, HS::canceled, 1.0) == 0.0);
  CHECK(hold_change_cny(HS::pending, std::nullopt, HS::placed, std::nullopt) == 0.0);
}

}  // namespace
