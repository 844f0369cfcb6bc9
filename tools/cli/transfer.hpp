// upload and download: files into a dataset (tus 1.0, in checksummed pieces that resume after a
// broken connection or a stopped command) and out of one (streamed to DIR/PATH.part, resumed
// with Range, checked against the gateway's SHA-256, then renamed into place). Progress bars on
// a terminal; one line per file otherwise.
#pragma once

#include "tools/cli/commands.hpp"

namespace suanwang::cli {

Result<ExitCode> run_upload(Session& s);
Result<ExitCode> run_download(Session& s);

// The dataset named by id or name; created (open, for files) when `create` and no such name.
Result<Json> find_dataset(Api& api, const std::string& name_or_id, bool create);

// Where unfinished uploads are remembered (their tus URLs), so that a new `upload` of the same
// file resumes: $XDG_CACHE_HOME/suanwang/uploads.json, else ~/.cache/suanwang/uploads.json.
std::filesystem::path upload_state_file(const EnvLookup& env);

}  // namespace suanwang::cli
