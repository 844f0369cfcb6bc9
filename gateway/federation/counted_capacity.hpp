// CountedCapacity: what of one site's latest report the federation's totals count. GET
// /api/v1/capacity, its history and /metrics all sum sites through it, so the three agree.
//
//   not counted   no report, a report older than stale_after, an offline site, or a `checking`
//                 one (not heard from by the capacity poll yet: placement does not trust what
//                 its registration saw, so the totals do not either)
//   not free      a drained or draining site: its totals, running and queued jobs count, but
//                 none of its CPUs, memory or accelerators count as free, since it takes no new
//                 jobs (issue 22 item 11)
//   as reported   every other site (online or degraded)
#pragma once

#include <chrono>
#include <optional>

#include "gateway/core/clock.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/model/capacity.hpp"

namespace suanwang::federation {

// The site's report as the totals count it, or none when they leave it out (pure).
std::optional<model::SiteCapacity> counted_capacity(const SiteView& v, TimePoint now,
                                                    std::chrono::milliseconds stale_after);

// Whether the site takes new jobs at all, so that its free capacity is free for anyone.
bool offers_free_capacity(const model::Site& s);

}  // namespace suanwang::federation
