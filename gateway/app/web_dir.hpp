// Where the portal's files are when `--web-dir` is not given: the first of these folders that
// holds an index.html —
//   1. <the executable's folder>/web              a binary copied along with its web/ folder
//   2. <the executable's folder>/../share/suanwang/web   an installed layout (bin/, share/)
//   3. the source tree's web/ the binary was built from   (scripts/run, developers)
// so a copied binary serves the portal when web/ goes with it, and a build serves its own
// checkout's portal with no flag. Not embedded in the binary: the portal is 1.4 MB (1.1 MB of
// it ECharts) and changes often; a folder keeps builds fast and lets operators restyle it.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

namespace suanwang::app {

// The folders searched, in order (the executable's folder first).
std::vector<std::filesystem::path> web_dir_candidates(const std::filesystem::path& executable,
                                                      const std::filesystem::path& source_web);
// The first candidate holding an index.html, if any.
std::optional<std::filesystem::path> find_web_dir(const std::filesystem::path& executable,
                                                  const std::filesystem::path& source_web);
// This process's executable (/proc/self/exe), or empty when it cannot be read.
std::filesystem::path current_executable();
// Whether `dir` holds a portal (an index.html).
bool holds_portal(const std::filesystem::path& dir);

}  // namespace suanwang::app
