// Building the batch script of a gateway job (see batch_script.hpp).
#include "adapters/slurm/batch_script.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace suanwang::adapters::slurm {
namespace {

std::string base64(std::string_view in) {
  static constexpr std::array<char, 65> kAlphabet = {
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"};
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4 + in.size() / 57 + 2);
  size_t line = 0;
  for (size_t i = 0; i < in.size(); i += 3) {
    const uint32_t b0 = static_cast<unsigned char>(in[i]);
    const uint32_t b1 = i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) : 0;
    const uint32_t b2 = i + 2 < in.size() ? static_cast<unsigned char>(in[i + 2]) : 0;
    const uint32_t v = (b0 << 16) | (b1 << 8) | b2;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
    if (++line == 19) {  // 76-character lines
      out += '\n';
      line = 0;
    }
  }
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

}  // namespace

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.front() == '.' || key.front() == '-') return false;
  return key.size() <= 128 && std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.' || c == ':';
         });
}

std::string output_path(std::string_view output_dir, int64_t job_id) {
  return std::string(output_dir) + "/" + std::to_string(job_id) + ".out";
}

std::string exit_path(std::string_view output_dir, int64_t job_id) {
  return std::string(output_dir) + "/" + std::to_string(job_id) + ".exit";
}

std::string reason_path(std::string_view output_dir, int64_t job_id) {
  return std::string(output_dir) + "/" + std::to_string(job_id) + ".reason";
}

std::string output_pattern(std::string_view output_dir) {
  return std::string(output_dir) + "/%j.out";
}

namespace {

// How long a podman container gets between SIGTERM and SIGKILL when Slurm stops the job; under
// the KillWait of most clusters (30 s), so the stop finishes before Slurm kills the script.
constexpr int kPodmanStopGrace_s = 3;
// Past the time limit, conmon kills the container itself should the script be gone.
constexpr int64_t kContainerTimeoutSlack_s = 60;

std::string words(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) {
    out += out.empty() ? "" : " ";
    out += a;
  }
  return out;
}

// The lines that run `command` (already shell words, ending in the payload) in the container.
std::string container_lines(const JobRequest& job, const ContainerSetup& c,
                            const std::string& command) {
  const std::string image = shell_quote(job.image);
  // The reason goes to the job's output and to <id>.reason, which the adapter reports.
  const auto missing = [&](const std::string& test, const std::string& what) {
    return "if ! " + test + "; then\n  __sw_msg=\"" + what +
           "\"\n  echo \"suanwang: $__sw_msg\" >&2\n  printf '%s\\n' \"$__sw_msg\" > "
           "\"$__sw_why\"\n  __sw_rc=125\nelse\n";
  };
  std::string s;
  switch (c.runtime) {
    case ContainerRuntime::none:
      return "__sw_rc=125\necho 'suanwang: this site has no container runtime' >&2\n";
    case ContainerRuntime::apptainer:
      s += missing("command -v apptainer >/dev/null 2>&1",
                   "apptainer is not installed on node $(hostname)");
      // A local SIF file can be checked here; other references (docker://, oras://) are
      // Apptainer's to resolve.
      if (job.image.starts_with("/")) {
        s += missing("[ -r " + image + " ]",
                     "image \"" + image + "\" does not exist on node $(hostname)");
      }
      s += "apptainer exec --bind \"$PWD:$PWD\" --pwd \"$PWD\" " + image + " " + command +
           "\n__sw_rc=$?\n";
      if (job.image.starts_with("/")) s += "fi\n";
      s += "fi\n";
      return s;
    case ContainerRuntime::pyxis:
      s += "srun --ntasks=1 --container-image=" + image +
           " --container-mounts=\"$PWD:$PWD\" --container-workdir=\"$PWD\" " + command +
           "\n__sw_rc=$?\n";
      return s;
    case ContainerRuntime::podman: {
      PodmanRun run;
      run.image = job.image;
      run.name = "$__sw_name";  // carries $SLURM_JOB_ID: set in the script
      run.job_dir = "$PWD";
      run.timeout_s = job.walltime_s + kContainerTimeoutSlack_s;
      std::vector<std::string> args = podman_run_args(run);
      args.pop_back();  // the image, quoted below like any user text
      // Our own words: those naming the script's variables are double-quoted so they expand.
      for (auto& a : args) a = a.find('$') != std::string::npos ? "\"" + a + "\"" : shell_quote(a);
      std::vector<std::string> env = {shell_quote("--env=SLURM_*"),
                                      shell_quote("--env=SUANWANG_JOB_ID")};
      for (const auto& [name, value] : job.env) env.push_back(shell_quote("--env=" + name));
      s += "__sw_name=" + shell_quote(container_name(job.key, "")) + "-\"$SLURM_JOB_ID\"\n";
      s += "__sw_podman() { HOME=\"$(getent passwd \"$(id -u)\" | cut -d: -f6)\" ";
      if (!c.containers_conf.empty()) s += "CONTAINERS_CONF=" + shell_quote(c.containers_conf) + " ";
      s += "podman \"$@\"; }\n";
      s += missing("command -v podman >/dev/null 2>&1",
                   "podman is not installed on node $(hostname)");
      s += missing("__sw_podman image exists " + image,
                   "image \"" + image + "\" does not exist on node $(hostname) (images are not "
                   "pulled; the operator loads them)");
      s += "trap '__sw_podman stop --time=" + std::to_string(kPodmanStopGrace_s) +
           " \"$__sw_name\" >/dev/null 2>&1; rm -f \"$__sw_payload\"; exit 143' TERM INT\n";
      s += "__sw_podman " + words(args) + " " + words(env) + " " + image + " " + command + " &\n";
      s += "__sw_pid=$!\nwait \"$__sw_pid\"\n__sw_rc=$?\n";
      s += "fi\nfi\n";
      return s;
    }
  }
  return s;
}

}  // namespace

std::string batch_script(const JobRequest& job, std::string_view output_dir,
                         const ContainerSetup& container) {
  const bool has_script = !job.script.empty();
  const std::string& payload = has_script ? job.script : job.command;
  // A script with its own interpreter line runs as an executable; anything else under sh.
  const bool executable = has_script && job.script.starts_with("#!");
  const std::string dir(output_dir);
  std::string s;
  s += "#!/bin/bash\n";
  s += "# suanwang job " + job.key + " (generated by the gateway's slurm adapter)\n";
  s += "__sw_payload=\"$PWD/.suanwang-$SLURM_JOB_ID.payload\"\n";
  s += "__sw_exit='" + dir + "'/\"$SLURM_JOB_ID.exit\"\n";
  if (!job.image.empty()) s += "__sw_why='" + dir + "'/\"$SLURM_JOB_ID.reason\"\n";
  s += "base64 -d > \"$__sw_payload\" <<'__SUANWANG_PAYLOAD__'\n";
  s += base64(payload);
  s += "__SUANWANG_PAYLOAD__\n";
  if (executable) s += "chmod 700 \"$__sw_payload\"\n";
  const std::string command = executable ? "\"$__sw_payload\"" : "/bin/sh \"$__sw_payload\"";
  if (job.image.empty()) {
    s += command + "\n__sw_rc=$?\n";
  } else {
    s += container_lines(job, container, command);
  }
  s += "rm -f \"$__sw_payload\"\n";
  s += "printf '%s\\n' \"$__sw_rc\" > \"$__sw_exit.tmp\" && mv -f \"$__sw_exit.tmp\" "
       "\"$__sw_exit\"\n";
  s += "exit \"$__sw_rc\"\n";
  return s;
}

}  // namespace suanwang::adapters::slurm
