// Static file serving (see static_files.hpp).
#include "gateway/http/static_files.hpp"

#include <fstream>
#include <sstream>

namespace suanwang::http {

std::string_view mime_type(std::string_view ext) {
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".map") return "application/json";
  return "application/octet-stream";
}

namespace {

// web/ also holds the tooling that builds it (package.json, node_modules, dot files): only the
// portal's own files are served.
bool is_public(const std::filesystem::path& rel) {
  for (const auto& part : rel) {
    const std::string name = part.string();
    if (name == "node_modules" || (!name.empty() && name.front() == '.')) return false;
  }
  const std::string file = rel.filename().string();
  return file != "package.json" && file != "package-lock.json";
}

// A validator for conditional GETs: size and modification time, so an unchanged file (such
// as the 1 MB chart library) is not sent again.
std::string etag_of(const std::filesystem::path& file, std::error_code& ec) {
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return {};
  const auto mtime = std::filesystem::last_write_time(file, ec);
  if (ec) return {};
  const auto ticks = mtime.time_since_epoch().count();
  std::ostringstream out;
  out << '"' << std::hex << size << '-' << ticks << '"';
  return out.str();
}

}  // namespace

std::optional<Response> StaticFiles::serve(const Request& req, std::string_view path) const {
  if (req.method() != Verb::get && req.method() != Verb::head) return std::nullopt;
  std::string rel = percent_decode(path);
  if (rel.find('\0') != std::string::npos) return std::nullopt;
  // Lexical normalisation, then refuse anything that climbs out of the root.
  std::filesystem::path p = std::filesystem::path(rel).relative_path().lexically_normal();
  if (!p.empty() && *p.begin() == "..") return std::nullopt;
  if (!is_public(p)) return std::nullopt;
  std::filesystem::path full = root_ / p;
  std::error_code ec;
  if (std::filesystem::is_directory(full, ec)) full /= "index.html";
  if (!std::filesystem::is_regular_file(full, ec)) return std::nullopt;
  const std::string etag = etag_of(full, ec);
  if (!etag.empty() && req[bhttp::field::if_none_match] == etag) {
    Response res{Status::not_modified, req.version()};
    res.set(bhttp::field::etag, etag);
    res.set(bhttp::field::cache_control, "no-cache");
    return res;
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  Response res{Status::ok, req.version()};
  res.set(bhttp::field::content_type, mime_type(full.extension().string()));
  res.set(bhttp::field::cache_control, "no-cache");
  if (!etag.empty()) res.set(bhttp::field::etag, etag);
  res.set("X-Content-Type-Options", "nosniff");
  if (req.method() == Verb::head) {
    res.content_length(ss.str().size());
  } else {
    res.body() = ss.str();
    res.prepare_payload();
  }
  return res;
}

}  // namespace suanwang::http
