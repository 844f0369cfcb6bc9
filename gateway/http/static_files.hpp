// StaticFiles: serves the portal from a directory (web/). GET and HEAD only; paths are
// normalised and may not leave the root; unknown extensions are served as octet-stream.
#pragma once

#include <filesystem>
#include <optional>

#include "gateway/http/message.hpp"

namespace suanwang::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

  // std::nullopt when no file answers the path (the caller decides what 404 looks like).
  std::optional<Response> serve(const Request& req, std::string_view path) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

std::string_view mime_type(std::string_view extension);

}  // namespace suanwang::http
