// What an org may still spend (budget and prepaid credit, less what is held), and the rules for
// moving a prepaid balance by hand and for opening and closing the account.
#include <catch2/catch.hpp>

#include "gateway/accounting/spending.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::accounting;

model::OrgMoney spend_money(std::optional<double> budget, double spent, double held,
                            std::optional<double> credit) {
  return model::OrgMoney{budget, spent, held, credit};
}

TEST_CASE("the smaller of budget and credit left limits a new job", "[accounting][spending]") {
  const auto none = spend_money(std::nullopt, 5, 1, std::nullopt);
  CHECK_FALSE(remaining_cny(none));
  const auto budget = spend_money(100, 30, 20, std::nullopt);
  CHECK(budget_left_cny(budget) == 50.0);
  CHECK(remaining_cny(budget) == 50.0);
  CHECK(std::string(binding_limit(budget)) == "budget");
  const auto both = spend_money(100, 30, 20, 40);
  CHECK(credit_left_cny(both) == 20.0);
  CHECK(remaining_cny(both) == 20.0);
  CHECK(std::string(binding_limit(both)) == "prepaid credit");
  const auto credit_only = spend_money(std::nullopt, 30, 20, 40);
  CHECK(remaining_cny(credit_only) == 20.0);
  CHECK(std::string(binding_limit(credit_only)) == "prepaid credit");
}

TEST_CASE("credit entries may not take back held money", "[accounting][spending]") {
  CHECK(balance_after_entry(spend_money(std::nullopt, 0, 0, std::nullopt), 5).error().code ==
        Errc::conflict);
  const auto m = spend_money(std::nullopt, 0, 30, 100);
  CHECK(*balance_after_entry(m, 50) == 150.0);
  CHECK(*balance_after_entry(m, -70) == 30.0);
  auto too_much = balance_after_entry(m, -70.01);
  REQUIRE_FALSE(too_much);
  CHECK_THAT(too_much.error().message, Catch::Contains("¥70.00 available"));
}

TEST_CASE("a prepaid account closes only at a zero balance", "[accounting][spending]") {
  CHECK(*may_set_prepaid(spend_money(std::nullopt, 0, 0, std::nullopt), true));
  CHECK_FALSE(*may_set_prepaid(spend_money(std::nullopt, 0, 0, 0.0), true));
  CHECK(*may_set_prepaid(spend_money(std::nullopt, 0, 0, 0.004), false));  // under half a fen
  auto owed = may_set_prepaid(spend_money(std::nullopt, 0, 0, -2.5), false);
  REQUIRE_FALSE(owed);
  CHECK_THAT(owed.error().message, Catch::Contains("-¥2.50 (owed)"));
  CHECK(cny_text(12.3) == "¥12.30");
}

}  // namespace
