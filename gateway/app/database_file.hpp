// The database file is private, like the key files beside it (mode 0600): it holds password
// hashes, API key hashes, sealed site credentials and every job. SQLite creates its -wal and
// -shm files with the database file's mode, so creating the database 0600 before SQLite opens
// it makes all three private; a database from before this rule (0644 under a usual umask) is
// narrowed to 0600 at start, with its -wal and -shm.
#pragma once

#include <filesystem>

#include "gateway/core/result.hpp"

namespace suanwang::app {

// Creates `db_path` empty with mode 0600 when it does not exist (SQLite takes an empty file
// as a new database), and removes group and other permissions from it and from its -wal and
// -shm files when they exist.
Result<void> make_database_private(const std::filesystem::path& db_path);

}  // namespace suanwang::app
