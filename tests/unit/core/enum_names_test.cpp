// Each vocabulary has one name table (core/enum_names.hpp): every name parses back to its
// value, names are unique, unknown names do not parse, and the stored spellings stay as they
// were (they are in databases and API answers).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "gateway/model/job.hpp"
#include "gateway/model/org.hpp"
#include "gateway/model/site.hpp"

namespace {

template <class Table>
void check_table(const Table& t, std::size_t size) {
  std::set<std::string> names;
  std::set<int> values;
  for (const auto& [v, n] : t.entries()) {
    INFO(std::string(n));
    CHECK(t.parse(n) == v);
    CHECK(std::string(t.name(v)) == std::string(n));
    names.insert(std::string(n));
    values.insert(static_cast<int>(v));
  }
  CHECK(names.size() == size);                                                 // no name twice
  CHECK(values.size() == size);                                                // no value twice
  for (int i = 0; i < static_cast<int>(size); ++i) CHECK(values.contains(i));  // every value
  CHECK_FALSE(t.parse("no-such-name"));
}

}  // namespace

TEST_CASE("enum name tables round-trip and cover every value", "[core][enum_names]") {
  using namespace suanwang::model;
  check_table(kJobStateNames, 9);
  check_table(kFailureKindNames, 3);
  check_table(kEventTypeNames, 11);
  check_table(kRoutingPolicyNames, 6);
  check_table(kOrgKindNames, 3);
  check_table(kSiteKindNames, 3);
  check_table(kSiteStatusNames, 5);
  // Spellings that are stored and sent.
  CHECK(std::string(routing_policy_name(RoutingPolicy::data_local)) == "data-local");
  CHECK(std::string(org_kind_name(OrgKind::operator_)) == "operator");
  CHECK(std::string(failure_kind_name(FailureKind::none)).empty());
  // "custom" comes only with weights: it is not a policy a job may name.
  CHECK_FALSE(parse_routing_policy("custom"));
}
