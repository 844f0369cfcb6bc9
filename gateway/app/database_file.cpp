// The database file's mode (see database_file.hpp).
#include "gateway/app/database_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace suanwang::app {

Result<void> make_database_private(const std::filesystem::path& db_path) {
  const int fd = ::open(db_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    return fail(Error::unavailable("cannot create the database " + db_path.string() + ": " +
                                   std::strerror(errno)));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string path = db_path.string() + suffix;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;  // no -wal or -shm yet
    if ((st.st_mode & 077) == 0) continue;
    if (::chmod(path.c_str(), st.st_mode & 0700) != 0) {
      return fail(Error::unavailable("cannot make " + path +
                                     " private (mode 0600): " + std::strerror(errno)));
    }
  }
  return ok();
}

}  // namespace suanwang::app
