// The real slurm adapter against recorded slurmrestd 25.05.8 answers (tests/data/slurm-25.05),
// served by a small HTTP server in this test: the version agreed with the site, capacity, submit
// (its body checked against the spec as it arrives), status and cancel, and the refusal of a
// site that serves no version this build speaks. Paths without a recorded answer get what
// slurmrestd answers for a path it does not serve: 404 text/plain.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "support/json_schema.hpp"
#include "support/replay_http_server.hpp"
#include "support/run_sync.hpp"
#include "support/temp_dir.hpp"
#include "unit/adapters/slurm_test_data.hpp"

namespace {

using namespace suanwang::adapters;
using nlohmann::json;
using suanwang::testing::replay_answer;
using suanwang::testing::ReplayAnswer;
using suanwang::testing::ReplayHttpServer;

json replay_record(const std::string& version, const std::string& name) {
  return suanwang::testing::slurm_recording(version, name);
}

struct ReplayAdapter {
  ReplayHttpServer& server;
  json options;
  suanwang::testing::TempDir dir;
  boost::asio::io_context io;
  std::unique_ptr<SiteAdapter> adapter;

  ReplayAdapter(ReplayHttpServer& s, json extra_options)
      : server(s), options(std::move(extra_options)) {
    AdapterConfig c;
    c.type = "slurm";
    c.endpoint = server.endpoint();
    c.options = {{"partition", "debug"}, {"output_dir", "/srv/slurm/jobs"}, {"timeout_ms", 5000}};
    c.options.update(options);
    c.credentials = {{"user", "nobody"}, {"token", "eyJhbGciOiJIUzI1NiJ9.e30.recorded"}};
    AdapterContext ctx{io.get_executor(), [] { return std::chrono::system_clock::now(); },
                       dir.path().string(), 0};
    auto a = AdapterRegistry::builtin().create(c, ctx);
    INFO((a ? std::string() : a.error().message));
    REQUIRE(a);
    adapter = std::move(*a);
  }
  template <class T>
  T run(boost::asio::awaitable<T> op) {
    return suanwang::testing::run_sync(io, std::move(op));
  }
};

JobRequest replay_job(const std::string& key) {
  JobRequest j;
  j.key = key;
  j.command = "echo hello";
  j.cpus = 1;
  j.memory_gb = 1;
  j.walltime_s = 300;
  return j;
}

}  // namespace

TEST_CASE("slurm replay: the adapter agrees on the newest version the site serves",
          "[slurm][adapters][slurm-replay]") {
  ReplayHttpServer server;
  suanwang::testing::serve_recorded_slurm(server, "v0.0.43");
  ReplayAdapter a(server, json::object());
  CHECK(a.adapter->describe().api_version == "auto");  // nothing agreed before the first call

  auto h = a.run(a.adapter->health());
  REQUIRE(h);
  CHECK(h->reachable);
  CHECK_THAT(h->detail, Catch::Contains("v0.0.43") && Catch::Contains("25.05.8"));
  // v0.0.44 first (not served: 404 text/plain), then v0.0.43.
  CHECK(server.seen_targets() ==
        std::vector<std::string>{"GET /slurm/v0.0.44/ping", "GET /slurm/v0.0.43/ping"});
  const auto d = a.adapter->describe();
  CHECK(d.api_version == "v0.0.43");
  CHECK(d.release == "Slurm 25.05.8");

  // slurmctld stopped: the ping still answers 200, with DOWN (pitfall 5).
  server.answer_record(replay_record("v0.0.43", "70-ping-slurmctld-down"));
  h = a.run(a.adapter->health());
  REQUIRE(h);
  CHECK_FALSE(h->reachable);
  CHECK_THAT(h->detail, Catch::Contains("DOWN"));
}

TEST_CASE(
    "slurm replay: a site serving no version this build speaks is refused, naming what it "
    "offers",
    "[slurm][adapters][slurm-replay]") {
  ReplayHttpServer server;
  server.answer(
      "GET", "/openapi/v3",
      {200, "application/json",
       R"({"openapi":"3.0.3","paths":{"/slurm/v0.0.39/ping":{},"/slurm/v0.0.39/jobs":{}}})"});
  ReplayAdapter a(server, json::object());
  auto h = a.run(a.adapter->health());
  REQUIRE_FALSE(h);
  CHECK(h.error().code == AdapterErrc::invalid_config);
  CHECK_THAT(h.error().message, Catch::Contains("options.api_version") &&
                                    Catch::Contains("offers v0.0.39") &&
                                    Catch::Contains("v0.0.44, v0.0.43"));
  auto cap = a.run(a.adapter->capacity());
  REQUIRE_FALSE(cap);
  CHECK(cap.error().code == AdapterErrc::invalid_config);
}

TEST_CASE("slurm replay: a pinned api_version the site does not serve is refused",
          "[slurm][adapters][slurm-replay]") {
  ReplayHttpServer server;
  suanwang::testing::serve_recorded_slurm(server, "v0.0.43");
  server.answer("GET", "/openapi/v3",
                {200, "application/json", R"({"paths":{"/slurm/v0.0.43/ping":{}}})"});
  ReplayAdapter a(server, {{"api_version", "v0.0.42"}});
  auto h = a.run(a.adapter->health());
  REQUIRE_FALSE(h);
  CHECK(h.error().code == AdapterErrc::invalid_config);
  CHECK_THAT(h.error().message,
             Catch::Contains("does not serve v0.0.42") && Catch::Contains("offers v0.0.43"));
  // Pinned: no other version is tried.
  for (const auto& t : server.seen_targets()) CHECK(t.find("v0.0.44") == std::string::npos);
}

TEST_CASE("slurm replay: capacity, submit, status and cancel over recorded answers",
          "[slurm][adapters][slurm-replay]") {
  for (const std::string version : {"v0.0.40", "v0.0.43"}) {
    INFO(version);
    ReplayHttpServer server;
    suanwang::testing::serve_recorded_slurm(server, version);
    ReplayAdapter a(server, {{"api_version", version}});

    auto cap = a.run(a.adapter->capacity());
    INFO((cap ? std::string() : cap.error().message));
    REQUIRE(cap);
    REQUIRE(cap->pools.size() == 1);
    CHECK(cap->pools[0].name == "debug");
    CHECK(cap->pools[0].cpus_total == 16);
    CHECK(cap->pools[0].accelerators.at("A800").total == 4);
    CHECK(cap->pools[0].accelerators.at("A800").free == 2);
    CHECK(cap->pools[0].max_walltime_s == 0);

    // A submit: its body arrives valid against the version's specification.
    server.answer_record(replay_record(version, "06-submit-cpu"));
    const auto submit_answer = replay_record(version, "06-submit-cpu").at("response_body");
    auto sub = a.run(a.adapter->submit(replay_job("replay_cpu_1")));
    INFO((sub ? std::string() : sub.error().message));
    REQUIRE(sub);
    CHECK(sub->remote_id == std::to_string(submit_answer.at("job_id").get<int64_t>()));
    CHECK_FALSE(sub->already_existed);
    const json spec = suanwang::testing::slurm_spec(version);
    suanwang::testing::JsonSchemaCheck check(spec);
    const auto& schema = check.request_schema("/slurm/" + version + "/job/submit", "post");
    std::vector<json> posted;
    for (const auto& s : server.seen()) {
      if (s.method == "POST") posted.push_back(json::parse(s.body));
    }
    REQUIRE(posted.size() == 1);
    CHECK(check.check(schema, posted[0]).empty());
    CHECK(posted[0].at("job").at("name") == "replay_cpu_1");

    // A GPU model in another case than the site's GRES type is sent in the site's case.
    server.answer_record(replay_record(version, "10-submit-gpu"));
    JobRequest gpu = replay_job("replay_gpu_1");
    gpu.accelerators = AcceleratorRequest{"a800", 2};
    auto gpu_sub = a.run(a.adapter->submit(gpu));
    INFO((gpu_sub ? std::string() : gpu_sub.error().message));
    REQUIRE(gpu_sub);
    const json gpu_body = json::parse(server.seen().back().body);
    CHECK(gpu_body.at("job").at("tres_per_node") == "gres/gpu:A800:2");

    // Status: exit 3 from the exit_code object; cancel of a finished job succeeds (2021).
    const auto failed = replay_record(version, "28-job-failed-exit3");
    const auto failed_id = failed.at("response_body").at("jobs").at(0).at("job_id").get<int64_t>();
    server.answer("GET", failed.at("path"), replay_answer(failed));
    auto st = a.run(a.adapter->status({std::to_string(failed_id)}));
    REQUIRE(st);
    REQUIRE(st->size() == 1);
    CHECK(st->front().state == RemoteState::failed);
    CHECK(st->front().exit_code == 3);
    server.answer_record(replay_record(version, "26-delete-finished-job"));
    const std::string finished_path = replay_record(version, "26-delete-finished-job").at("path");
    const std::string finished_id = finished_path.substr(finished_path.rfind('/') + 1);
    CHECK(a.run(a.adapter->cancel(finished_id)));

    // An unknown job: 404 with error 2017 is "unknown to site", not "version not served".
    server.answer_record(replay_record(version, "31-job-unknown-id"));
    st = a.run(a.adapter->status({"999999"}));
    REQUIRE(st);
    CHECK(st->front().state == RemoteState::lost);
    CHECK(a.adapter->describe().api_version == version);
  }
}

TEST_CASE(
    "slurm replay: a retried submit does not take the FAILED job a rejected submit left "
    "(pitfall 3)",
    "[slurm][adapters][slurm-replay]") {
  ReplayHttpServer server;
  suanwang::testing::serve_recorded_slurm(server, "v0.0.43");
  // The job list as recorded, with one BadConstraints leftover under our key's name and comment.
  auto jobs = replay_record("v0.0.43", "60-jobs-final");
  auto& list = jobs.at("response_body").at("jobs");
  bool marked = false;
  for (auto& j : list) {
    if (!marked && j.at("state_reason") == "BadConstraints") {
      j["name"] = "replay_retry_1";
      j["comment"] = "suanwang:replay_retry_1";
      marked = true;
    }
  }
  REQUIRE(marked);
  server.answer("GET", "/slurm/v0.0.43/jobs", replay_answer(jobs));
  server.answer_record(replay_record("v0.0.43", "06-submit-cpu"));
  ReplayAdapter a(server, json::object());
  auto sub = a.run(a.adapter->submit(replay_job("replay_retry_1")));
  INFO((sub ? std::string() : sub.error().message));
  REQUIRE(sub);
  CHECK_FALSE(sub->already_existed);  // submitted anew
  CHECK(sub->remote_id == "53");
}

TEST_CASE("slurm replay: a 2014 refusal is refused with Slurm's words",
          "[slurm][adapters][slurm-replay]") {
  ReplayHttpServer server;
  suanwang::testing::serve_recorded_slurm(server, "v0.0.42");
  server.answer_record(replay_record("v0.0.42", "37-submit-unsatisfiable-gpus"));
  ReplayAdapter a(server, json::object());
  JobRequest j = replay_job("replay_2014");
  j.accelerators = AcceleratorRequest{"A800", 4};  // fits the node: only Slurm refuses it here
  auto sub = a.run(a.adapter->submit(j));
  REQUIRE_FALSE(sub);
  CHECK(sub.error().code == AdapterErrc::refused);
  CHECK_THAT(sub.error().message, Catch::Contains("Requested node configuration is not available"));
}

TEST_CASE("slurm replay: when the agreed version stops being served the adapter agrees again",
          "[slurm][adapters][slurm-replay]") {
  ReplayHttpServer server;
  suanwang::testing::serve_recorded_slurm(server, "v0.0.43");
  ReplayAdapter a(server, json::object());
  REQUIRE(a.run(a.adapter->capacity()));
  CHECK(a.adapter->describe().api_version == "v0.0.43");
  // The site now serves v0.0.42 only (another slurmrestd behind the same address): the next
  // poll's ping of v0.0.43 is not served, and the adapter agrees on v0.0.42 there and then.
  server.forget("/slurm/v0.0.43/");
  suanwang::testing::serve_recorded_slurm(server, "v0.0.42");
  auto cap = a.run(a.adapter->capacity());
  INFO((cap ? std::string() : cap.error().message));
  REQUIRE(cap);
  CHECK(a.adapter->describe().api_version == "v0.0.42");
}

TEST_CASE("slurm replay: a poll fails at once when the ping says slurmctld is DOWN",
          "[slurm][adapters][slurm-replay]") {
  ReplayHttpServer server;
  suanwang::testing::serve_recorded_slurm(server, "v0.0.43");
  ReplayAdapter a(server, json::object());
  REQUIRE(a.run(a.adapter->capacity()));
  // slurmctld stopped: its ping answers 200 DOWN at once, /partitions would answer 502 after 10 s.
  server.answer_record(replay_record("v0.0.43", "70-ping-slurmctld-down"));
  server.answer_record(replay_record("v0.0.43", "71-jobs-slurmctld-down"));
  const auto asked_before = server.seen().size();
  auto cap = a.run(a.adapter->capacity());
  REQUIRE_FALSE(cap);
  CHECK(cap.error().code == AdapterErrc::unreachable);
  CHECK_THAT(cap.error().message, Catch::Contains("vm DOWN"));
  CHECK(server.seen().size() == asked_before + 1);  // the ping only
  // A call that does reach slurmrestd: 502 [1800] is unreachable too.
  auto st = a.run(a.adapter->status({"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
                                     "13", "14", "15", "16", "17"}));
  REQUIRE_FALSE(st);
  CHECK(st.error().code == AdapterErrc::unreachable);
  CHECK_THAT(st.error().message, Catch::Contains("[1800]"));
}

TEST_CASE("slurm replay: a 401 before routing agrees on no version and names the credentials",
          "[slurm][adapters][slurm-replay]") {
  // slurmrestd authenticates before it resolves the path: without usable credentials every path
  // answers 401 text/plain, served or not (src/slurmrestd/operations.c).
  ReplayHttpServer server;
  server.answer_record(replay_record("v0.0.43", "34-no-auth-headers"));
  server.answer("GET", "/slurm/v0.0.44/ping", {401, "text/plain", "Authentication failure"});
  ReplayAdapter a(server, json::object());
  auto h = a.run(a.adapter->health());
  REQUIRE(h);
  CHECK_FALSE(h->reachable);
  CHECK_THAT(h->detail, Catch::Contains("credentials.token"));
  CHECK(a.adapter->describe().api_version == "auto");
  auto cap = a.run(a.adapter->capacity());
  REQUIRE_FALSE(cap);
  CHECK(cap.error().code == AdapterErrc::refused);
}
