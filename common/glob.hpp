// Globs over '/'-separated relative paths: '*' matches within one segment, '?' one character
// (not '/'), and "**" as a whole segment any number of segments. Shared by the gateway (job
// outputs, downloads) and the adapters (collecting a job's outputs).
#pragma once

#include <string_view>

namespace suanwang::common {

bool glob_match(std::string_view glob, std::string_view path);

}  // namespace suanwang::common
