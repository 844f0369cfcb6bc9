// Finding the portal's files (see web_dir.hpp).
#include "gateway/app/web_dir.hpp"

#include <system_error>

namespace suanwang::app {

std::vector<std::filesystem::path> web_dir_candidates(const std::filesystem::path& executable,
                                                      const std::filesystem::path& source_web) {
  std::vector<std::filesystem::path> out;
  if (!executable.empty()) {
    const auto bin = executable.parent_path();
    out.push_back(bin / "web");
    out.push_back((bin.parent_path() / "share" / "suanwang" / "web").lexically_normal());
  }
  if (!source_web.empty()) out.push_back(source_web);
  return out;
}

bool holds_portal(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir / "index.html", ec);
}

std::optional<std::filesystem::path> find_web_dir(const std::filesystem::path& executable,
                                                  const std::filesystem::path& source_web) {
  for (const auto& dir : web_dir_candidates(executable, source_web)) {
    if (holds_portal(dir)) return dir;
  }
  return std::nullopt;
}

std::filesystem::path current_executable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : p;
}

}  // namespace suanwang::app
