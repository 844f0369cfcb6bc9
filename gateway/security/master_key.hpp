// Master keys: where the key that seals secrets at rest comes from. In order: the environment
// (SUANWANG_MASTER_KEY), a file (--master-key-file / "master_key_file"), else
// <data-dir>/master.key, generated (mode 0600) on first start. A key is 32 bytes written as 64
// hex digits (`openssl rand -hex 32`); surrounding whitespace is ignored. The database never
// holds a master key.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/random.hpp"
#include "gateway/core/result.hpp"
#include "gateway/security/secret_box.hpp"

namespace suanwang::security {

Result<MasterKey> parse_master_key(std::string_view text, std::string_view source);
// Reads a key file (bounded); refuses files that group or others may read.
Result<MasterKey> read_master_key_file(const std::filesystem::path& path);

struct LoadedMasterKey {
  MasterKey key;
  std::string source;  // "SUANWANG_MASTER_KEY", or the file's path
  bool generated = false;
};
// `env_value`: SUANWANG_MASTER_KEY's value when set.
Result<LoadedMasterKey> load_master_key(const std::optional<std::string>& env_value,
                                        const std::filesystem::path& key_file,
                                        const std::filesystem::path& data_dir, Random& random);

// Writes `content` to `path` with mode 0600, atomically (temp file + fsync + rename).
Result<void> write_private_file(const std::filesystem::path& path, std::string_view content);

}  // namespace suanwang::security
