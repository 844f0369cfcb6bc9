// Reading small record files (job records, pid files, /proc entries) whole, with a size cap:
// shared by the adapters that keep state on disk.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace suanwang::adapters {

// The whole file when it exists and is at most `limit` bytes; nullopt when it is missing,
// unreadable or larger.
std::optional<std::string> read_small_file(const std::filesystem::path& path,
                                           std::size_t limit = std::size_t{1} << 20);

}  // namespace suanwang::adapters
