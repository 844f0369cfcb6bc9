// The sim adapter: an emulated compute center (pools, accelerators, a FIFO queue, seeded
// refusals and losses) on an injectable clock, for the demo, tests and scale tests with
// thousands of sites in one process. Implements SiteAdapter (DESIGN §4).
#pragma once

#include "adapters/registry.hpp"

namespace suanwang::adapters::sim {

// type "sim"; its options are described in sim_options.hpp.
//
// Fault injection (option "fault_injection": true): before every call the adapter reads
// <work_dir>/fault, when it exists, and behaves as its first word says, until the file changes:
//   dark          no call answers (the caller's timeout ends it)
//   slow <ms>     every call answers, <ms> milliseconds late
//   unreachable   every call fails at once (AdapterErrc::unreachable)
//   refuse        submits are refused; the rest answers
// Jobs already at the site keep their state meanwhile (the clock still drives them).
//
// Restarts: an emulated site stands for a center that keeps running while the gateway is down.
// With a work_dir, the adapter saves the site (its jobs, clock and random sequence; see
// sim_snapshot.hpp) to <work_dir>/sim-state.json, durably, whenever a submit or a cancel
// changed it, and the adapter made next over the same work_dir takes it up: jobs go on on the
// clock, those whose time ran out meanwhile end at their proper end times, and a resubmitted
// key finds its job. Without a work_dir nothing is written.
AdapterFactory factory();

}  // namespace suanwang::adapters::sim
