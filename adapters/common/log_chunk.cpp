// Log request clamps and chunking.
#include "adapters/common/log_chunk.hpp"

#include <algorithm>

namespace suanwang::adapters {

LogWindow log_window(int64_t offset, int64_t max_bytes) {
  return LogWindow{std::max<int64_t>(offset, 0),
                   std::clamp<int64_t>(max_bytes, 0, kMaxLogChunkBytes)};
}

LogChunk slice_log(std::string_view text, LogWindow window, bool ended) {
  const auto size = static_cast<int64_t>(text.size());
  LogChunk chunk;
  chunk.offset = window.offset;
  if (window.offset < size) {
    const auto n = std::min(window.max_bytes, size - window.offset);
    chunk.data.assign(text.substr(static_cast<size_t>(window.offset), static_cast<size_t>(n)));
  }
  chunk.next_offset = window.offset + static_cast<int64_t>(chunk.data.size());
  chunk.eof = ended && chunk.next_offset >= size;
  return chunk;
}

}  // namespace suanwang::adapters
