// The `suanwang` client commands, end to end: the built binary run as a child process against a
// real gateway (the demo federation on port 0 in a temp dir), checking its output, its JSON and
// its exit codes.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "cli/support/run_binary.hpp"
#include "integration/support/test_gateway.hpp"

#ifndef SUANWANG_BINARY
#error "SUANWANG_BINARY (the path of the built suanwang binary) must be defined by the build"
#endif

namespace suanwang::testing {
namespace {
using nlohmann::json;

// A demo gateway, a home directory for the CLI's config, and the demo user's key.
struct Cli {
  TempDir dir;
  TempDir home;
  TestGateway gw{dir.path(), {.demo = true}};
  std::string key = gw.demo_key("demo-user");
  HttpClient api = gw.client(key);

  std::string server() const { return "http://127.0.0.1:" + std::to_string(gw.port()); }

  // The environment of every run: nothing of the test's own but PATH and sanitizer options.
  std::map<std::string, std::string> env() const {
    std::map<std::string, std::string> e = {{"HOME", home.path().string()},
                                            {"XDG_CONFIG_HOME", (home.path() / "config").string()},
                                            {"SUANWANG_SERVER", server()},
                                            {"SUANWANG_API_KEY", key}};
    for (const char* name : {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
      if (const char* v = std::getenv(name)) e[name] = v;
    }
    return e;
  }

  RunResult run(const std::vector<std::string>& args, const std::string& stdin_text = {}) const {
    return run_with(args, env(), stdin_text);
  }

  RunResult run_with(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env,
                     const std::string& stdin_text = {}) const {
    std::string shown;
    for (const auto& a : args) shown += " " + a;
    auto r = run_binary(SUANWANG_BINARY, args, env, stdin_text);
    std::ostringstream shown_run;
    shown_run << "suanwang" << shown << "\n-> exit " << r.exit_code << "\nstdout:\n"
              << r.out << "\nstderr:\n"
              << r.err;
    if (r.timed_out) FAIL("timed out: " << shown_run.str());
    // Shown with the next assertion, which is the caller's check of this run.
    UNSCOPED_INFO(shown_run.str());
    return r;
  }

  // Every site has reported capacity (quotes and placement need it).
  void wait_for_capacity() {
    REQUIRE(eventually([&] {
      auto r = api.get("/api/v1/capacity");
      return r.status == 200 && r.json().at("national").at("sites") == 11;
    }));
  }

  std::string local_site() {
    wait_for_capacity();
    const std::string id = local_site_id(api);
    REQUIRE_FALSE(id.empty());
    return id;
  }
};

json parse_out(const RunResult& r) {
  json j;
  REQUIRE_NOTHROW(j = json::parse(r.out));
  return j;
}

std::string job_id_in(const std::string& text) {
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex("job_[0-9a-z]{26}")));
  return m.str();
}

int lines_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

const std::vector<std::string> kSmallJob = {"--cpus", "1",          "--memory-gb",
                                            "0.25",   "--walltime", "2m"};

std::vector<std::string> args_of(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_CASE("sites lists the demo federation's 11 sites in a table", "[cli]") {
  Cli cli;
  auto r = cli.run({"sites"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.starts_with("ID"));
  CHECK(has(r.out, "NAME"));
  CHECK(lines_with(r.out, "site_") == 11);
  CHECK(r.err.empty());

  auto j = cli.run({"sites", "--json"});
  REQUIRE(j.exit_code == 0);
  CHECK(parse_out(j).at("items").size() == 11);
}

TEST_CASE("capacity shows national totals, accelerator models and regions", "[cli]") {
  Cli cli;
  cli.wait_for_capacity();
  auto r = cli.run({"capacity"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.starts_with("National: 11 sites reporting"));
  CHECK(has(r.out, "By accelerator model:"));
  CHECK(has(r.out, "By region:"));
  for (const char* model : {"Ascend910B", "HygonDCU", "A800", "H100"}) {
    INFO(model);
    CHECK(lines_with(r.out, model) >= 2);  // national and by-model tables
  }

  auto j = cli.run({"capacity", "--json"});
  REQUIRE(j.exit_code == 0);
  CHECK(parse_out(j).at("by_accelerator").contains("Ascend910B"));
}

TEST_CASE("quote ranks the sites that can run a job, with price and summary", "[cli]") {
  Cli cli;
  cli.wait_for_capacity();
  const std::vector<std::string> job = {
      "quote",     "--command", "python train.py", "--cpus",      "16", "--walltime", "1h",
      "--runtime", "30m",       "--gpus",          "Ascend910B:8"};
  auto r = cli.run(job);
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string header;
  std::getline(lines, header);
  CHECK(header.find("RANK") != std::string::npos);
  CHECK(header.find("PRICE CNY") != std::string::npos);
  CHECK(header.find("DATA MOVED") != std::string::npos);
  // Rows are numbered 1, 2, ... in order.
  int rank = 0;
  for (std::string line; std::getline(lines, line) && !line.empty();) {
    std::istringstream cells(line);
    int n = 0;
    cells >> n;
    CHECK(n == ++rank);
  }
  CHECK(rank >= 2);
  CHECK(has(r.out, "cannot run it"));  // sites without Ascend910B are rejected with a reason
  CHECK(has(r.out, "summary: "));

  auto j = cli.run(args_of(job, {"--json"}));
  REQUIRE(j.exit_code == 0);
  const json decision = parse_out(j);
  const json& ranked = decision.at("ranked");
  REQUIRE(ranked.size() >= 2);
  CHECK(decision.at("chosen").at("site") == ranked.at(0).at("site"));
  CHECK(decision.at("rejected").size() + ranked.size() == 11);

  // No site has 4096 Ascend910B: the table says so, and the exit code is 6, as submit's.
  auto none = cli.run({"quote", "--command", "x", "--gpus", "Ascend910B:4096"});
  CHECK(none.exit_code == 6);
  CHECK(has(none.out, "No site can run this job."));
}

TEST_CASE("submit --wait on the local site exits 0, and logs, job and jobs show the result",
          "[cli]") {
  Cli cli;
  const std::string local = cli.local_site();
  auto r =
      cli.run(args_of({"submit", "--site", local, "--name", "cli-hello", "--command",
                       "echo hello-from-cli; echo to-stderr >&2", "--env", "GREETING=hi", "--wait"},
                      kSmallJob));
  REQUIRE(r.exit_code == 0);
  const std::string id = job_id_in(r.out);
  CHECK(has(r.out, id + " succeeded"));

  auto logs = cli.run({"logs", id});
  REQUIRE(logs.exit_code == 0);
  CHECK(has(logs.out, "hello-from-cli\n"));
  CHECK(has(logs.out, "to-stderr\n"));

  auto job = cli.run({"job", id});
  REQUIRE(job.exit_code == 0);
  CHECK(has(job.out, "succeeded"));
  CHECK(has(job.out, "cli-hello"));
  CHECK(has(job.out, "Events:"));
  CHECK(has(job.out, "created"));

  auto jobs = cli.run({"jobs", "--state", "succeeded"});
  REQUIRE(jobs.exit_code == 0);
  CHECK(has(jobs.out, id));

  auto jobs_json = cli.run({"jobs", "--json", "--limit", "5"});
  REQUIRE(jobs_json.exit_code == 0);
  CHECK(parse_out(jobs_json).at("items").at(0).at("id") == id);

  auto job_json = cli.run({"job", id, "--json"});
  REQUIRE(job_json.exit_code == 0);
  const json j = parse_out(job_json);
  CHECK(j.at("state") == "succeeded");
  CHECK(j.at("site") == local);
  CHECK(j.at("spec").at("env").at("GREETING") == "hi");
}

TEST_CASE("a failing command with --wait exits 8 and says why", "[cli]") {
  Cli cli;
  const std::string local = cli.local_site();
  auto r = cli.run(args_of(
      {"submit", "--site", local, "--command", "echo about-to-fail; exit 3", "--wait"}, kSmallJob));
  CHECK(r.exit_code == 8);
  CHECK(has(r.out, "failed"));
  CHECK(has(r.out, "exit 3"));

  auto j = cli.run({"job", job_id_in(r.out), "--json"});
  REQUIRE(j.exit_code == 0);
  CHECK(parse_out(j).at("exit_code") == 3);
}

TEST_CASE("submit -f - reads the API's job body from stdin, and --wait --json prints the job",
          "[cli]") {
  Cli cli;
  const std::string local = cli.local_site();
  const json body = {{"name", "from-stdin"},
                     {"command", "echo from-a-file"},
                     {"resources", {{"cpus", 1}, {"memory_gb", 0.25}, {"walltime_s", 60}}},
                     {"constraints", {{"sites", {local}}}}};
  auto r = cli.run({"submit", "-f", "-", "--wait", "--json"}, body.dump());
  REQUIRE(r.exit_code == 0);
  const json job = parse_out(r);
  CHECK(job.at("state") == "succeeded");
  CHECK(job.at("name") == "from-stdin");
}

TEST_CASE("bad options exit 2 with a usage message", "[cli]") {
  Cli cli;
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"submit", "--bogus"}, "suanwang: unknown option '--bogus'"},
      {{"submit", "--command", "x", "--walltime", "2x"}, "--walltime must be a duration"},
      {{"submit", "--command", "x", "--gpus", "H100:none"}, "--gpus"},
      {{"quote", "--command", "x", "--policy", "random"}, "--policy must be"},
      {{"submit"}, "give --command CMD, --script FILE or -f FILE"},
      {{"job"}, "'job' needs JOB_ID"},
      {{"sites", "extra"}, "unexpected argument 'extra'"},
      {{"jobs", "--limit", "0"}, "--limit must be a whole number from 1 to 500"},
      {{"sites", "--key", "sw_secret"}, "the API key is never taken as a command-line value"},
  };
  for (const auto& c : cases) {
    auto r = cli.run(c.args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.starts_with("suanwang: "));
    CHECK(has(r.err, c.message));
    CHECK(has(r.err, "usage: suanwang " + c.args.at(0)));
    CHECK(r.out.empty());
  }
  // The server's 400 is a usage error too, printed with the field it names.
  auto r = cli.run({"jobs", "--state", "bogus"});
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, "(field: state)"));

  auto unknown = cli.run({"frobnicate"});
  CHECK(unknown.exit_code == 2);
  CHECK(has(unknown.err, "unknown command 'frobnicate'"));
}

TEST_CASE("every client command has --help, and help lists them with the exit codes", "[cli]") {
  Cli cli;
  for (const char* cmd : {"quote", "submit", "jobs", "job", "logs", "cancel", "sites", "capacity",
                          "credit", "top-up"}) {
    INFO(cmd);
    auto r = cli.run({cmd, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with(std::string("usage: suanwang ") + cmd));
    CHECK(has(r.out, "--server URL"));
    CHECK(has(r.out, "exit codes:"));
  }
  auto help = cli.run({"help"});
  REQUIRE(help.exit_code == 0);
  for (const char* cmd : {"quote", "submit", "jobs", "job", "logs", "cancel", "sites", "capacity",
                          "credit", "top-up"}) {
    CHECK(has(help.out, std::string("  ") + cmd + " "));
  }
  CHECK(has(help.out, "SUANWANG_API_KEY"));
  CHECK(has(help.out, "4  authentication"));
}

TEST_CASE("a missing or rejected key exits 4, while a key file or the config file works", "[cli]") {
  Cli cli;
  auto env = cli.env();
  env.erase("SUANWANG_API_KEY");
  auto none = cli.run_with({"sites"}, env);
  CHECK(none.exit_code == 4);
  CHECK(none.err.starts_with("suanwang: no API key"));
  CHECK(has(none.err, "SUANWANG_API_KEY"));
  CHECK(has(none.err, "--key-file"));

  auto wrong_env = cli.env();
  wrong_env["SUANWANG_API_KEY"] = "sw_not_a_real_key";
  auto wrong = cli.run_with({"sites"}, wrong_env);
  CHECK(wrong.exit_code == 4);
  CHECK(wrong.err.starts_with("suanwang: "));

  const auto key_file = cli.home.path() / "user.key";
  std::ofstream(key_file) << cli.key << "\n";
  auto with_file = cli.run_with({"sites", "--key-file", key_file.string()}, env);
  CHECK(with_file.exit_code == 0);

  // Server and key from $XDG_CONFIG_HOME/suanwang/config.json alone.
  std::filesystem::create_directories(cli.home.path() / "config/suanwang");
  std::ofstream(cli.home.path() / "config/suanwang/config.json")
      << json{{"server", cli.server()}, {"api_key", cli.key}}.dump();
  env.erase("SUANWANG_SERVER");
  auto from_config = cli.run_with({"sites"}, env);
  CHECK(from_config.exit_code == 0);
  CHECK(lines_with(from_config.out, "site_") == 11);
}

TEST_CASE("an unknown job exits 3", "[cli]") {
  Cli cli;
  const std::string id = "job_" + std::string(26, '0');
  for (const char* cmd : {"job", "logs", "cancel"}) {
    INFO(cmd);
    auto r = cli.run({cmd, id});
    CHECK(r.exit_code == 3);
    CHECK(r.err.starts_with("suanwang: "));
    CHECK(has(r.err, id));
  }
}

TEST_CASE("top-up records prepaid credit for admins, and credit shows the account", "[cli]") {
  Cli cli;
  const std::string org = cli.api.get("/api/v1/session").json().at("org_id");
  auto admin = cli.env();
  admin["SUANWANG_API_KEY"] = cli.gw.admin_key();

  auto none = cli.run({"credit"});  // the caller's own org
  CHECK(none.exit_code == 0);
  CHECK(has(none.out, org + " has no prepaid account"));
  auto user_top_up = cli.run({"top-up", org, "100"});
  CHECK(user_top_up.exit_code == 4);
  auto no_account = cli.run_with({"top-up", org, "100"}, admin);
  CHECK(no_account.exit_code == 5);
  CHECK(has(no_account.err, "no prepaid account"));
  auto bad_amount = cli.run_with({"top-up", org, "ten"}, admin);
  CHECK(bad_amount.exit_code == 2);
  CHECK(has(bad_amount.err, "AMOUNT must be a positive number"));
  auto too_precise = cli.run_with({"top-up", org, "1.001", "--open"}, admin);
  CHECK(too_precise.exit_code == 2);
  CHECK(has(too_precise.err, "(field: amount_cny)"));

  auto paid = cli.run_with({"top-up", org, "100", "--open", "--note", "bank ref 7"}, admin);
  REQUIRE(paid.exit_code == 0);
  CHECK(has(paid.out, "+100.00 CNY recorded for " + org + "; balance 100.00 CNY"));
  auto corrected = cli.run_with(
      {"top-up", org, "25.5", "--correction", "--note", "double-booked", "--json"}, admin);
  REQUIRE(corrected.exit_code == 0);
  CHECK(parse_out(corrected).at("balance_cny") == 74.5);
  auto too_much = cli.run_with({"top-up", org, "500", "--correction", "--note", "x"}, admin);
  CHECK(too_much.exit_code == 5);

  auto shown = cli.run({"credit"});
  REQUIRE(shown.exit_code == 0);
  CHECK(has(shown.out, "available  74.50 CNY"));
  CHECK(has(shown.out, "-25.50"));
  CHECK(has(shown.out, "+100.00"));
  CHECK(has(shown.out, "bank ref 7"));
  CHECK(shown.out.find("double-booked") < shown.out.find("bank ref 7"));  // newest first
  auto paged = cli.run({"credit", org, "--limit", "1", "--json"});
  REQUIRE(paged.exit_code == 0);
  CHECK(parse_out(paged).at("items").size() == 1);
  CHECK(parse_out(paged).at("balance_cny") == 74.5);
  CHECK(cli.run({"credit", "org_" + std::string(26, '0')}).exit_code == 3);
}

TEST_CASE("an unreachable server exits 7", "[cli]") {
  Cli cli;
  auto r = cli.run({"sites", "--server", "http://127.0.0.1:1", "--timeout", "5s"});
  CHECK(r.exit_code == 7);
  CHECK(has(r.err, "cannot connect to http://127.0.0.1:1"));
}

TEST_CASE("cancel stops a running job, but a finished job cannot be canceled", "[cli]") {
  Cli cli;
  const std::string local = cli.local_site();
  auto sub =
      cli.run(args_of({"submit", "--site", local, "--command", "sleep 60", "--json"}, kSmallJob));
  REQUIRE(sub.exit_code == 0);
  const std::string id = parse_out(sub).at("id");
  wait_for_state(cli.api, id, "running");

  auto r = cli.run({"cancel", id, "--wait"});
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "cancel requested for " + id));
  CHECK(cli.api.get("/api/v1/jobs/" + id).json().at("state") == "canceled");

  auto again = cli.run({"cancel", id});
  CHECK(again.exit_code == 0);
  CHECK(has(again.out, id + " canceled"));

  auto done =
      cli.run(args_of({"submit", "--site", local, "--command", "true", "--wait"}, kSmallJob));
  REQUIRE(done.exit_code == 0);
  auto late = cli.run({"cancel", job_id_in(done.out)});
  CHECK(late.exit_code == 5);
  CHECK(late.err.starts_with("suanwang: "));
}

TEST_CASE("logs --follow prints output as it comes and returns when the job ends", "[cli]") {
  Cli cli;
  const std::string local = cli.local_site();
  auto sub = cli.run(args_of({"submit", "--site", local, "--command",
                              "for i in 1 2 3; do echo line-$i; sleep 0.3; done", "--json"},
                             kSmallJob));
  REQUIRE(sub.exit_code == 0);
  const std::string id = parse_out(sub).at("id");

  // Started at once: the job may not have reached its site yet.
  auto r = cli.run({"logs", id, "--follow"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "line-1\nline-2\nline-3\n");
  // It returned when the job had ended, not when the site's output merely paused.
  CHECK(cli.api.get("/api/v1/jobs/" + id).json().at("state") == "succeeded");

  // A failed job: its output, then exit 8, as submit --wait.
  auto bad = cli.run(args_of({"submit", "--site", local, "--command", "echo oops; exit 3",
                              "--json"},
                             kSmallJob));
  REQUIRE(bad.exit_code == 0);
  auto failed = cli.run({"logs", parse_out(bad).at("id"), "--follow"});
  CHECK(failed.exit_code == 8);
  CHECK(failed.out == "oops\n");
}


std::string cli_file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("upload and download move files into and out of a dataset, checked and resumable",
          "[cli][data]") {
  Cli cli;
  TempDir work;
  std::string big(9 * 1024 * 1024 + 5, '\0');  // two tus pieces
  uint32_t x = 7;
  for (auto& ch : big) {
    x = x * 1103515245 + 12345;
    ch = static_cast<char>(x >> 16);
  }
  {
    std::ofstream(work.path() / "weights.bin", std::ios::binary) << big;
    std::filesystem::create_directories(work.path() / "data" / "sub");
    std::ofstream(work.path() / "data" / "a.csv") << "x,y\n1,2\n";
    std::ofstream(work.path() / "data" / "sub" / "b.csv") << "z\n3\n";
  }
  auto up = cli.run({"upload", (work.path() / "weights.bin").string(),
                     (work.path() / "data").string(), "--dataset", "exp-42", "--seal"});
  REQUIRE(up.exit_code == 0);
  CHECK(up.out.find("3 files uploaded and checked, sealed") != std::string::npos);
  CHECK(up.out.find("data/sub/b.csv") != std::string::npos);

  const auto out = work.path() / "out";
  auto down = cli.run({"download", "exp-42", "-o", out.string()});
  REQUIRE(down.exit_code == 0);
  CHECK(cli_file_bytes(out / "weights.bin") == big);
  CHECK(cli_file_bytes(out / "data" / "sub" / "b.csv") == "z\n3\n");

  // Only what is asked for; files already there are not fetched again.
  auto some = cli.run({"download", "exp-42", "data/*.csv", "-o", out.string()});
  REQUIRE(some.exit_code == 0);
  CHECK(some.out == "data/a.csv  up to date\n");

  // A download cut short resumes from its .part file; a .part of other bytes is replaced.
  std::filesystem::remove(out / "weights.bin");
  std::ofstream(out / "weights.bin.part", std::ios::binary) << big.substr(0, 3'000'000);
  REQUIRE(cli.run({"download", "exp-42", "weights.bin", "-o", out.string()}).exit_code == 0);
  CHECK(cli_file_bytes(out / "weights.bin") == big);
  CHECK_FALSE(std::filesystem::exists(out / "weights.bin.part"));
  std::filesystem::remove(out / "weights.bin");
  std::ofstream(out / "weights.bin.part", std::ios::binary) << std::string(3'000'000, 'z');
  REQUIRE(cli.run({"download", "exp-42", "weights.bin", "-o", out.string()}).exit_code == 0);
  CHECK(cli_file_bytes(out / "weights.bin") == big);

  // Errors keep their exit codes: a missing local file is usage (2), a missing dataset 3.
  CHECK(cli.run({"upload", (work.path() / "nope").string(), "--dataset", "x"}).exit_code == 2);
  CHECK(cli.run({"upload", (work.path() / "weights.bin").string()}).exit_code == 2);
  CHECK(cli.run({"download", "no-such-dataset", "-o", out.string()}).exit_code == 3);
  // A sealed dataset takes no more files: a conflict (5).
  CHECK(cli.run({"upload", (work.path() / "data").string(), "--dataset", "exp-42"}).exit_code ==
        5);
}

TEST_CASE("submit --input DATASET:DIR --output GLOB runs on the data, and download JOB_ID fetches "
          "the outputs",
          "[cli][data]") {
  Cli cli;
  TempDir work;
  std::ofstream(work.path() / "numbers.txt") << "3\n1\n2\n";
  REQUIRE(cli.run({"upload", (work.path() / "numbers.txt").string(), "--dataset", "numbers",
                   "--seal"})
              .exit_code == 0);
  const std::string local = cli.local_site();
  // The dataset by name, files under data/; outputs by glob.
  auto sub = cli.run({"submit", "--command", "sort -n data/numbers.txt > sorted.txt; echo x > skip.log",
                      "--input", "numbers:data/", "--output", "*.txt", "--site", local,
                      "--walltime", "60", "--json", "--wait"});
  INFO(sub.out << sub.err);
  REQUIRE(sub.exit_code == 0);
  const std::string id = nlohmann::json::parse(sub.out).at("id");
  const auto out = work.path() / "results";
  auto down = cli.run({"download", id, "-o", out.string()});
  INFO(down.out << down.err);
  REQUIRE(down.exit_code == 0);
  CHECK(cli_file_bytes(out / "sorted.txt") == "1\n2\n3\n");
  CHECK_FALSE(std::filesystem::exists(out / "skip.log"));  // not asked for
  // A dataset that is not there is named, before anything is submitted.
  auto bad = cli.run({"submit", "--command", "true", "--input", "nope:data/"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("nope") != std::string::npos);
}

}  // namespace
}  // namespace suanwang::testing

namespace suanwang::testing {
namespace {

TEST_CASE("operators run their sites from the CLI: register, drain, undrain and delete by name",
          "[cli][roles]") {
  Cli cli;
  auto op = cli.run_with({"site", "register", "-f", "-"},
                         [&] {
                           auto e = cli.env();
                           e["SUANWANG_API_KEY"] = cli.gw.demo_key("demo-operator");
                           return e;
                         }(),
                         R"({"name":"CLI center","region":"cn-csj-shanghai","kind":"general",
                             "adapter":{"type":"local","options":{"cpus":1,"memory_gb":1}},
                             "pricing":{"cpu_core_hour":0.01,"memory_gb_hour":0,"gpu_hour":{},
                                        "egress_gb":0,"billing_granularity_s":1}})");
  REQUIRE(op.exit_code == 0);
  CHECK(op.out.find("registered CLI center (site_") == 0);
  CHECK(op.out.find("containers: none") != std::string::npos);
  auto as_operator = cli.env();
  as_operator["SUANWANG_API_KEY"] = cli.gw.demo_key("demo-operator");
  auto drained = cli.run_with({"site", "drain", "cli center"}, as_operator);  // any case
  CHECK(drained.exit_code == 0);
  CHECK(drained.out.find("CLI center (site_") == 0);
  CHECK(drained.out.find(") drained") != std::string::npos);
  CHECK(cli.run_with({"site", "undrain", "CLI center"}, as_operator).exit_code == 0);
  // Another org's site: forbidden (4); an unknown one: not found (3), listing the names.
  CHECK(cli.run({"site", "drain", "CLI center"}).exit_code == 4);
  auto unknown = cli.run_with({"site", "drain", "Atlantis"}, as_operator);
  CHECK(unknown.exit_code == 3);
  CHECK(unknown.err.find("CLI center") != std::string::npos);
  CHECK(cli.run_with({"site", "delete", "CLI center"}, as_operator).exit_code == 0);
  CHECK(cli.run_with({"site", "delete", "CLI center"}, as_operator).exit_code == 3);
  CHECK(cli.run_with({"site", "paint", "x"}, as_operator).exit_code == 2);
}

TEST_CASE("jobs take sites by name, and submit --wait prints the job's output", "[cli][roles]") {
  Cli cli;
  auto r = cli.run({"submit", "--command", "echo from-the-job", "--site", "This machine (local)",
                    "--walltime", "60", "--memory-gb", "0.1", "--wait"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("from-the-job\n") != std::string::npos);
  auto bad = cli.run({"submit", "--command", "true", "--site", "Atlantis"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("This machine (local)") != std::string::npos);  // the names to pick from
}

TEST_CASE("keys, usage as CSV, and login that saves a key in a 0600 config file",
          "[cli][roles]") {
  Cli cli;
  auto made = cli.run({"keys", "create", "ci"});
  REQUIRE(made.exit_code == 0);
  const std::string new_key = made.out.substr(0, made.out.find('\n'));
  CHECK(new_key.starts_with("sw_"));
  auto listed = cli.run({"keys"});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find(" ci ") != std::string::npos);
  // The new key works; revoked, it does not (4).
  auto with_new = cli.env();
  with_new["SUANWANG_API_KEY"] = new_key;
  CHECK(cli.run_with({"jobs"}, with_new).exit_code == 0);
  const json keys = cli.api.get("/api/v1/api-keys").json();
  std::string ci_id;
  for (const auto& k : keys.at("items")) {
    if (k.at("name") == "ci") ci_id = k.at("id");
  }
  REQUIRE_FALSE(ci_id.empty());
  CHECK(cli.run({"keys", "revoke", ci_id}).exit_code == 0);
  CHECK(cli.run_with({"jobs"}, with_new).exit_code == 4);

  REQUIRE(cli.run({"submit", "--command", "true", "--site", "This machine (local)", "--walltime",
                   "60", "--memory-gb", "0.1", "--wait"})
              .exit_code == 0);
  auto csv = cli.run({"usage", "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.starts_with("job_id,"));
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') >= 2);
  auto table = cli.run({"usage"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("total: ") != std::string::npos);

  // login: no key in the environment; the password on stdin.
  std::ifstream keys_file(cli.gw.data_dir() / "demo-keys.json");
  const json demo = json::parse(keys_file);
  auto no_key = cli.env();
  no_key.erase("SUANWANG_API_KEY");
  CHECK(cli.run_with({"jobs"}, no_key).exit_code == 4);
  auto wrong = cli.run_with({"login", "--email", demo.at("demo-user").at("email")}, no_key,
                            "not-the-password\n");
  CHECK(wrong.exit_code == 4);
  auto login = cli.run_with({"login", "--email", demo.at("demo-user").at("email")}, no_key,
                            demo.at("demo-user").at("password").get<std::string>() + "\n");
  REQUIRE(login.exit_code == 0);
  const auto config = cli.home.path() / "config" / "suanwang" / "config.json";
  CHECK((std::filesystem::status(config).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK(cli.run_with({"jobs"}, no_key).exit_code == 0);  // the saved key is used
}

}  // namespace
}  // namespace suanwang::testing
