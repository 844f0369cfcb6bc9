// Parsing and validation of the slurm adapter's settings.
#include "adapters/slurm/slurm_options.hpp"

#include <algorithm>

#include "adapters/common/options.hpp"
#include "adapters/slurm/slurm_api.hpp"

namespace suanwang::adapters::slurm {

AdapterResult<SlurmOptions> parse_slurm_options(const AdapterConfig& config) {
  SlurmOptions out;
  auto url = parse_http_url(config.endpoint, "endpoint");
  if (!url) return std::unexpected(url.error());
  out.endpoint = std::move(*url);

  constexpr std::string_view kRoot = "options";
  const auto& o = config.options;
  if (auto ok = require_object(o, kRoot,
                               {"api_version", "partition", "output_dir", "timeout_ms",
                                "max_response_mb", "untyped_gpu_model", "ca_file",
                                "container_runtime", "containers_conf", "staging_dir"});
      !ok) {
    return std::unexpected(ok.error());
  }
  auto version = string_option(o, "api_version", kRoot, std::string(kAutoApiVersion));
  if (!version) return std::unexpected(version.error());
  if (*version != kAutoApiVersion && !make_slurm_api(*version)) {
    std::string what = "'";
    what += version->substr(0, 32);
    what += "' is not supported (\"auto\", or one of: ";
    what += known_api_versions_text();
    what += ")";
    return option_error(option_path(kRoot, "api_version"), what, "adapter.slurm.api_version",
                        {{"value", version->substr(0, 32)}, {"known", known_api_versions_text()}});
  }
  out.api_version = *version;

  auto partition = string_option(o, "partition", kRoot, std::nullopt);
  if (!partition) return std::unexpected(partition.error());
  if (!is_plain_name(*partition, 64)) {
    return plain_name_error(option_path(kRoot, "partition"), "partition", "a Slurm partition name",
                            64);
  }
  out.partition = *partition;

  auto dir = string_option(o, "output_dir", kRoot, std::nullopt);
  if (!dir) return std::unexpected(dir.error());
  const bool bad_char = std::any_of(dir->begin(), dir->end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\'' || c == '%';
  });
  if (dir->empty() || dir->front() != '/' || dir->size() > 1024 || bad_char) {
    return option_error(option_path(kRoot, "output_dir"),
                        "must be an absolute path (at most 1024 bytes, no control characters, "
                        "quotes or %) on the cluster, readable by the gateway",
                        "adapter.slurm.output_dir", {{"max", "1024"}});
  }
  out.output_dir = *dir;
  while (out.output_dir.size() > 1 && out.output_dir.back() == '/') out.output_dir.pop_back();

  auto staging = string_option(o, "staging_dir", kRoot, std::string());
  if (!staging) return std::unexpected(staging.error());
  const bool staging_bad = std::any_of(staging->begin(), staging->end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\'' || c == '%' ||
           c == ',' || c == ':';
  });
  if (!staging->empty() && (staging->front() != '/' || staging->size() > 1024 || staging_bad)) {
    return option_error(option_path(kRoot, "staging_dir"),
                        "must be an absolute path (at most 1024 bytes, no control characters, "
                        "quotes, %, ',' or ':') on the cluster's shared file system, writable "
                        "by the gateway",
                        "adapter.slurm.staging_dir", {{"max", "1024"}});
  }
  out.staging_dir = *staging;
  while (out.staging_dir.size() > 1 && out.staging_dir.back() == '/') out.staging_dir.pop_back();

  auto runtime = parse_container_runtime(
      o, kRoot, {ContainerRuntime::apptainer, ContainerRuntime::pyxis, ContainerRuntime::podman});
  if (!runtime) return std::unexpected(runtime.error());
  out.container.runtime = *runtime;
  // Bind mounts name the directory in lists separated by ',' and ':'.
  if (out.container.runtime != ContainerRuntime::none &&
      out.output_dir.find_first_of(",:") != std::string::npos) {
    return option_error(option_path(kRoot, "output_dir"),
                        "must not hold ',' or ':' on a site with a container_runtime (the "
                        "runtimes' bind mounts cannot name it)",
                        "adapter.slurm.output_dir_container");
  }
  auto conf = string_option(o, "containers_conf", kRoot, std::string());
  if (!conf) return std::unexpected(conf.error());
  if (!conf->empty() && (conf->front() != '/' || out.container.runtime != ContainerRuntime::podman)) {
    return option_error(option_path(kRoot, "containers_conf"),
                        "must be an absolute path on the nodes, and is for container_runtime "
                        "podman only",
                        "adapter.slurm.containers_conf");
  }
  out.container.containers_conf = *conf;

  auto http = parse_client_options(o, out.endpoint, "suanwang-slurm");
  if (!http) return std::unexpected(http.error());
  out.http = std::move(*http);

  auto untyped = string_option(o, "untyped_gpu_model", kRoot, out.untyped_gpu_model);
  if (!untyped) return std::unexpected(untyped.error());
  if (!is_plain_name(*untyped, 32)) {
    return plain_name_error(option_path(kRoot, "untyped_gpu_model"), "gpu_model",
                            "an accelerator model name", 32);
  }
  out.untyped_gpu_model = *untyped;

  // Credentials: never echoed back in a message.
  constexpr std::string_view kCred = "credentials";
  const auto& c = config.credentials;
  if (auto ok = require_object(c, kCred, {"user", "token"}); !ok)
    return std::unexpected(ok.error());
  auto user = string_option(c, "user", kCred, std::nullopt);
  if (!user) return std::unexpected(user.error());
  if (!is_plain_name(*user, 64)) {
    return plain_name_error(option_path(kCred, "user"), "user", "a user name", 64);
  }
  out.user = *user;
  auto token = secret_option(c, "token", kCred, 8192,
                             must_be("a JWT (printable ASCII without spaces, at most 8192 "
                                     "bytes; e.g. from `scontrol token username=<user>`)",
                                     "adapter.slurm.token", {{"max", "8192"}}));
  if (!token) return std::unexpected(token.error());
  out.token = *token;
  return out;
}

}  // namespace suanwang::adapters::slurm
