// Helios: the weekly arrival profile of AI work, from the SenseTime Helios Venus cluster's
// 10-minute submit counts (data/traces/helios-venus/cluster_throughput.csv: Hu et al., SC '21;
// China time, 2020-04-01 .. 09-28, 26 weeks), and arrivals drawn from it.
//
// The CSV, one 10-minute bin a line after the header, columns found by name: `time`
// ("YYYY-MM-DD HH:MM:SS", the bin's start, on a 10-minute boundary) and `submit_gpu_job` (jobs
// asking for GPUs submitted in the bin, >= 0); the other columns are ignored. A malformed line
// is an error naming the line and the column.
//
// The profile (helios_profile): for each of the week's 1,008 ten-minute slots (Monday 00:00 =
// slot 0), the mean of submit_gpu_job over the bins falling in that slot, divided by the mean
// over all slots, so the profile averages 1: a rate multiplier (a slot of 2.0 receives twice
// the week's average rate). A slot no bin fell in is 0. Times are China time, as the replay's.
//
// Arrivals (shape_arrivals): n arrival times in [0, span), drawn independently with density
// proportional to the profile (slot chosen by its weight, uniform inside it), sorted; seeded
// and portable (the same numbers for a seed everywhere).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/result.hpp"

namespace suanwang::replay {

inline constexpr int kWeekSlots = 7 * 24 * 6;  // ten-minute slots

struct HeliosBin {
  int64_t start_s = 0;  // civil seconds (csv.hpp), China time
  double gpu_jobs_submitted = 0;
};

Result<std::vector<HeliosBin>> parse_helios_throughput(std::string_view text);

using WeekProfile = std::array<double, kWeekSlots>;
WeekProfile helios_profile(const std::vector<HeliosBin>& bins);

std::vector<double> shape_arrivals(const WeekProfile& profile, std::size_t n, double span_s,
                                   uint64_t seed);

}  // namespace suanwang::replay
