// Log request clamps and chunking.
#include "adapters/common/log_chunk.hpp"

#include <algorithm>
#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

LogChunk read_log_file(const std::string& path, LogWindow window, bool ended) {
  LogChunk chunk;
  chunk.offset = window.offset;
  chunk.next_offset = window.offset;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    chunk.eof = ended;  // never started: never any output
    return chunk;
  }
  struct stat sb {};
  const int64_t size = ::fstat(fd, &sb) == 0 ? static_cast<int64_t>(sb.st_size) : 0;
  chunk.data.resize(
      static_cast<size_t>(std::clamp<int64_t>(size - window.offset, 0, window.max_bytes)));
  size_t got = 0;
  while (got < chunk.data.size()) {
    const auto n = ::pread(fd, chunk.data.data() + got, chunk.data.size() - got,
                           static_cast<off_t>(window.offset) + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  chunk.data.resize(got);
  chunk.next_offset = window.offset + static_cast<int64_t>(got);
  chunk.eof = ended && chunk.next_offset >= size;
  return chunk;
}

}  // namespace suanwang::adapters
