// Reading small record files (job records, pid files, /proc entries) whole, with a size cap,
// and replacing them atomically: shared by the adapters that keep state on disk.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

// The whole file when it exists and is at most `limit` bytes; nullopt when it is missing,
// unreadable or larger.
std::optional<std::string> read_small_file(const std::filesystem::path& path,
                                           std::size_t limit = std::size_t{1} << 20);

// Replaces `path` with `content` so that a reader, or a gateway restarted after a crash or a
// power cut, sees either the old file or the whole new one: a temporary file beside it,
// fsync, rename(2), then fsync of the directory (which makes the rename itself durable).
// The directory must exist. Errors (AdapterErrc::internal) name the path.
AdapterResult<void> write_file_durably(const std::filesystem::path& path, std::string_view content);

}  // namespace suanwang::adapters
