// Serving logs(offset, max_bytes) consistently across adapters: the clamps on a request and
// cutting a chunk out of text that only ever grows at its end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

// One logs() answer never carries more than this, whatever the caller asks (house rule 5).
inline constexpr int64_t kMaxLogChunkBytes = int64_t{4} << 20;

struct LogWindow {
  int64_t offset = 0;     // >= 0
  int64_t max_bytes = 0;  // in [0, kMaxLogChunkBytes]
};

// Negative offsets read from the start; max_bytes is clamped to [0, kMaxLogChunkBytes].
LogWindow log_window(int64_t offset, int64_t max_bytes);

// The chunk of `text` at the window; eof once `ended` and nothing is left past the chunk.
LogChunk slice_log(std::string_view text, LogWindow window, bool ended);

// The chunk of the file at `path` (a job's output, which only grows at its end) at the window.
// A missing file is no output yet (eof when `ended`). `ended` must be decided before the call,
// so that output written meanwhile is not cut off by an early eof. Symlinks are not followed.
LogChunk read_log_file(const std::string& path, LogWindow window, bool ended);

}  // namespace suanwang::adapters
