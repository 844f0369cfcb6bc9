// The sim adapter: an emulated compute center (pools, accelerators, a FIFO queue, seeded
// refusals and losses) on an injectable clock, for the demo, tests and scale tests with
// thousands of sites in one process. Implements SiteAdapter (DESIGN §4).
#pragma once

#include "adapters/registry.hpp"

namespace suanwang::adapters::sim {

// type "sim"; its options are described in sim_options.hpp.
AdapterFactory factory();

}  // namespace suanwang::adapters::sim
