// Staging and collection on a file system the gateway can reach (this machine, or a cluster's
// shared file system): what the local and slurm adapters share. Files are copied, never
// linked (a job may write to its inputs; the blob store's files must not change), each copy
// hashed as it is written and checked against the digest it must have; files already there
// whole are not copied again. Collection takes regular files only (a symlink a job made is not
// followed out of its directory).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

// Copies `files` into `dir` (created when missing) at their relative paths.
AdapterResult<TransferReport> stage_into(const std::filesystem::path& dir,
                                         const std::vector<StageFile>& files);

// Copies the regular files under `dir` whose relative paths match one of `globs` into
// `into_dir`, keeping the relative paths; names in `exclude` at the top of `dir` (the
// adapter's own bookkeeping files) are left out.
AdapterResult<Collection> collect_from(const std::filesystem::path& dir,
                                       const std::vector<std::string>& globs,
                                       const std::filesystem::path& into_dir,
                                       const std::set<std::string>& exclude);

}  // namespace suanwang::adapters
