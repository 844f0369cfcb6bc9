// Master key loading and re-sealing at start-up (see secrets.hpp).
#include "gateway/app/secrets.hpp"

#include <cstdlib>

#include "gateway/app/database_file.hpp"
#include "gateway/security/master_key.hpp"
#include "gateway/services/site_vault.hpp"

namespace suanwang::app {

Result<OpenedSecrets> open_secrets(const Config& config, store::Store& store, Random& random,
                                   Logger& log) {
  std::optional<std::string> env;
  if (const char* v = std::getenv("SUANWANG_MASTER_KEY"); v != nullptr && *v != '\0') env = v;
  // Generating a fresh key is right only while nothing is sealed yet: otherwise the old key
  // went missing, and a new one would hide that.
  if (!env && config.master_key_file.empty() &&
      !std::filesystem::exists(config.data_dir / "master.key")) {
    auto sealed =
        store.blocking([](store::Db& db) { return store::count_sealed_site_credentials(db); });
    if (!sealed) return fail(sealed.error());
    if (*sealed > 0) {
      return fail(
          Error::invalid("master_key",
                         "the database holds sealed site credentials but no master key was given "
                         "(SUANWANG_MASTER_KEY, --master-key-file, or " +
                             (config.data_dir / "master.key").string() + ")"));
    }
  }
  auto master = security::load_master_key(env, config.master_key_file, config.data_dir, random);
  if (!master) return fail(master.error());
  std::vector<security::MasterKey> previous;
  if (!config.previous_master_key_file.empty()) {
    auto old = security::read_master_key_file(config.previous_master_key_file);
    if (!old) return fail(old.error());
    previous.push_back(*old);
  }
  auto box = std::make_unique<security::SecretBox>(master->key, previous);
  if (master->generated) {
    log.warn("generated a new master key; back it up: site credentials cannot be read without it",
             {{"file", master->source}, {"key_id", box->current_key_id()}});
  } else {
    log.info("master key loaded", {{"source", master->source}, {"key_id", box->current_key_id()}});
  }
  const services::SiteVault vault(box.get(), random);
  auto resealed = store.blocking([&](store::Db& db) { return vault.reseal(db); });
  if (!resealed) return fail(resealed.error());
  if (*resealed > 0) {
    log.info("sealed site credentials under the current master key",
             {{"sites", *resealed}, {"key_id", box->current_key_id()}});
  }
  return OpenedSecrets{std::move(box), *resealed};
}

Result<int> rotate_master_key(const Config& config, Random& random, Logger& log) {
  const auto path = config.data_dir / "suanwang.db";
  if (!std::filesystem::exists(path)) {
    return fail(Error::invalid("data_dir", "no database at " + path.string()));
  }
  if (auto r = make_database_private(path); !r) return fail(r.error());
  auto store = store::Store::open(path);
  if (!store) return fail(store.error());
  auto opened = open_secrets(config, **store, random, log);
  if (!opened) return fail(opened.error());
  return opened->resealed;
}

}  // namespace suanwang::app
