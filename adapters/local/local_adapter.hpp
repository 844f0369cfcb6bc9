// The local adapter: this machine as a site. Jobs run as child processes in their own
// directories under the site's work_dir, with walltime and cancel enforced by signals, and
// everything needed to recover them kept on disk. Implements SiteAdapter (DESIGN §4).
#pragma once

#include "adapters/registry.hpp"

namespace suanwang::adapters::local {

// type "local"; its options are described in local_options.hpp.
AdapterFactory factory();

}  // namespace suanwang::adapters::local
