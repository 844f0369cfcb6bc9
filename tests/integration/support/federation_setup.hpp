// Setting up a small federation over the API, as an admin and an operator would: two test
// regions, an operator, two user orgs and one `local` site that has reported its capacity.
// Shared by the integration, CLI and site suites.
#pragma once

#include <string>
#include <vector>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {

// Creates an org of `kind` and a key for it; returns the key (and the org's id in *org_id).
std::string make_org_key(HttpClient& admin, const std::string& name, const std::string& kind,
                         std::string* org_id = nullptr);

struct LocalFederation {
  std::string operator_key;
  std::string user_key;   // org "acme-robotics"
  std::string other_key;  // org "other-company"
  std::string user_org;
  std::string site_id;  // the local site, in region cn-test-east
};

// Regions cn-test-east and cn-test-west with a link, the orgs, and a local site in cn-test-east
// (prices: 0.36 CNY per core-hour) that has reported capacity. REQUIRE-fails on any error.
LocalFederation set_up_local_federation(TestGateway& gw);

struct SimFederation {
  std::string operator_key;
  std::string user_key;
  std::string user_org;
  std::vector<std::string> site_ids;  // in the order given
};

// Region cn-test-east, an operator org registering `sites` (site bodies, usually sim sites in
// cn-test-east) and a user org; returns once every site has reported capacity.
SimFederation set_up_sim_federation(TestGateway& gw, const std::vector<nlohmann::json>& sites);

}  // namespace suanwang::testing
