// The client commands' handlers and their table (see commands.hpp). Each maps to the REST API
// in schema/openapi.json; --json prints the API's answer as received.
#include "tools/cli/commands.hpp"
#include "tools/cli/admin.hpp"
#include "tools/cli/transfer.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "tools/cli/job_request.hpp"
#include "tools/cli/views.hpp"

namespace suanwang::cli {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxInputBytes = 4 * 1024 * 1024;  // the server takes 1 MiB bodies
constexpr int64_t kLogChunkBytes = 1 << 20;              // the server's max_bytes limit
constexpr int kMaxTransientFailures = 5;                 // while polling, before giving up
constexpr auto kPollFirst = 100ms;
constexpr auto kPollMax = 2000ms;

// Poll intervals: fast at first (most jobs on a local site end within a second), then slower.
class Backoff {
 public:
  std::chrono::milliseconds next() {
    const auto d = delay_;
    delay_ = std::min<std::chrono::milliseconds>(kPollMax, delay_ * 3 / 2);
    return d;
  }
  void reset() { delay_ = kPollFirst; }

 private:
  std::chrono::milliseconds delay_ = kPollFirst;
};

bool is_terminal_state(const std::string& s) {
  return s == "succeeded" || s == "failed" || s == "canceled";
}

void print_raw(std::ostream& out, const std::string& raw) {
  out << raw;
  if (raw.empty() || raw.back() != '\n') out << '\n';
}

// --json: the API's answer as received; else `render` of it, for people.
template <class Render>
ExitCode print_answer(Session& s, const ApiAnswer& a, Render render) {
  if (s.json()) {
    print_raw(s.io().out, a.raw);
  } else {
    s.io().out << render(a.body);
  }
  return ExitCode::ok;
}

std::string job_path(const std::string& id, std::string_view sub = "") {
  return "/api/v1/jobs/" + url_encode(id) + std::string(sub);
}

// A file's content, or stdin's for "-".
Result<std::string> read_input(const std::string& path, std::string_view option, std::istream& in) {
  const std::string opt(option);
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    std::ifstream f(path, std::ios::binary);
    if (!f)
      return fail(Error::invalid(opt, opt + ": cannot read " + path + ": " + std::strerror(errno)));
    text.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  if (text.size() > kMaxInputBytes) {
    return fail(Error::invalid(opt, opt + ": " + path + " is larger than 4 MiB"));
  }
  return text;
}

// The job body from -f, --script and the job options.
Result<Json> job_body(Session& s) {
  const auto& args = s.args();
  const auto file = args.get("--file");
  const auto script = args.get("--script");
  if (file && script && *file == "-" && *script == "-") {
    return fail(Error::invalid("--script", "only one of -f and --script can read stdin"));
  }
  Json base = Json::object();
  if (file) {
    auto text = read_input(*file, "--file", s.io().in);
    if (!text) return fail(text.error());
    auto parsed = parse_json(*text);
    if (!parsed) {
      return fail(
          Error::invalid("--file", *file + " is not valid JSON: " + parsed.error().message));
    }
    base = std::move(*parsed);
  }
  std::optional<std::string> script_text;
  if (script) {
    auto text = read_input(*script, "--script", s.io().in);
    if (!text) return fail(text.error());
    script_text = std::move(*text);
  }
  auto body = build_job_body(args, std::move(base), script_text);
  if (!body) return body;
  // Sites may be named by name: the API takes ids.
  if (body->contains("constraints") && (*body)["constraints"].is_object() &&
      (*body)["constraints"].contains("sites") && (*body)["constraints"]["sites"].is_array()) {
    for (auto& site : (*body)["constraints"]["sites"]) {
      if (!site.is_string() || site.get<std::string>().starts_with("site_")) continue;
      auto api = s.api();
      if (!api) return fail(api.error());
      auto found = find_site(**api, site.get<std::string>());
      if (!found) return fail(Error::invalid("--site", "--site: " + found.error().message));
      site = found->at("id");
    }
  }
  // Inputs may name datasets by name: the API takes ids.
  if (body->contains("inputs") && (*body)["inputs"].is_array()) {
    for (auto& in : (*body)["inputs"]) {
      if (!in.is_object() || !in.contains("dataset") || !in["dataset"].is_string()) continue;
      const std::string name = in["dataset"];
      if (name.starts_with("ds_")) continue;
      auto api = s.api();
      if (!api) return fail(api.error());
      auto ds = find_dataset(**api, name, false);
      if (!ds) return fail(Error::invalid("--input", "--input: " + ds.error().message));
      in["dataset"] = ds->at("id");
    }
  }
  return body;
}

// Polls the job until it reaches a terminal state. With `progress`, each new state is reported
// there. A few transport failures in a row are tolerated (the gateway may be restarting).
Result<ApiAnswer> wait_for_end(Api& api, const std::string& id, std::ostream* progress) {
  Backoff backoff;
  std::string last_state;
  int failures = 0;
  while (true) {
    auto a = api.get(job_path(id));
    if (!a) {
      if (a.error().code != Errc::unavailable || ++failures > kMaxTransientFailures) return a;
      std::this_thread::sleep_for(backoff.next());
      continue;
    }
    failures = 0;
    const std::string state = str_of(a->body, "state");
    if (state != last_state) {
      last_state = state;
      backoff.reset();
      if (progress != nullptr && !is_terminal_state(state)) {
        *progress << id << ": " << state;
        if (const std::string r = str_of(a->body, "reason"); !r.empty()) *progress << " · " << r;
        *progress << std::endl;
      }
    }
    if (is_terminal_state(state)) return a;
    std::this_thread::sleep_for(backoff.next());
  }
}

// "page_size=N[&page_token=T]" from --limit (1-500, default 20) and --page-token.
Result<std::string> page_query(const ParsedArgs& args) {
  int64_t limit = 20;
  if (auto l = args.get("--limit")) {
    auto n = parse_int(*l, "--limit", 1, 500);
    if (!n) return fail(n.error());
    limit = *n;
  }
  std::string q = "page_size=" + std::to_string(limit);
  if (auto v = args.get("--page-token")) q += "&page_token=" + url_encode(*v);
  return q;
}

Result<ExitCode> run_sites(Session& s) {
  std::string target = "/api/v1/sites";
  if (auto r = s.args().get("--region")) target += "?region=" + url_encode(*r);
  auto api = s.api();
  if (!api) return fail(api.error());
  auto a = (*api)->get_all(target);
  if (!a) return fail(a.error());
  return print_answer(s, *a, render_sites);
}

Result<ExitCode> run_capacity(Session& s) {
  auto api = s.api();
  if (!api) return fail(api.error());
  auto a = (*api)->get("/api/v1/capacity");
  if (!a) return fail(a.error());
  return print_answer(s, *a, render_capacity);
}

Result<ExitCode> run_quote(Session& s) {
  auto body = job_body(s);
  if (!body) return fail(body.error());
  auto api = s.api();
  if (!api) return fail(api.error());
  auto a = (*api)->post("/api/v1/quotes", *body);
  if (!a) return fail(a.error());
  if (const ExitCode printed = print_answer(s, *a, render_quote); printed != ExitCode::ok) {
    return printed;
  }
  // As submit: a job no site can run is exit 6, so scripts can tell before submitting.
  const auto ranked = a->body.find("ranked");
  const bool none = ranked == a->body.end() || !ranked->is_array() || ranked->empty();
  return none ? ExitCode::unsatisfiable : ExitCode::ok;
}

Result<ExitCode> run_submit(Session& s) {
  auto body = job_body(s);
  if (!body) return fail(body.error());
  std::vector<std::pair<std::string, std::string>> headers;
  if (auto k = s.args().get("--idempotency-key")) {
    if (k->empty() || k->size() > 128) {
      return fail(
          Error::invalid("--idempotency-key", "--idempotency-key must be 1-128 characters"));
    }
    headers.emplace_back("Idempotency-Key", *k);
  }
  auto api = s.api();
  if (!api) return fail(api.error());
  auto a = (*api)->post("/api/v1/jobs", *body, headers);
  if (!a) {
    const Json& decision = (*api)->last_problem().is_object()
                               ? (*api)->last_problem().value("decision", Json())
                               : Json();
    if (a.error().code != Errc::unprocessable || !decision.is_object()) return fail(a.error());
    s.io().err << error_line(a.error()) << render_rejections(decision);
    return ExitCode::unsatisfiable;
  }
  const bool wait = s.args().has("--wait");
  const bool quiet = s.args().has("--quiet");
  const std::string id = str_of(a->body, "id");
  if (s.json() && !wait) {
    print_raw(s.io().out, a->raw);
    return ExitCode::ok;
  }
  if (quiet) {
    s.io().out << id << "\n" << std::flush;
  } else if (!s.json()) {
    s.io().out << render_submitted(a->body) << std::flush;
  }
  if (!wait) return ExitCode::ok;

  auto end = wait_for_end(**api, id, s.json() || quiet ? nullptr : &s.io().err);
  if (!end) return fail(end.error());
  if (s.json()) {
    print_raw(s.io().out, end->raw);
  } else if (!quiet) {  // quiet: the id was all that was asked for; the exit code says the rest
    // The job's output first (its first MiB; `suanwang logs` has all of it), then how it ended.
    if (auto logs = (*api)->get(job_path(id, "/logs") + "?offset=0&max_bytes=1048576")) {
      const std::string data = str_of(logs->body, "data");
      s.io().out << data << (data.empty() || data.back() == '\n' ? "" : "\n");
    }
    s.io().out << render_job_outcome(end->body);
  }
  return str_of(end->body, "state") == "succeeded" ? ExitCode::ok : ExitCode::job_failed;
}

Result<ExitCode> run_jobs(Session& s) {
  const auto& args = s.args();
  auto page = page_query(args);
  if (!page) return fail(page.error());
  std::string target = "/api/v1/jobs?" + *page;
  if (auto v = args.get("--state")) target += "&state=" + url_encode(*v);
  if (auto v = args.get("--site")) target += "&site=" + url_encode(*v);
  auto api = s.api();
  if (!api) return fail(api.error());
  auto a = (*api)->get(target);
  if (!a) return fail(a.error());
  return print_answer(
      s, *a, [&](const Json& page) { return render_jobs(page, best_effort_site_names(**api)); });
}

Result<ExitCode> run_job(Session& s) {
  const std::string id = s.args().positionals().at(0);
  auto api = s.api();
  if (!api) return fail(api.error());
  auto job = (*api)->get(job_path(id));
  if (!job) return fail(job.error());
  if (s.json()) {
    print_raw(s.io().out, job->raw);
    return ExitCode::ok;
  }
  auto events = (*api)->get(job_path(id, "/events"));
  if (!events) return fail(events.error());
  s.io().out << render_job(job->body, events->body, best_effort_site_names(**api));
  return ExitCode::ok;
}

Result<ExitCode> run_logs(Session& s) {
  const std::string id = s.args().positionals().at(0);
  const bool follow = s.args().has("--follow");
  int64_t offset = 0;
  if (auto o = s.args().get("--offset")) {
    auto n = parse_int(*o, "--offset", 0, int64_t{1} << 50);
    if (!n) return fail(n.error());
    offset = *n;
  }
  auto api = s.api();
  if (!api) return fail(api.error());
  auto& out = s.io().out;
  Backoff backoff;
  // An adapter that never reports eof still ends: two empty reads after the job ended.
  int empty_after_end = 0;
  while (true) {
    auto a = (*api)->get(job_path(id, "/logs") + "?offset=" + std::to_string(offset) +
                         "&max_bytes=" + std::to_string(kLogChunkBytes));
    if (!a) {
      // 409: the job has not reached a site yet. Following, that is a reason to wait.
      if (!follow || a.error().code != Errc::conflict) return fail(a.error());
      auto job = (*api)->get(job_path(id));
      if (!job) return fail(job.error());
      if (is_terminal_state(str_of(job->body, "state"))) return ExitCode::job_failed;  // never ran
      std::this_thread::sleep_for(backoff.next());
      continue;
    }
    const std::string data = str_of(a->body, "data");
    if (s.json()) {
      out << a->body.dump() << '\n';  // one chunk per line (NDJSON) when following
    } else {
      out << data;
    }
    out.flush();
    if (auto next = num_of(a->body, "next_offset")) offset = static_cast<int64_t>(*next);
    if (const auto eof = a->body.find("eof"); eof != a->body.end() && *eof == true) {
      if (!follow) return ExitCode::ok;
      // The site says there is no more output; following, the job's own end decides, and how
      // it ended is the exit code (as submit --wait).
      auto job = (*api)->get(job_path(id));
      if (!job) return fail(job.error());
      const std::string state = str_of(job->body, "state");
      if (is_terminal_state(state)) return state == "succeeded" ? ExitCode::ok : ExitCode::job_failed;
      std::this_thread::sleep_for(backoff.next());
      continue;
    }
    if (!data.empty()) {
      backoff.reset();
      empty_after_end = 0;
      if (!follow && s.json()) return ExitCode::ok;  // one chunk per call without --follow
      continue;
    }
    if (!follow) return ExitCode::ok;
    auto job = (*api)->get(job_path(id));
    if (!job) return fail(job.error());
    const std::string state = str_of(job->body, "state");
    if (is_terminal_state(state) && ++empty_after_end >= 2) {
      return state == "succeeded" ? ExitCode::ok : ExitCode::job_failed;
    }
    std::this_thread::sleep_for(backoff.next());
  }
}

Result<ExitCode> run_cancel(Session& s) {
  const std::string id = s.args().positionals().at(0);
  auto api = s.api();
  if (!api) return fail(api.error());
  auto a = (*api)->post_empty(job_path(id, "/cancel"));
  if (!a) return fail(a.error());
  const bool wait = s.args().has("--wait");
  if (s.json() && !wait) {
    print_raw(s.io().out, a->raw);
    return ExitCode::ok;
  }
  const std::string state = str_of(a->body, "state");
  if (!s.json()) {
    if (state == "canceled") {
      s.io().out << id << " canceled\n";
    } else {
      s.io().out << "cancel requested for " << id << " (" << state
                 << "); it stops shortly at its site\n";
    }
    s.io().out.flush();
  }
  if (!wait) return ExitCode::ok;
  auto end = wait_for_end(**api, id, s.json() ? nullptr : &s.io().err);
  if (!end) return fail(end.error());
  const std::string final_state = str_of(end->body, "state");
  if (s.json()) {
    print_raw(s.io().out, end->raw);
  } else if (state != "canceled") {
    s.io().out << render_job_outcome(end->body);
  }
  if (final_state != "canceled") {
    return fail(Error::conflict(id + " ended " + final_state + " before the cancel took effect"));
  }
  return ExitCode::ok;
}

std::string credit_path(const std::string& org_id) {
  return "/api/v1/orgs/" + url_encode(org_id) + "/credit";
}

Result<ExitCode> run_credit(Session& s) {
  const auto& args = s.args();
  auto page = page_query(args);
  if (!page) return fail(page.error());
  auto api = s.api();
  if (!api) return fail(api.error());
  std::string org;
  if (!args.positionals().empty()) {
    org = args.positionals().at(0);
  } else {
    auto me = (*api)->get("/api/v1/session");  // the caller's own org
    if (!me) return fail(me.error());
    org = str_of(me->body, "org_id");
  }
  auto a = (*api)->get(credit_path(org) + "?" + *page);
  if (!a) return fail(a.error());
  return print_answer(s, *a, render_credit);
}

Result<ExitCode> run_top_up(Session& s) {
  const auto& args = s.args();
  const std::string org = args.positionals().at(0);
  auto amount = parse_number(args.positionals().at(1), "AMOUNT", 1e12);
  if (!amount) return fail(amount.error());
  Json body = {{"amount_cny", args.has("--correction") ? -*amount : *amount}};
  if (auto note = args.get("--note")) body["note"] = *note;
  auto api = s.api();
  if (!api) return fail(api.error());
  if (args.has("--open")) {
    // Opening an open account changes nothing, so --open is safe to repeat.
    auto opened = (*api)->patch("/api/v1/orgs/" + url_encode(org), {{"prepaid", true}});
    if (!opened) return fail(opened.error());
  }
  auto a = (*api)->post(credit_path(org), body);
  if (!a) return fail(a.error());
  return print_answer(s, *a, render_credit_entry);
}

constexpr std::array<OptionSpec, 0> kNoOptions{};
constexpr std::array kSitesOptions = {OptionSpec{"--region", 0, true}};
constexpr auto kSubmitOptions = [] {
  std::array<OptionSpec, kJobOptions.size() + 3> a{};
  std::copy(kJobOptions.begin(), kJobOptions.end(), a.begin());
  a[kJobOptions.size()] = OptionSpec{"--wait"};
  a[kJobOptions.size() + 1] = OptionSpec{"--idempotency-key", 0, true};
  a[kJobOptions.size() + 2] = OptionSpec{"--quiet", 'q'};
  return a;
}();
constexpr std::array kJobsOptions = {OptionSpec{"--state", 0, true}, OptionSpec{"--limit", 0, true},
                                     OptionSpec{"--page-token", 0, true},
                                     OptionSpec{"--site", 0, true}};
constexpr std::array kLogsOptions = {OptionSpec{"--follow", 'F'}, OptionSpec{"--offset", 0, true}};
constexpr std::array kCancelOptions = {OptionSpec{"--wait"}};
constexpr std::array kCreditOptions = {OptionSpec{"--limit", 0, true},
                                       OptionSpec{"--page-token", 0, true}};
constexpr std::array kTopUpOptions = {OptionSpec{"--note", 0, true}, OptionSpec{"--correction"},
                                      OptionSpec{"--open"}};

constexpr const char* kQuoteUsage =
    R"(usage: suanwang quote (--command CMD | --script FILE | -f JOB.json) [job options]

Ask every site what the job would cost and how soon it would finish, without submitting it:
the ranked sites with price, start time, time to result and data moved, the sites that cannot
run it and why, and the one-line summary. Exits 6 when no site can run the job.

  suanwang quote --command "python train.py" --cpus 16 --gpus Ascend910B:8 --walltime 2h
)";

constexpr const char* kSubmitUsage =
    R"(usage: suanwang submit (--command CMD | --script FILE | -f JOB.json) [job options]
                       [--wait] [--quiet] [--idempotency-key KEY]

Submit a job. The gateway places it on the best site now and prints where it went.

  --wait                   poll until the job ends, print its output; exit 0 only if it
                           succeeded (else 8)
  -q, --quiet              print only the job's id (with --wait: nothing more; the exit code
                           says how it ended), for JOB=$(suanwang submit -q ...)
  --idempotency-key KEY    make retries safe: the same key and body return the first job

  suanwang submit --name hello --command "echo hello" --walltime 60 --wait
  suanwang submit -f job.json --policy cheapest
  JOB=$(suanwang submit -q --command "sort n.txt > sorted.txt" --output sorted.txt --wait)
)";

constexpr const char* kJobsUsage =
    R"(usage: suanwang jobs [--state STATE] [--limit N] [--page-token TOKEN] [--site SITE_ID]

List your jobs, newest first.

  --state STATE        pending, placed, submitted, running, succeeded, failed or canceled
  --limit N            jobs per page, 1-500 (default 20)
  --page-token TOKEN   the next page (printed as "more: --page-token ..." under a full page)
  --site SITE_ID       only jobs placed on this site
)";

constexpr const char* kJobUsage = R"(usage: suanwang job JOB_ID

Show a job: state, site, cost, reason, placement summary and its event timeline.
With --json, the job as the API returns it.
)";

constexpr const char* kLogsUsage = R"(usage: suanwang logs JOB_ID [--follow] [--offset N]

Print the job's output (stdout and stderr, as its site captured them).

  -F, --follow   keep printing new output until the job ends (waits for it to start); the
                 exit code then says how it ended: 0 succeeded, 8 failed or canceled
  --offset N     start at byte N
With --json, the API's log chunks, one JSON object per line.
)";

constexpr const char* kCancelUsage = R"(usage: suanwang cancel JOB_ID [--wait]

Cancel a job. A job not yet at a site is canceled at once; one at a site stops shortly.
Canceling a canceled job is fine; a job that already ended is a conflict (exit 5).

  --wait   poll until the job has stopped
)";

constexpr const char* kSitesUsage = R"(usage: suanwang sites [--region REGION]

List the federation's compute sites: region, kind, status, free CPUs and accelerators.
)";

constexpr const char* kCapacityUsage = R"(usage: suanwang capacity

Show the network's capacity: national totals, by accelerator model and by region.
)";

constexpr const char* kCreditUsage =
    R"(usage: suanwang credit [ORG_ID] [--limit N] [--page-token TOKEN]

Show an org's prepaid credit (default: your own org): the balance, what jobs in flight hold
of it (their estimates), what that leaves for new jobs, and the top-ups and corrections, newest
first. Each job's final cost is taken from the balance when it ends.

  --limit N            entries per page, 1-500 (default 20)
  --page-token TOKEN   the next page (printed as "more: --page-token ..." under a full page)
)";

constexpr const char* kTopUpUsage =
    R"(usage: suanwang top-up ORG_ID AMOUNT [--note TEXT] [--correction] [--open]

Platform admins: record AMOUNT yuan received for an org's prepaid credit (at most two
decimals). The org needs a prepaid account: --open opens one (or PATCH /api/v1/orgs/ORG_ID
{"prepaid": true}); closing it is PATCH {"prepaid": false}, at a zero balance.

  --note TEXT     what it is, e.g. the payment's reference (up to 200 bytes)
  --correction    take AMOUNT back instead (a correction or a refund; needs --note), at most
                  what is available (the balance less what jobs in flight hold)
  --open          open the org's prepaid account first if it has none (from then on its jobs
                  are paid from the balance instead of invoiced)

  suanwang top-up org_01hx... 500 --open --note "bank ref 2024-118"
  suanwang top-up org_01hx... 20 --correction --note "double-booked transfer"
)";

constexpr const char* kUploadUsage =
    R"(usage: suanwang upload PATH... --dataset NAME [--to DIR] [--seal]

Upload files (a directory: its whole tree, under its own name) into a dataset of your org,
created when no dataset has that name. Files go in checksummed 8 MiB pieces over the tus
protocol: a broken connection is retried, and running the same command again resumes where
it stopped. Each file's SHA-256, as the gateway measured it, is checked against the local file.

  --dataset NAME   the dataset's name or id (created, open, when the name is new)
  --to DIR         put the files under DIR/ in the dataset
  --seal           seal the dataset afterwards (no more changes; jobs can use it)

  suanwang upload results.csv model/ --dataset exp-42 --seal
)";

constexpr const char* kDownloadUsage =
    R"(usage: suanwang download (DATASET | JOB_ID) [PATH...] [-o DIR]

Download a dataset's files, or a finished job's outputs (or only those under PATH, or matching
a glob such as '*.csv') into DIR (default: the current directory), keeping their paths. A file arrives as
DIR/PATH.part and is renamed into place only once its SHA-256 matches the dataset's; running
the command again resumes a .part file and skips files already there.

  -o, --output DIR   where to put the files
)";

constexpr std::array kUploadOptions = {OptionSpec{"--dataset", 0, true}, OptionSpec{"--to", 0, true},
                                       OptionSpec{"--seal"}};
constexpr std::array kDownloadOptions = {OptionSpec{"--output", 'o', true}};

constexpr const char* kSiteUsage =
    R"(usage: suanwang site register -f SITE.json
       suanwang site (drain | undrain | delete) SITE

Operators: register a site (the API's JSON body, '-' = stdin). The gateway checks the
connection first; a wrong address, token or partition is refused naming the field, and the
answer shows what it found (software, API version, pools, CPUs, GPUs, container runtime).
Drain stops new jobs going to a site (its running jobs finish); undrain opens it again;
delete removes it (refused while it has active jobs). SITE is a site's name or id.

  suanwang site register -f slurm-center.json
  suanwang site drain "Slurm center"
)";

constexpr const char* kKeysUsage =
    R"(usage: suanwang keys [list]
       suanwang keys create NAME
       suanwang keys revoke KEY_ID

Your org's API keys. create prints the new key on stdout, once (the gateway keeps only its
hash): 'suanwang keys create ci > ci.key'.
)";

constexpr const char* kUsageUsage =
    R"(usage: suanwang usage [--from TIME] [--to TIME] [--site SITE_ID] [--org ORG_ID] [--csv]

Your org's finished jobs with their resources, billed time and cost, and the total (admins:
any org with --org). TIME is RFC 3339, e.g. 2026-12-01T00:00:00Z. --csv prints the gateway's
CSV (one row per job), for spreadsheets: 'suanwang usage --csv > december.csv'.
)";

constexpr const char* kLoginUsage =
    R"(usage: suanwang login --email EMAIL [--server URL]

Sign in with your portal email and password (asked for without echo on a terminal, else read
from stdin), make an API key for this machine, and save the server and key in the config file
($XDG_CONFIG_HOME/suanwang/config.json, mode 0600). Later commands use them.
)";

constexpr std::array kSiteOptions = {OptionSpec{"--file", 'f', true}};
constexpr std::array kUsageOptions = {OptionSpec{"--from", 0, true}, OptionSpec{"--to", 0, true},
                                      OptionSpec{"--site", 0, true}, OptionSpec{"--org", 0, true},
                                      OptionSpec{"--csv"}};
constexpr std::array kLoginOptions = {OptionSpec{"--email", 0, true}};

constexpr std::array kCommands = {
    Command{"quote", "price and rank the sites for a job, without submitting it", kQuoteUsage,
            kJobOptions, 0, 0, "", run_quote},
    Command{"submit", "submit a job (--wait to follow it to its end)", kSubmitUsage, kSubmitOptions,
            0, 0, "", run_submit},
    Command{"jobs", "list your jobs", kJobsUsage, kJobsOptions, 0, 0, "", run_jobs},
    Command{"job", "show a job with its event timeline", kJobUsage, kNoOptions, 1, 1, "JOB_ID",
            run_job},
    Command{"logs", "print a job's output (--follow until it ends)", kLogsUsage, kLogsOptions, 1, 1,
            "JOB_ID", run_logs},
    Command{"cancel", "cancel a job", kCancelUsage, kCancelOptions, 1, 1, "JOB_ID", run_cancel},
    Command{"sites", "list the compute sites", kSitesUsage, kSitesOptions, 0, 0, "", run_sites},
    Command{"capacity", "national capacity, by accelerator model and by region", kCapacityUsage,
            kNoOptions, 0, 0, "", run_capacity},
    Command{"credit", "an org's prepaid credit: balance, held, available, entries", kCreditUsage,
            kCreditOptions, 0, 1, "ORG_ID", run_credit},
    Command{"top-up", "admins: record money received for an org's prepaid credit", kTopUpUsage,
            kTopUpOptions, 2, 2, "ORG_ID AMOUNT", run_top_up},
    Command{"upload", "upload files into a dataset (resumable, checked)", kUploadUsage,
            kUploadOptions, 1, 100000, "PATH", run_upload},
    Command{"download", "download a dataset's files or a job's outputs (resumable, checked)",
            kDownloadUsage, kDownloadOptions, 1, 100000, "DATASET", run_download},
    Command{"site", "operators: register, drain, undrain or delete a site", kSiteUsage,
            kSiteOptions, 1, 2, "ACTION [SITE]", run_site},
    Command{"keys", "list, create or revoke your org's API keys", kKeysUsage, kNoOptions, 0, 2,
            "[ACTION] [ARG]", run_keys},
    Command{"usage", "your org's finished jobs and their cost (table or CSV)", kUsageUsage,
            kUsageOptions, 0, 0, "", run_usage},
    Command{"login", "sign in with email and password and save a key for this machine",
            kLoginUsage, kLoginOptions, 0, 0, "", run_login},
};

}  // namespace

SiteNames best_effort_site_names(Api& api) {
  auto a = api.get_all("/api/v1/sites");
  return a ? site_names(a->body) : SiteNames{};
}

Result<Api*> Session::api() {
  if (api_) return api_.get();
  auto settings = resolve_settings(args_.get("--server"), args_.get("--key-file"), env_);
  if (!settings) return fail(settings.error());
  HttpClientOptions options;
  options.accept_language = accept_language(env_);
  if (auto t = args_.get("--timeout")) {
    auto secs = parse_duration_s(*t, "--timeout");
    if (!secs) return fail(secs.error());
    options.timeout = std::chrono::seconds(*secs);
  }
  http_ = std::make_unique<HttpClient>(settings->server, settings->api_key, options);
  api_ = std::make_unique<Api>(*http_);
  return api_.get();
}

std::span<const Command> client_commands() {
  return kCommands;
}

}  // namespace suanwang::cli
