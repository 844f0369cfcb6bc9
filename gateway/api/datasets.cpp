// Datasets: /api/v1/datasets (services::DatasetService), their files (upload whole with PUT,
// download with Range, ETag and Digest) and resumable uploads by the tus 1.0 protocol
// (/api/v1/datasets/{id}/uploads, /api/v1/uploads/{id}; services::UploadService). Private to
// their org: another org's dataset, file or upload is a 404.
#include "gateway/api/api.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>

#include "gateway/data/file_path.hpp"
#include "gateway/http/media_type.hpp"
#include "gateway/security/encoding.hpp"

namespace suanwang::api {
namespace {

constexpr std::string_view kTusVersion = "1.0.0";
constexpr std::string_view kTusExtensions = "creation,termination,checksum";

Json dataset_json(const model::Dataset& d) {
  return model::to_json(d);
}

// The server's body reader as the data plane reads bytes.
class RequestBytes final : public data::ByteSource {
 public:
  explicit RequestBytes(http::BodyReader& reader) : reader_(reader) {}
  boost::asio::awaitable<Result<std::size_t>> read(std::span<char> buf) override {
    co_return co_await reader_.read(buf);
  }
  std::optional<uint64_t> declared_length() const override { return reader_.declared_length(); }

 private:
  http::BodyReader& reader_;
};

// A Range that no byte of the file is in (416; the file's size tells the client what is there).
Error range_outside(uint64_t size) {
  return Error::invalid_coded("Range", {"dataset.range_outside", {{"size", std::to_string(size)}}});
}

Result<int64_t> header_int(const RequestContext& rc, std::string_view name) {
  const auto v = rc.header(name);
  int64_t n = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < 0) {
    return fail(Error::invalid_coded(
        std::string(name),
        {"upload.header_integer",
         {{"header", std::string(name)}, {"value", std::string(v.substr(0, 32))}}}));
  }
  return n;
}

// ---- datasets ----

Awaitable create_dataset(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto d = co_await c.services.datasets.create(caller_of(rc, who), *body);
  if (!d) co_return problem(rc, d.error());
  co_return json(rc, Status::created, dataset_json(*d));
}

Awaitable list_datasets(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto all = co_await c.services.datasets.list(who, *page);
  if (!all) co_return problem(rc, all.error());
  co_return json(rc, Status::ok, page_json(*all, dataset_json));
}

Awaitable get_dataset(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto d = co_await c.services.datasets.find(who, rc.param("id"));
  if (!d) co_return problem(rc, d.error());
  co_return json(rc, Status::ok, dataset_json(*d));
}

Awaitable delete_dataset(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto done = co_await c.services.datasets.remove(caller_of(rc, who), rc.param("id"));
  if (!done) co_return problem(rc, done.error());
  co_return http::Response{Status::no_content, rc.request.version()};
}

Awaitable seal_dataset(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto d = co_await c.services.datasets.seal(caller_of(rc, who), rc.param("id"));
  if (!d) co_return problem(rc, d.error());
  co_return json(rc, Status::ok, dataset_json(*d));
}

// ---- files ----

Awaitable list_files(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto files = co_await c.services.datasets.files(who, rc.param("id"));
  if (!files) co_return problem(rc, files.error());
  auto p = services::page_of(std::move(*files), *page,
                             [](const model::DatasetFile& f) -> const std::string& { return f.path; });
  if (!p) co_return problem(rc, p.error());
  co_return json(rc, Status::ok,
                 page_json(*p, [](const model::DatasetFile& f) { return model::to_json(f); }));
}

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

// RFC 9110 §14: one range of bytes=first-last, first- or -suffix. nullopt: no usable Range
// (absent, or several ranges: the whole file is sent); an error: unsatisfiable (416).
Result<std::optional<ByteRange>> parse_range(std::string_view h, uint64_t size) {
  if (h.empty()) return std::optional<ByteRange>{};
  if (!h.starts_with("bytes=") || h.find(',') != std::string_view::npos) {
    return std::optional<ByteRange>{};
  }
  h.remove_prefix(6);
  const auto dash = h.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>{};
  auto num = [](std::string_view s) -> std::optional<uint64_t> {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return n;
  };
  const auto a = h.substr(0, dash);
  const auto b = h.substr(dash + 1);
  if (a.empty()) {
    auto suffix = num(b);
    if (!suffix) return std::optional<ByteRange>{};
    if (*suffix == 0 || size == 0) return fail(range_outside(size));
    const uint64_t n = std::min(*suffix, size);
    return std::optional<ByteRange>{ByteRange{size - n, n}};
  }
  auto first = num(a);
  if (!first) return std::optional<ByteRange>{};
  uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto l = num(b);
    if (!l || *l < *first) return std::optional<ByteRange>{};
    last = std::min(*l, last);
  }
  if (*first >= size) return fail(range_outside(size));
  return std::optional<ByteRange>{ByteRange{*first, last - *first + 1}};
}

// A file's bytes read in pieces for the server to send; the descriptor closes with the last
// copy of the reader. Reads block on the disk briefly (the page cache, mostly), as static
// files do.
struct FileReader {
  std::shared_ptr<int> fd;
  uint64_t next = 0;
  uint64_t end = 0;
  Result<std::size_t> operator()(std::span<char> buf) {
    const uint64_t want = std::min<uint64_t>(buf.size(), end - next);
    for (;;) {
      const ssize_t n = ::pread(*fd, buf.data(), want, static_cast<off_t>(next));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail(Error::internal("a stored file is shorter than recorded"));
      next += static_cast<uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }
};

Awaitable get_file(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto path = data::check_file_path(rc.param("path"), "path");
  if (!path) co_return problem(rc, path.error());
  auto f = co_await c.services.datasets.open_file(who, rc.param("id"), *path);
  if (!f) co_return problem(rc, f.error());
  const uint64_t size = static_cast<uint64_t>(f->file.size_bytes);
  const std::string etag = "\"" + f->file.sha256 + "\"";
  auto digest = data::digest_from_hex(f->file.sha256);
  const std::string b64 = digest ? data::digest_base64(*digest) : std::string();
  const std::string name = path->substr(path->rfind('/') + 1);
  auto headers = [&](Response& res) {
    res.set(http::bhttp::field::etag, etag);
    res.set(http::bhttp::field::accept_ranges, "bytes");
    res.set(http::bhttp::field::cache_control, "private, no-cache");
    res.set("Digest", "sha-256=" + b64);         // RFC 3230: of the whole file
    res.set("Repr-Digest", "sha-256=:" + b64 + ":");  // RFC 9530
    res.set(http::bhttp::field::content_disposition,
            "attachment; filename*=UTF-8''" + http::percent_encode(name));
  };
  // Conditional requests: a client that has these bytes needs nothing (the name is the digest).
  const auto inm = rc.header("If-None-Match");
  if (!inm.empty() && (inm == "*" || inm.find(etag) != std::string_view::npos)) {
    Response res{Status::not_modified, rc.request.version()};
    headers(res);
    co_return res;
  }
  std::optional<ByteRange> range;
  const auto if_range = rc.header("If-Range");
  if (if_range.empty() || if_range == etag) {
    auto r = parse_range(rc.header("Range"), size);
    if (!r) {
      auto res = problem(rc, range_outside(size));
      res.result(Status::range_not_satisfiable);
      res.set(http::bhttp::field::content_range, "bytes */" + std::to_string(size));
      co_return res;
    }
    range = *r;
  }
  const int fd = ::open(f->blob.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    co_return problem(rc, Error::internal("stored file " + f->blob.string() + " cannot be opened"));
  }
  auto owned = std::shared_ptr<int>(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  Response res{range ? Status::partial_content : Status::ok, rc.request.version()};
  headers(res);
  res.set(http::bhttp::field::content_type, "application/octet-stream");
  const ByteRange sent = range.value_or(ByteRange{0, size});
  if (range) {
    res.set(http::bhttp::field::content_range,
            "bytes " + std::to_string(sent.first) + "-" +
                std::to_string(sent.first + sent.length - 1) + "/" + std::to_string(size));
  }
  res.content_length(sent.length);
  rc.reply_body = http::StreamedBody{sent.length,
                                     FileReader{owned, sent.first, sent.first + sent.length}};
  co_return res;
}

// A digest the client declares for a whole PUT body: Repr-Digest / Content-Digest (RFC 9530,
// sha-256=:b64:) or Digest (RFC 3230, sha-256=b64).
Result<std::optional<data::Digest>> declared_digest(const RequestContext& rc) {
  for (std::string_view name : {"Repr-Digest", "Content-Digest", "Digest"}) {
    std::string_view v = rc.header(name);
    if (v.empty()) continue;
    const auto at = v.find("sha-256=");
    if (at == std::string_view::npos) continue;  // another algorithm: nothing to check here
    v = v.substr(at + 8);
    v = v.substr(0, v.find(','));
    if (v.starts_with(':') && v.ends_with(':') && v.size() >= 2) v = v.substr(1, v.size() - 2);
    auto d = data::digest_from_base64(v);
    if (!d) {
      return fail(Error::invalid_coded(std::string(name),
                                       {"upload.digest_header", {{"header", std::string(name)}}}));
    }
    return std::optional<data::Digest>{*d};
  }
  return std::optional<data::Digest>{};
}

Awaitable put_file(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto path = data::check_file_path(rc.param("path"), "path");
  if (!path) co_return problem(rc, path.error());
  auto expected = declared_digest(rc);
  if (!expected) co_return problem(rc, expected.error());
  RequestBytes body(*rc.body_reader);
  auto f = co_await c.services.datasets.put_file(caller_of(rc, who), rc.param("id"), *path, body,
                                                  *expected);
  if (!f) co_return problem(rc, f.error());
  co_return json(rc, Status::created, model::to_json(*f));
}

// ---- tus 1.0 ----

void tus_headers(Response& res) {
  res.set("Tus-Resumable", kTusVersion);
  res.set(http::bhttp::field::cache_control, "no-store");
}

Response tus_problem(const RequestContext& rc, const Error& e) {
  Response res = problem(rc, e);
  tus_headers(res);
  return res;
}

// Every tus request but OPTIONS names the protocol version; we speak 1.0.0 only.
std::optional<Response> tus_version_refused(const RequestContext& rc) {
  const auto v = rc.header("Tus-Resumable");
  if (v == kTusVersion) return std::nullopt;
  Response res = tus_problem(
      rc, Error::invalid_coded("Tus-Resumable", {"upload.tus_version",
                                                 {{"version", std::string(kTusVersion)},
                                                  {"value", std::string(v.substr(0, 16))}}}));
  res.result(Status::precondition_failed);
  res.set("Tus-Version", kTusVersion);
  return res;
}

Awaitable tus_options(ApiContext& c, RequestContext& rc) {
  Response res{Status::no_content, rc.request.version()};
  tus_headers(res);
  res.set("Tus-Version", kTusVersion);
  res.set("Tus-Extension", kTusExtensions);
  res.set("Tus-Checksum-Algorithm", "sha256");
  res.set("Tus-Max-Size", std::to_string(c.services.datasets.limits().max_upload_bytes));
  co_return res;
}

// Upload-Metadata: "key base64,key base64,key" (tus 1.0 creation).
Result<std::map<std::string, std::string>> parse_metadata(std::string_view h) {
  std::map<std::string, std::string> out;
  while (!h.empty()) {
    const auto comma = h.find(',');
    std::string_view pair = h.substr(0, comma);
    h = comma == std::string_view::npos ? std::string_view{} : h.substr(comma + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.empty()) continue;
    const auto sp = pair.find(' ');
    const std::string key(pair.substr(0, sp));
    std::string value;
    if (sp != std::string_view::npos) {
      auto v = security::base64_decode(pair.substr(sp + 1));
      if (!v) {
        return fail(Error::invalid_coded("Upload-Metadata",
                                         {"upload.metadata_base64", {{"key", key.substr(0, 64)}}}));
      }
      value = std::move(*v);
    }
    out[key] = std::move(value);
  }
  return out;
}

Awaitable create_upload(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  if (auto refused = tus_version_refused(rc)) co_return std::move(*refused);
  if (!rc.header("Upload-Defer-Length").empty()) {
    co_return tus_problem(rc,
                          Error::invalid_coded("Upload-Defer-Length", {"upload.defer_length", {}}));
  }
  auto length = header_int(rc, "Upload-Length");
  if (!length) co_return tus_problem(rc, length.error());
  const std::string raw_meta(rc.header("Upload-Metadata").substr(0, 4096));
  auto meta = parse_metadata(raw_meta);
  if (!meta) co_return tus_problem(rc, meta.error());
  // Where the file goes in the dataset: "path" (ours), else tus-js-client's "relativePath"
  // or "filename".
  std::string path;
  for (const char* key : {"path", "relativePath", "filename", "name"}) {
    auto it = meta->find(key);
    if (it != meta->end() && !it->second.empty() && it->second != "null") {
      path = it->second;
      break;
    }
  }
  if (path.empty()) {
    co_return tus_problem(rc,
                          Error::invalid_coded("Upload-Metadata", {"upload.metadata_path", {}}));
  }
  auto checked = data::check_file_path(path, "Upload-Metadata path");
  if (!checked) co_return tus_problem(rc, checked.error());
  auto u = co_await c.services.uploads.create(caller_of(rc, who), rc.param("id"), *checked,
                                               *length, raw_meta);
  if (!u) co_return tus_problem(rc, u.error());
  Response res{Status::created, rc.request.version()};
  tus_headers(res);
  res.set(http::bhttp::field::location, "/api/v1/uploads/" + u->id);
  res.set("Upload-Offset", std::to_string(u->offset));
  res.prepare_payload();
  co_return res;
}

Json upload_json(const model::Upload& u) {
  Json j = {{"id", u.id},         {"dataset_id", u.dataset_id},
            {"path", u.path},     {"length", u.length},
            {"offset", u.offset}, {"complete", u.offset == u.length},
            {"created_at", format_rfc3339(u.created_at)},
            {"expires_at", format_rfc3339(u.expires_at)}};
  if (!u.sha256.empty()) j["sha256"] = u.sha256;
  return j;
}

void upload_headers(Response& res, const model::Upload& u) {
  tus_headers(res);
  res.set("Upload-Offset", std::to_string(u.offset));
  res.set("Upload-Length", std::to_string(u.length));
  if (!u.metadata.empty()) res.set("Upload-Metadata", u.metadata);
  if (u.offset < u.length) res.set("Upload-Expires", http::format_http_date(u.expires_at));
}

// HEAD (tus: where to resume) and GET (the same as JSON).
Awaitable get_upload(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  if (rc.request.method() == Verb::head) {
    if (auto refused = tus_version_refused(rc)) co_return std::move(*refused);
  }
  auto u = co_await c.services.uploads.find(who, rc.param("upload_id"));
  if (!u) co_return tus_problem(rc, u.error());
  Response res = json(rc, Status::ok, upload_json(*u));
  upload_headers(res, *u);
  co_return res;
}

Awaitable patch_upload(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  if (auto refused = tus_version_refused(rc)) co_return std::move(*refused);
  const auto mt = http::parse_media_type(rc.header("Content-Type"));
  if (!mt || mt->essence() != "application/offset+octet-stream") {
    co_return tus_problem(
        rc, Error::coded(Errc::unsupported_media, "Content-Type",
                         {"upload.patch_media_type",
                          {{"type", std::string(rc.header("Content-Type").substr(0, 64))}}}));
  }
  auto offset = header_int(rc, "Upload-Offset");
  if (!offset) co_return tus_problem(rc, offset.error());
  std::optional<data::Digest> checksum;
  if (const auto h = rc.header("Upload-Checksum"); !h.empty()) {
    const auto sp = h.find(' ');
    const auto algo = h.substr(0, sp);
    if (algo != "sha256") {
      co_return tus_problem(
          rc, Error::invalid_coded(
                  "Upload-Checksum",
                  {"upload.checksum_algorithm", {{"algorithm", std::string(algo.substr(0, 16))}}}));
    }
    checksum = sp == std::string_view::npos ? std::nullopt
                                            : data::digest_from_base64(h.substr(sp + 1));
    if (!checksum) {
      co_return tus_problem(
          rc, Error::invalid_coded("Upload-Checksum",
                                   {"upload.digest_header", {{"header", "Upload-Checksum"}}}));
    }
  }
  RequestBytes body(*rc.body_reader);
  auto u = co_await c.services.uploads.append(caller_of(rc, who), rc.param("upload_id"), *offset,
                                               body, checksum);
  if (!u) co_return tus_problem(rc, u.error());
  Response res{Status::no_content, rc.request.version()};
  upload_headers(res, *u);
  co_return res;
}

Awaitable delete_upload(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  if (auto refused = tus_version_refused(rc)) co_return std::move(*refused);
  auto done = co_await c.services.uploads.terminate(caller_of(rc, who), rc.param("upload_id"));
  if (!done) co_return tus_problem(rc, done.error());
  Response res{Status::no_content, rc.request.version()};
  tus_headers(res);
  co_return res;
}

}  // namespace

void register_datasets(http::Router& r, ApiContext& c) {
  const auto max_file = static_cast<uint64_t>(c.services.datasets.limits().max_upload_bytes);
  r.add(Verb::post, "/api/v1/datasets", bind(c, create_dataset));
  r.add(Verb::get, "/api/v1/datasets", bind(c, list_datasets));
  r.add(Verb::get, "/api/v1/datasets/{id}", bind(c, get_dataset));
  r.add(Verb::delete_, "/api/v1/datasets/{id}", bind(c, delete_dataset));
  r.add(Verb::post, "/api/v1/datasets/{id}/seal", bind(c, seal_dataset));
  r.add(Verb::get, "/api/v1/datasets/{id}/files", bind(c, list_files));
  r.add(Verb::get, "/api/v1/datasets/{id}/files/{path...}", bind(c, get_file));
  r.add(Verb::put, "/api/v1/datasets/{id}/files/{path...}", bind(c, put_file), max_file);
  r.add(Verb::options, "/api/v1/datasets/{id}/uploads", bind(c, tus_options));
  r.add(Verb::post, "/api/v1/datasets/{id}/uploads", bind(c, create_upload));
  r.add(Verb::options, "/api/v1/uploads/{upload_id}", bind(c, tus_options));
  r.add(Verb::get, "/api/v1/uploads/{upload_id}", bind(c, get_upload));
  r.add(Verb::patch, "/api/v1/uploads/{upload_id}", bind(c, patch_upload), max_file);
  r.add(Verb::delete_, "/api/v1/uploads/{upload_id}", bind(c, delete_upload));
}

}  // namespace suanwang::api
