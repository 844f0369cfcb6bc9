// Container runtimes and their command lines (see container.hpp).
#include "adapters/common/container.hpp"

#include <algorithm>

#include "adapters/common/options.hpp"
#include "common/sha256.hpp"

namespace suanwang::adapters {

const char* container_runtime_name(ContainerRuntime r) {
  switch (r) {
    case ContainerRuntime::none: return "";
    case ContainerRuntime::podman: return "podman";
    case ContainerRuntime::apptainer: return "apptainer";
    case ContainerRuntime::pyxis: return "pyxis";
  }
  return "";
}

AdapterResult<ContainerRuntime> parse_container_runtime(
    const nlohmann::json& options, std::string_view parent,
    std::initializer_list<ContainerRuntime> allowed) {
  auto text = string_option(options, "container_runtime", parent, std::string("none"));
  if (!text) return std::unexpected(text.error());
  if (*text == "none") return ContainerRuntime::none;
  std::string names;
  for (auto r : allowed) {
    if (*text == container_runtime_name(r)) return r;
    names += names.empty() ? "" : ", ";
    names += container_runtime_name(r);
  }
  return option_error(option_path(parent, "container_runtime"),
                      "must be one of none, " + names + " (got '" + *text + "')",
                      "adapter.option.one_of_got",
                      {{"allowed", "none, " + names}, {"value", *text}});
}

std::optional<std::string> image_refusal(std::string_view image) {
  if (image.empty() || image.size() > 512) return "image must be 1 to 512 characters";
  if (image.front() == '-') return "image must not start with '-'";
  for (char c : image) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '/' || c == ':' || c == '@' ||
                    c == '+';
    if (!ok) {
      return "image may hold only letters, digits and . _ - / : @ + (an image reference or a "
             "file path)";
    }
  }
  return std::nullopt;
}

std::string container_name(std::string_view key, std::string_view job_dir) {
  std::string safe = "suanwang-";
  for (char c : key.substr(0, 64)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    safe += ok ? c : '-';
  }
  common::Sha256 h;
  h.update(job_dir);
  return safe + "-" + common::digest_hex(h.digest()).substr(0, 10);
}

std::vector<std::string> podman_run_args(const PodmanRun& run) {
  std::vector<std::string> a = {"--log-level=error", "run", "--rm", "--init", "--pull=never",
                                "--name", run.name, "--network=" + run.network,
                                "--mount=type=bind,source=" + run.job_dir +
                                    ",destination=" + run.job_dir,
                                "--workdir=" + run.job_dir};
  if (!run.env_file.empty()) a.push_back("--env-file=" + run.env_file);
  if (run.cpus > 0) a.push_back("--cpus=" + std::to_string(run.cpus));
  if (run.memory_mib > 0) a.push_back("--memory=" + std::to_string(run.memory_mib) + "m");
  if (run.timeout_s > 0) a.push_back("--timeout=" + std::to_string(run.timeout_s));
  a.push_back(run.image);
  a.insert(a.end(), run.command.begin(), run.command.end());
  return a;
}

std::string podman_env_file(const std::vector<std::pair<std::string, std::string>>& env) {
  std::string out;
  for (const auto& [name, value] : env) out += name + "=" + value + "\n";
  return out;
}

std::optional<std::string> env_file_refusal(const std::map<std::string, std::string>& env) {
  for (const auto& [name, value] : env) {
    if (value.find_first_of("\r\n") != std::string::npos) {
      return "env " + name + " holds a line break, which a container's environment cannot carry";
    }
  }
  return std::nullopt;
}

std::vector<std::string> container_command(const JobRequest& job, std::string_view script_path) {
  if (job.script.empty()) return {"/bin/sh", "-c", job.command};
  if (job.script.starts_with("#!")) return {std::string(script_path)};
  return {"/bin/sh", std::string(script_path)};
}

std::string shell_quote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace suanwang::adapters
