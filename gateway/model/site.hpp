// Site: one compute center owned by an operator org, with its adapter settings, prices and
// policy (DESIGN §2). Parsing validates a registration body and names the offending field.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/enum_names.hpp"
#include "gateway/core/json.hpp"
#include "gateway/model/energy.hpp"

namespace suanwang::model {

enum class SiteKind { hpc, ai, general };
inline constexpr EnumNames<SiteKind, 3> kSiteKindNames(
    {{{SiteKind::hpc, "hpc"}, {SiteKind::ai, "ai"}, {SiteKind::general, "general"}}});
inline const char* site_kind_name(SiteKind k) {
  return kSiteKindNames.name(k);
}
inline std::optional<SiteKind> parse_site_kind(std::string_view s) {
  return kSiteKindNames.parse(s);
}

// checking: registered, not heard from yet (until its first successful capacity report; a
// site that never answers goes offline after failures_until_offline polls, as others do).
enum class SiteStatus { online, degraded, offline, draining, checking };
inline constexpr EnumNames<SiteStatus, 5> kSiteStatusNames({{{SiteStatus::online, "online"},
                                                             {SiteStatus::degraded, "degraded"},
                                                             {SiteStatus::offline, "offline"},
                                                             {SiteStatus::draining, "draining"},
                                                             {SiteStatus::checking, "checking"}}});
inline const char* site_status_name(SiteStatus s) {
  return kSiteStatusNames.name(s);
}
inline std::optional<SiteStatus> parse_site_status(std::string_view s) {
  return kSiteStatusNames.parse(s);
}

struct Pricing {
  double cpu_core_hour = 0;
  double memory_gb_hour = 0;
  std::map<std::string, double> gpu_hour;  // per accelerator model
  double egress_gb = 0;
  int64_t billing_granularity_s = 1;  // usage is rounded up to a multiple of this
};

struct SitePolicy {
  int64_t max_walltime_s = 7 * 24 * 3600;
  int max_in_flight = 1000;               // jobs from the gateway placed, submitted or running here
  std::vector<std::string> allowed_orgs;  // empty = everyone
  std::vector<std::string> denied_orgs;
};

struct SiteAdapterSettings {
  std::string type;
  std::string endpoint;
  Json options = Json::object();
  Json credentials = Json::object();  // secret: never in responses or logs
};

struct Site {
  std::string id;
  std::string org_id;
  std::string name;
  std::string name_zh;  // its Chinese name; empty when none (then `name` in both languages)
  std::string region;
  SiteKind kind = SiteKind::general;
  SiteAdapterSettings adapter;
  Pricing pricing;
  SitePolicy policy;
  SiteEnergy energy;  // PUE and power; unset figures take the defaults (model/energy.hpp)
  SiteStatus status = SiteStatus::online;  // as set by the operator or by health checks
  bool drained = false;                    // the operator's drain flag; wins over health
  TimePoint created_at{};
  TimePoint updated_at{};
};

// A registration body -> a Site without id/org/timestamps. Region existence and adapter
// options are checked by the caller (they need the store and the adapter registry).
Result<Site> parse_site(const Json& body);
// The full stored form, credentials included (for the store only).
Json site_to_stored_json(const Site& s);
// What the API shows. `detailed` adds the adapter's type, endpoint and options (owner/admin);
// credentials are never shown, only whether they are set.
Json site_to_json(const Site& s, bool detailed);

Json to_json(const Pricing& p);
Json to_json(const SitePolicy& p);

bool valid_accelerator_model(std::string_view m);

}  // namespace suanwang::model
