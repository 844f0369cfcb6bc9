// Secrets at rest at start-up: load the master key (and an older one being rotated away
// from), and re-seal (services::SiteVault) whatever is not sealed under the current
// key (plaintext from before migration 0003, values sealed with the previous key). The same
// steps are `suanwang rotate-master-key`, run with the gateway stopped.
#pragma once

#include <memory>

#include "gateway/core/config.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/core/random.hpp"
#include "gateway/security/secret_box.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::app {

struct OpenedSecrets {
  std::unique_ptr<security::SecretBox> box;  // REQUIRES: outlives the SiteVault made of it
  int resealed = 0;                          // sites whose credentials were re-sealed now
};
Result<OpenedSecrets> open_secrets(const Config& config, store::Store& store, Random& random,
                                   Logger& log);

// `suanwang rotate-master-key`: opens the data dir's database (which must exist), re-seals
// with config.previous_master_key_file as the old key, and returns how many sites changed.
Result<int> rotate_master_key(const Config& config, Random& random, Logger& log);

}  // namespace suanwang::app
