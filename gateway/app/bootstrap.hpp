// Bootstrap (DESIGN §5): on first start, the admin org and its key (SUANWANG_ADMIN_KEY or a
// generated one written to <data-dir>/admin.key, mode 0600); with --demo, the demo federation
// (regions, network, one sim site per hub, a local site) and the orgs demo-user and
// demo-operator with keys in <data-dir>/demo-keys.json; with the demo load as well, the org
// demo-load (no key, no user: only the gateway submits as it; app/demo_load.hpp). Idempotent:
// a second start changes nothing that exists.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/core/random.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::app {

struct BootstrapResult {
  std::optional<std::filesystem::path> admin_key_file;  // set when a key was written
  std::optional<std::filesystem::path> demo_keys_file;
  // The demo user's portal sign-in (its password is in demo_keys_file), read from that file.
  std::optional<std::string> demo_user_email;
  bool created_admin = false;
  std::optional<std::string> demo_load_org_id;  // set with demo and demo_load
  std::optional<std::string> demo_operator_org_id;  // set with demo
};

Result<BootstrapResult> bootstrap(store::Store& store, const std::filesystem::path& data_dir,
                                  bool demo, bool demo_load, IdGenerator& ids, Random& random,
                                  const Clock& clock, Logger& log);

}  // namespace suanwang::app
