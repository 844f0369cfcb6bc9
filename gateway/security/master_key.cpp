// Master-key loading and generation (see master_key.hpp).
#include "gateway/security/master_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>

#include "gateway/security/encoding.hpp"

namespace suanwang::security {

Result<MasterKey> parse_master_key(std::string_view text, std::string_view source) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  auto raw = unhex(text);
  if (!raw || raw->size() != 32) {
    return fail(Error::invalid("master_key", std::string(source) +
                                                 ": a master key is 64 hex digits (32 bytes), "
                                                 "e.g. from 'openssl rand -hex 32'"));
  }
  MasterKey k;
  std::copy(raw->begin(), raw->end(), k.bytes.begin());
  return k;
}

Result<MasterKey> read_master_key_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(Error::invalid("master_key_file", "cannot read master key file " + path.string()));
  }
  if ((st.st_mode & 077) != 0) {
    return fail(Error::invalid("master_key_file", "master key file " + path.string() +
                                                      " may be read by others; chmod 600 it"));
  }
  std::ifstream in(path);
  std::string text(256, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_master_key(text, path.string());
}

Result<void> write_private_file(const std::filesystem::path& path, std::string_view content) {
  const auto tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Error::unavailable("cannot write " + tmp));
  const bool ok =
      ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
      ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(Error::unavailable("cannot write " + path.string()));
  }
  return suanwang::ok();
}

Result<LoadedMasterKey> load_master_key(const std::optional<std::string>& env_value,
                                        const std::filesystem::path& key_file,
                                        const std::filesystem::path& data_dir, Random& random) {
  if (env_value && !env_value->empty()) {
    auto k = parse_master_key(*env_value, "SUANWANG_MASTER_KEY");
    if (!k) return fail(k.error());
    return LoadedMasterKey{*k, "SUANWANG_MASTER_KEY", false};
  }
  if (!key_file.empty()) {
    auto k = read_master_key_file(key_file);
    if (!k) return fail(k.error());
    return LoadedMasterKey{*k, key_file.string(), false};
  }
  const auto path = data_dir / "master.key";
  if (std::filesystem::exists(path)) {
    auto k = read_master_key_file(path);
    if (!k) return fail(k.error());
    return LoadedMasterKey{*k, path.string(), false};
  }
  MasterKey k;
  random.fill(k.bytes.data(), k.bytes.size());
  const std::string text(reinterpret_cast<const char*>(k.bytes.data()), k.bytes.size());
  if (auto w = write_private_file(path, hex(text) + "\n"); !w) return fail(w.error());
  return LoadedMasterKey{k, path.string(), true};
}

}  // namespace suanwang::security
