// upload and download (see transfer.hpp).
#include "tools/cli/transfer.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

#include "gateway/data/file_path.hpp"
#include "gateway/data/sha256.hpp"
#include "gateway/security/encoding.hpp"
#include "tools/cli/views.hpp"

namespace suanwang::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kPieceBytes = 8 * 1024 * 1024;  // one PATCH: memory stays this small
constexpr int kTries = 5;                              // per piece, across broken connections

std::string human_bytes(double b) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  std::ostringstream os;
  os << std::fixed << std::setprecision(u == 0 ? 0 : 1) << b << ' ' << kUnits[u];
  return os.str();
}

// A progress bar on a terminal (stderr), redrawn at most ten times a second; silent otherwise.
class Progress {
 public:
  Progress(std::ostream& err, std::string label, uint64_t total, uint64_t start)
      : err_(err),
        label_(std::move(label)),
        total_(total),
        done_(start),
        first_(start),
        tty_(::isatty(STDERR_FILENO) == 1),
        began_(std::chrono::steady_clock::now()) {}
  void add(uint64_t n) {
    done_ += n;
    const auto now = std::chrono::steady_clock::now();
    if (tty_ && now - drawn_ > std::chrono::milliseconds(100)) {
      drawn_ = now;
      draw(false);
    }
  }
  void finish() {
    if (tty_) draw(true);
  }
  double rate() const {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count();
    return s > 0 ? static_cast<double>(done_ - first_) / s : 0;
  }

 private:
  void draw(bool last) {
    const double frac = total_ == 0 ? 1.0 : static_cast<double>(done_) / static_cast<double>(total_);
    const int width = 24;
    const int filled = static_cast<int>(frac * width);
    err_ << '\r' << label_ << " [" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << std::setw(3)
         << static_cast<int>(frac * 100) << "% " << human_bytes(static_cast<double>(done_)) << " / "
         << human_bytes(static_cast<double>(total_)) << "  " << human_bytes(rate()) << "/s   ";
    if (last) err_ << '\n';
    err_.flush();
  }
  std::ostream& err_;
  std::string label_;
  uint64_t total_;
  uint64_t done_;
  uint64_t first_;
  bool tty_;
  std::chrono::steady_clock::time_point began_;
  std::chrono::steady_clock::time_point drawn_{};
};

Result<std::string> file_sha256(const fs::path& p, uint64_t limit = UINT64_MAX) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return fail(Error::not_found("cannot read " + p.string()));
  data::Sha256 h;
  std::vector<char> buf(1 << 20);
  uint64_t left = limit;
  while (left > 0 && in) {
    in.read(buf.data(), static_cast<std::streamsize>(std::min<uint64_t>(buf.size(), left)));
    const auto n = static_cast<uint64_t>(in.gcount());
    if (n == 0) break;
    h.update(buf.data(), n);
    left -= n;
  }
  return data::digest_hex(h.digest());
}


// The remembered uploads: key "server|dataset|path|size|mtime" -> the tus URL.
Json load_state(const fs::path& f) {
  std::ifstream in(f);
  Json j = Json::parse(in, nullptr, false);
  return j.is_object() ? j : Json::object();
}
void save_state(const fs::path& f, const Json& j) {
  std::error_code ec;
  fs::create_directories(f.parent_path(), ec);
  const fs::path tmp = f.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << '\n';
  }
  fs::rename(tmp, f, ec);
}

struct LocalFile {
  fs::path source;
  std::string path;  // in the dataset
  uint64_t size = 0;
};

Result<std::vector<LocalFile>> gather(const std::vector<std::string>& args, const std::string& to) {
  std::vector<LocalFile> out;
  for (const auto& a : args) {
    fs::path p(a);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      // A directory uploads its tree under its own name.
      const fs::path base = p.lexically_normal().filename().empty()
                                ? p.lexically_normal().parent_path().filename()
                                : p.lexically_normal().filename();
      for (auto it = fs::recursive_directory_iterator(p, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        const std::string rel = (base / fs::relative(it->path(), p)).generic_string();
        out.push_back({it->path(), to + rel, static_cast<uint64_t>(it->file_size())});
      }
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back({p, to + p.filename().string(), static_cast<uint64_t>(fs::file_size(p))});
    } else {
      return fail(Error::invalid("PATH", a + ": no such file or directory"));
    }
  }
  for (const auto& f : out) {
    auto ok = data::check_file_path(f.path, "the path in the dataset");
    if (!ok) return fail(Error::invalid("PATH", f.source.string() + ": " + ok.error().message));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> tus(
    std::vector<std::pair<std::string, std::string>> more = {}) {
  more.emplace_back("Tus-Resumable", "1.0.0");
  return more;
}

// Uploads one file through tus, resuming a remembered upload. Returns the gateway's digest.
Result<std::string> upload_one(Session& s, HttpClient& http, const Json& dataset,
                               const LocalFile& f, Json& state, const fs::path& state_file) {
  const std::string ds = dataset.at("id");
  std::error_code ec;
  const auto mtime = fs::last_write_time(f.source, ec).time_since_epoch().count();
  const std::string key = http.server().text() + "|" + ds + "|" + f.path + "|" +
                          std::to_string(f.size) + "|" + std::to_string(mtime);
  std::string url = state.value(key, "");
  uint64_t offset = 0;
  if (!url.empty()) {
    auto head = http.request("HEAD", url, {}, tus());
    if (head && head->status == 200) {
      offset = std::stoull(head->header("upload-offset").empty() ? "0"
                                                                 : head->header("upload-offset"));
    } else {
      url.clear();  // finished, expired or removed: start again
    }
  }
  if (url.empty()) {
    auto made = http.request(
        "POST", "/api/v1/datasets/" + url_encode(ds) + "/uploads", {},
        tus({{"Upload-Length", std::to_string(f.size)},
             {"Upload-Metadata", "path " + security::base64_encode(f.path)}}));
    if (!made) return fail(made.error());
    if (made->status != 201) return fail(error_from_answer(made->status, made->body));
    url = made->header("location");
    const std::string prefix = http.server().base_path;
    if (!prefix.empty() && url.starts_with(prefix)) url = url.substr(prefix.size());
    state[key] = url;
    save_state(state_file, state);
  }
  std::ifstream in(f.source, std::ios::binary);
  if (!in) return fail(Error::not_found("cannot read " + f.source.string()));
  Progress bar(s.io().err, f.path, f.size, offset);
  std::string piece;
  int tries = 0;
  while (offset < f.size) {
    piece.resize(static_cast<std::size_t>(std::min<uint64_t>(kPieceBytes, f.size - offset)));
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    if (static_cast<std::size_t>(in.gcount()) != piece.size()) {
      return fail(Error::internal(f.source.string() + " changed while it was being uploaded"));
    }
    const std::string sum = security::base64_encode(security::sha256(piece));
    const std::size_t n = piece.size();
    auto r = http.request("PATCH", url, std::move(piece),
                          tus({{"Upload-Offset", std::to_string(offset)},
                               {"Content-Type", "application/offset+octet-stream"},
                               {"Upload-Checksum", "sha256 " + sum}}));
    piece.clear();
    if (r && r->status == 204) {
      offset = std::stoull(r->header("upload-offset"));
      bar.add(n);
      tries = 0;
      continue;
    }
    if (r && r->status != 409 && r->status != 460 && r->status < 500) {
      return fail(error_from_answer(r->status, r->body));
    }
    // A broken connection, a conflict or a corrupted piece: ask where to resume, try again.
    if (++tries >= kTries) {
      return fail(r ? error_from_answer(r->status, r->body) : r.error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * tries));
    auto head = http.request("HEAD", url, {}, tus());
    if (!head || head->status != 200) continue;
    offset = std::stoull(head->header("upload-offset"));
  }
  if (f.size == 0 && offset == 0) {
    // An empty file: its creation stored it (nothing to PATCH).
  }
  bar.finish();
  state.erase(key);
  save_state(state_file, state);
  return std::string();
}

}  // namespace

Result<Json> find_dataset(Api& api, const std::string& name_or_id, bool create) {
  auto all = api.get_all("/api/v1/datasets");
  if (!all) return fail(all.error());
  for (const auto& d : all->body.at("items")) {
    if (d.value("id", "") == name_or_id || d.value("name", "") == name_or_id) return d;
  }
  if (!create) return fail(Error::not_found("no dataset named or with id '" + name_or_id + "'"));
  auto made = api.post("/api/v1/datasets", Json{{"name", name_or_id}});
  if (!made) return fail(made.error());
  return made->body;
}

fs::path upload_state_file(const EnvLookup& env) {
  if (auto x = env("XDG_CACHE_HOME"); x && !x->empty()) {
    return fs::path(*x) / "suanwang" / "uploads.json";
  }
  if (auto h = env("HOME"); h && !h->empty()) {
    return fs::path(*h) / ".cache" / "suanwang" / "uploads.json";
  }
  return fs::path(".suanwang-uploads.json");
}

Result<ExitCode> run_upload(Session& s) {
  auto dataset_name = s.args().get("--dataset");
  if (!dataset_name || dataset_name->empty()) {
    return fail(Error::invalid("--dataset", "--dataset NAME is required"));
  }
  std::string to = s.args().get("--to").value_or("");
  if (!to.empty()) {
    auto d = data::check_dir_path(to, "--to");
    if (!d) return fail(d.error());
    to = *d;
  }
  auto files = gather(s.args().positionals(), to);
  if (!files) return fail(files.error());
  auto api = s.api();
  if (!api) return fail(api.error());
  auto http = s.http();
  if (!http) return fail(http.error());
  auto ds = find_dataset(**api, *dataset_name, true);
  if (!ds) return fail(ds.error());
  const fs::path state_file = upload_state_file(s.env());
  Json state = load_state(state_file);
  for (const auto& f : *files) {
    auto done = upload_one(s, **http, *ds, f, state, state_file);
    if (!done) return fail(done.error());
  }
  // Every file checked: the gateway's digest against the local bytes.
  auto listed = (*api)->get_all("/api/v1/datasets/" + url_encode(ds->at("id").get<std::string>()) + "/files");
  if (!listed) return fail(listed.error());
  std::map<std::string, std::string> remote;
  for (const auto& f : listed->body.at("items")) remote[f.at("path")] = f.at("sha256");
  for (const auto& f : *files) {
    auto local = file_sha256(f.source);
    if (!local) return fail(local.error());
    if (remote[f.path] != *local) {
      return fail(Error::internal(f.path + ": the gateway holds SHA-256 " + remote[f.path] +
                                  " but the local file has " + *local));
    }
    if (!s.json()) s.io().out << f.path << "  " << human_bytes(static_cast<double>(f.size))
                              << "  sha256 " << *local << '\n';
  }
  Json result = {{"dataset", ds->at("id")}, {"files", static_cast<int>(files->size())}};
  if (s.args().has("--seal")) {
    auto sealed = (*api)->post_empty("/api/v1/datasets/" + url_encode(ds->at("id").get<std::string>()) + "/seal");
    if (!sealed) return fail(sealed.error());
    result["sealed"] = true;
  }
  if (s.json()) {
    s.io().out << result.dump() << '\n';
  } else {
    s.io().out << "dataset " << ds->at("id").get<std::string>() << " ("
               << ds->at("name").get<std::string>() << "): " << files->size() << " file"
               << (files->size() == 1 ? "" : "s") << " uploaded and checked"
               << (s.args().has("--seal") ? ", sealed" : "") << '\n';
  }
  return ExitCode::ok;
}

Result<ExitCode> run_download(Session& s) {
  const auto& pos = s.args().positionals();
  const std::string what = pos.at(0);
  const fs::path dir = s.args().get("--output").value_or(".");
  auto api = s.api();
  if (!api) return fail(api.error());
  auto http = s.http();
  if (!http) return fail(http.error());
  // A job: its outputs dataset (there once the job ended and its outputs were collected).
  Result<Json> ds = fail(Error::not_found(""));
  if (what.starts_with("job_")) {
    auto outputs = (*api)->get("/api/v1/jobs/" + url_encode(what) + "/outputs");
    if (!outputs) return fail(outputs.error());
    ds = outputs->body.at("dataset");
  } else {
    ds = find_dataset(**api, what, false);
  }
  if (!ds) return fail(ds.error());
  const std::string id = ds->at("id");
  auto listed = (*api)->get_all("/api/v1/datasets/" + url_encode(id) + "/files");
  if (!listed) return fail(listed.error());
  const std::vector<std::string> wanted(pos.begin() + 1, pos.end());
  int count = 0;
  for (const auto& f : listed->body.at("items")) {
    const std::string path = f.at("path");
    bool take = wanted.empty();
    for (const auto& w : wanted) {
      take = take || path == w || path.starts_with(w.ends_with('/') ? w : w + "/") ||
             data::glob_match(w, path);
    }
    if (!take) continue;
    auto safe = data::check_file_path(path, "path");
    if (!safe) return fail(safe.error());  // never write outside DIR, whatever the server says
    const std::string sha = f.at("sha256");
    const uint64_t size = f.at("size_bytes");
    const fs::path dest = dir / fs::path(path);
    const fs::path part = dest.string() + ".part";
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    if (fs::exists(dest, ec) && fs::file_size(dest, ec) == size && *file_sha256(dest) == sha) {
      if (!s.json()) s.io().out << path << "  up to date\n";
      ++count;
      continue;
    }
    uint64_t have = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;
    if (have > size) {
      fs::remove(part, ec);
      have = 0;
    }
    const bool resumed = have > 0;
    Progress bar(s.io().err, path, size, have);
    for (int tries = 0;; ++tries) {
      std::ofstream out(part, std::ios::binary | std::ios::app);
      std::vector<std::pair<std::string, std::string>> headers;
      if (have > 0) {
        headers.emplace_back("Range", "bytes=" + std::to_string(have) + "-");
        headers.emplace_back("If-Range", "\"" + sha + "\"");
      }
      uint64_t got = 0;
      auto r = (*http)->download(
          "/api/v1/datasets/" + url_encode(id) + "/files/" + url_encode(path), headers,
          [&](std::string_view piece) -> Result<void> {
            out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
            if (!out) return fail(Error::internal("cannot write " + part.string()));
            got += piece.size();
            bar.add(piece.size());
            return ok();
          });
      out.close();
      if (r && r->status == 200 && have > 0) {
        // The server sent the whole file after all: what was appended follows the old part.
        fs::remove(part, ec);
        have = 0;
        if (tries + 1 >= kTries) return fail(Error::internal(path + ": resume kept failing"));
        continue;
      }
      if (r && (r->status == 200 || r->status == 206)) break;
      if (r && r->status != 416 && r->status < 500) {
        return fail(error_from_answer(r->status, r->body));
      }
      if (tries + 1 >= kTries) return fail(r ? error_from_answer(r->status, r->body) : r.error());
      have = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;
      if (r && r->status == 416) {
        fs::remove(part, ec);
        have = 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * (tries + 1)));
    }
    bar.finish();
    auto local = file_sha256(part);
    if (!local) return fail(local.error());
    if (*local != sha && resumed) {
      // The part kept from before was not these bytes: fetch the whole file once more.
      fs::remove(part, ec);
      if (!s.json()) s.io().err << path << ": the kept part did not match; downloading it whole\n";
      Progress again(s.io().err, path, size, 0);
      std::ofstream out(part, std::ios::binary);
      auto r = (*http)->download(
          "/api/v1/datasets/" + url_encode(id) + "/files/" + url_encode(path), {},
          [&](std::string_view piece) -> Result<void> {
            out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
            if (!out) return fail(Error::internal("cannot write " + part.string()));
            again.add(piece.size());
            return ok();
          });
      out.close();
      if (!r) return fail(r.error());
      if (r->status != 200) return fail(error_from_answer(r->status, r->body));
      again.finish();
      local = file_sha256(part);
      if (!local) return fail(local.error());
    }
    if (*local != sha) {
      fs::remove(part, ec);
      return fail(Error::internal(path + ": the bytes received have SHA-256 " + *local +
                                  ", not the dataset's " + sha + "; run download again"));
    }
    fs::rename(part, dest, ec);
    if (ec) return fail(Error::internal("cannot rename " + part.string() + ": " + ec.message()));
    if (!s.json()) s.io().out << path << "  " << human_bytes(static_cast<double>(size))
                              << "  sha256 ok\n";
    ++count;
  }
  if (count == 0 && !wanted.empty()) {
    return fail(Error::not_found("no file of " + id + " matches what was asked"));
  }
  if (s.json()) s.io().out << Json{{"dataset", id}, {"files", count}}.dump() << '\n';
  return ExitCode::ok;
}

}  // namespace suanwang::cli
