// The slurm adapter's pure parts without a cluster: the v0.0.38 JSON mapping on answers shaped
// like those recorded from slurmrestd 22.05.8, every error shape it produces, GRES strings, job
// states, capacity arithmetic, option validation and the batch script.
#include <catch2/catch.hpp>

#include "adapters/registry.hpp"
#include "adapters/slurm/batch_script.hpp"
#include "adapters/slurm/slurm_api.hpp"
#include "adapters/slurm/slurm_model.hpp"
#include "adapters/slurm/slurm_options.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::adapters::slurm;
using nlohmann::json;

const char* kMeta = R"J("meta":{"plugin":{"type":"openapi\/v0.0.38","name":"Slurm OpenAPI v0.0.38"},
  "Slurm":{"version":{"major":22,"micro":8,"minor":5},"release":"22.05.8"}})J";

std::string with_meta(const std::string& rest) {
  return std::string("{") + kMeta + "," + rest + "}";
}

std::unique_ptr<SlurmApi> api() {
  auto a = make_slurm_api("v0.0.38");
  REQUIRE(a);
  return a;
}

const std::string kNodes = with_meta(R"J("errors":[],"nodes":[
  {"name":"vm","state":"mixed","state_flags":[],"partitions":["debug"],"cpus":8,"alloc_cpus":2,
   "idle_cpus":6,"real_memory":8000,"alloc_memory":100,"free_memory":18351,
   "gres":"gpu:A800:4","gres_used":"gpu:A800:2(IDX:0-1)","tres_used":"cpu=2,mem=100M"
},
  {"name":"n2","state":"idle","state_flags":["DRAIN"],"partitions":["debug"],"cpus":64,
   "alloc_cpus":0,"real_memory":1000,"alloc_memory":0,"gres":"gpu:A800:8","gres_used":"gpu:A800:0"},
  {"name":"n3","state":"idle","state_flags":["NOT_RESPONDING"],"partitions":["debug"],"cpus":64,
   "alloc_cpus":0,"real_memory":1000,"alloc_memory":0,"gres":"","gres_used":""},
  {"name":"n4","state":"down","state_flags":[],"partitions":["debug"],"cpus":64,"alloc_cpus":0,
   "real_memory":1000,"alloc_memory":0,"gres":"","gres_used":""},
  {"name":"n5","state":"idle","state_flags":[],"partitions":["other"],"cpus":4,"alloc_cpus":0,
   "real_memory":1000,"alloc_memory":0,"gres":"gpu:2","gres_used":"gpu:0"}])J");

const std::string kPartitions = with_meta(R"J("errors":[],"partitions":[
  {"flags":["default"],"name":"debug","nodes":"vm","state":"UP","total_cpus":8,"total_nodes":1,
   "max_time_limit":-1,"tres":"cpu=8,mem=8000M,node=1,billing=8"},
  {"name":"short","state":"UP","total_cpus":8,"total_nodes":1,"max_time_limit":60}])J");

}  // namespace

TEST_CASE("v0.0.38: nodes, partitions and the capacity of a partition", "[slurm][adapters]") {
  auto a = api();
  auto nodes = a->parse_nodes(200, kNodes);
  REQUIRE(nodes);
  REQUIRE(nodes->size() == 5);
  CHECK((*nodes)[0].state == "MIXED");
  CHECK((*nodes)[1].state_flags == std::vector<std::string>{"DRAIN"});
  auto parts = a->parse_partitions(200, kPartitions);
  REQUIRE(parts);
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].max_time_s == 0);  // -1 = infinite
  CHECK((*parts)[1].max_time_s == 3600);

  // Drained, unresponsive and down nodes are not capacity; free = configured - allocated.
  const auto pool = partition_pool(*nodes, (*parts)[0], "GPU");
  CHECK(pool.name == "debug");
  CHECK(pool.cpus_total == 8);
  CHECK(pool.cpus_free == 6);
  CHECK(pool.memory_gb_total == Approx(8000 / 1024.0));
  CHECK(pool.memory_gb_free == Approx(7900 / 1024.0));
  REQUIRE(pool.accelerators.size() == 1);
  CHECK(pool.accelerators.at("A800").total == 4);
  CHECK(pool.accelerators.at("A800").free == 2);

  SlurmPartition other;
  other.name = "other";
  const auto other_pool = partition_pool(*nodes, other, "GPU");
  CHECK(other_pool.accelerators.at("GPU").total == 2);
  CHECK(other_pool.accelerators.at("GPU").free == 2);
}

TEST_CASE("v0.0.38: jobs map to gateway states with reasons", "[slurm][adapters]") {
  auto a = api();
  const std::string body = with_meta(R"J("errors":[],"jobs":[
    {"job_id":1,"name":"job_a","comment":"suanwang:job_a","partition":"debug","job_state":"COMPLETED",
     "state_reason":"None","exit_code":0,"cpus":2,"time_limit":5,"start_time":1795234001,
     "end_time":1795234003,"standard_output":"/x/%j.out"},
    {"job_id":2,"name":"b","job_state":"FAILED","state_reason":"NonZeroExitCode","exit_code":768,
     "start_time":1795234001,"end_time":1795234002},
    {"job_id":3,"name":"c","job_state":"PENDING","state_reason":"Resources","exit_code":0,
     "start_time":0,"end_time":0,"time_limit":10,"cpus":4,"partition":"debug"},
    {"job_id":4,"name":"d","job_state":"RUNNING","state_reason":"None","start_time":1795234001,
     "end_time":1795234301,"partition":"debug","cpus":1},
    {"job_id":5,"job_state":"CANCELLED","state_reason":"None","exit_code":15},
    {"job_id":6,"job_state":"TIMEOUT","exit_code":0},
    {"job_id":7,"job_state":"OUT_OF_MEMORY","exit_code":0},
    {"job_id":8,"job_state":"NODE_FAIL","state_reason":"NodeDown"},
    {"job_id":9,"job_state":"PREEMPTED"},
    {"job_id":10,"job_state":"FAILED","exit_code":9},
    {"job_id":"11","job_state":"RUNNING"},
    {"job_id":12,"job_state":42},
    "junk"])J");
  auto jobs = a->parse_jobs(200, body);
  REQUIRE(jobs);
  REQUIRE(jobs->size() == 10);  // wrong-typed ids and states are skipped, not trusted
  std::map<int64_t, RemoteStatus> st;
  for (const auto& j : *jobs) st[j.job_id] = to_remote_status(j);

  CHECK(st[1].state == RemoteState::succeeded);
  CHECK(st[1].exit_code == 0);
  CHECK(st[1].started_at);
  CHECK(st[1].finished_at);
  CHECK(st[2].state == RemoteState::failed);
  CHECK(st[2].exit_code == 3);  // raw wait status 768 = exit 3
  CHECK_THAT(st[2].reason, Catch::Contains("exit code 3") && Catch::Contains("NonZeroExitCode"));
  CHECK(st[3].state == RemoteState::queued);
  CHECK_THAT(st[3].reason, Catch::Contains("Resources"));
  CHECK_FALSE(st[3].started_at);
  CHECK(st[4].state == RemoteState::running);
  CHECK_FALSE(st[4].finished_at);  // a running job's end_time is only an estimate
  CHECK(st[5].state == RemoteState::canceled);
  CHECK_THAT(st[5].reason, Catch::StartsWith("CANCELLED"));
  CHECK(st[6].state == RemoteState::failed);
  CHECK_THAT(st[6].reason, Catch::StartsWith("TIMEOUT"));
  CHECK(st[7].state == RemoteState::failed);
  CHECK_THAT(st[7].reason, Catch::StartsWith("OUT_OF_MEMORY"));
  CHECK(st[8].state == RemoteState::lost);
  CHECK_THAT(st[8].reason, Catch::StartsWith("NODE_FAIL"));
  CHECK(st[9].state == RemoteState::lost);
  CHECK_THAT(st[9].reason, Catch::StartsWith("PREEMPTED"));
  CHECK(st[10].state == RemoteState::failed);
  CHECK_FALSE(st[10].exit_code);
  CHECK_THAT(st[10].reason, Catch::Contains("signal 9"));

  Capacity cap;
  count_jobs(*jobs, "debug", cap);
  CHECK(cap.running_jobs == 1);
  CHECK(cap.queued_jobs == 1);
  CHECK(cap.queued_work_core_s == Approx(4 * 600));
}

TEST_CASE("v0.0.38: submit body and answer", "[slurm][adapters]") {
  auto a = api();
  SlurmSubmit s;
  s.name = "job_1";
  s.comment = "suanwang:job_1";
  s.script = "#!/bin/bash\necho hi\n";
  s.partition = "debug";
  s.cwd = "/out";
  s.standard_output = "/out/%j.out";
  s.time_limit_min = 2;
  s.cpus = 2;
  s.memory_mb = 256;
  s.gpu_type = "A800";
  s.gpus = 2;
  const auto body = json::parse(a->submit_body(s));
  CHECK(body.at("script") == s.script);
  const auto& job = body.at("job");
  CHECK(job.at("name") == "job_1");
  CHECK(job.at("gpus_per_node") == "A800:2");
  CHECK(job.at("time_limit") == 2);
  CHECK(job.at("memory_per_node") == 256);
  CHECK(job.at("environment").is_object());
  CHECK_FALSE(job.at("environment").empty());  // must be a non-empty object
  CHECK_FALSE(job.contains("argv"));           // crashes slurmrestd 22.05
  CHECK_FALSE(job.contains("tres_per_node"));  // output-only: 400 Unknown key

  auto id = a->parse_submit(200, with_meta(R"J("errors":[],"job_id":45,"step_id":"BATCH")J"));
  REQUIRE(id);
  CHECK(*id == 45);
  // A job id next to an error entry still means submitted (e.g. 2015 with a hold).
  auto held = a->parse_submit(
      200,
      with_meta(
          R"J("errors":[{"error_code":2015,"error":"Requested partition configuration not available now"}],"job_id":46,"step_id":"BATCH")J"));
  REQUIRE(held);
  CHECK(*held == 46);
}

TEST_CASE("v0.0.38: every error shape becomes a clear AdapterError", "[slurm][adapters]") {
  auto a = api();
  SECTION("missing auth: 401 plain text") {
    auto r = a->parse_nodes(401, "Authentication failure");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::refused);
    CHECK_THAT(r.error().message, Catch::Contains("credentials"));
  }
  SECTION("bad token: 500 with errno -1 or error_code 5005") {
    auto r = a->parse_nodes(
        500, with_meta(R"J("errors":[{"error":"Unspecified error","errno":-1}],"nodes":[])J"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::refused);
    CHECK_THAT(r.error().message, Catch::Contains("token"));
    auto s = a->parse_submit(
        500,
        with_meta(
            R"J("errors":[{"error_code":5005,"error":"Zero Bytes were transmitted or received"}])J"));
    REQUIRE_FALSE(s);
    CHECK(s.error().code == AdapterErrc::refused);
    CHECK_THAT(s.error().message, Catch::Contains("Zero Bytes") && Catch::Contains("token"));
    auto p = a->parse_ping(
        500, with_meta(R"J("errors":[{"description":"slurmctld config is unable to load",
             "error_number":-1,"error":"Unspecified error","source":"slurm_load_ctl_conf"}])J"));
    REQUIRE_FALSE(p);
    CHECK(p.error().code == AdapterErrc::refused);
  }
  SECTION("malformed request: 400 plain text") {
    auto r = a->parse_submit(400, "Unable to parse query.");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::refused);
    CHECK_THAT(r.error().message, Catch::Contains("Unable to parse query"));
  }
  SECTION("unknown key: 400 with JSON errors") {
    auto r = a->parse_submit(
        400, with_meta(
                 R"J("errors":[{"description":"Unknown key \"tres_per_node\"","source":"hsearch_r"},
             {"error_code":9001,"error":"Failure during parsing"}])J"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::refused);
    CHECK_THAT(r.error().message, Catch::Contains("tres_per_node"));
  }
  SECTION("unknown job id: 500 with error_number 2017 is not_found") {
    const auto body = with_meta(R"J("errors":[{"description":"Unable to find JobId=999",
        "error_number":2017,"error":"Invalid job id specified","source":"slurm_load_job"}],"jobs":[])J");
    auto r = a->parse_jobs(500, body);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::not_found);
    auto c = a->parse_cancel(
        500,
        with_meta(
            R"J("errors":[{"description":"unable to kill JobId=999 with signal 9: Invalid job id specified",
             "error_number":2017,"error":"Invalid job id specified","source":"slurm_kill_job"}])J"));
    REQUIRE_FALSE(c);
    CHECK(c.error().code == AdapterErrc::not_found);
    CHECK(a->parse_cancel(200, with_meta(R"J("errors":[])J")));
  }
  SECTION("invalid partition 2000 and unsatisfiable 2014 are refusals") {
    for (
        const auto* text :
        {R"J("errors":[{"error_code":2000,"error":"Invalid partition name specified"}])J",
         R"J("errors":[{"error_code":2014,"error":"Requested node configuration is not available"}])J"}) {
      auto r = a->parse_submit(500, with_meta(text));
      REQUIRE_FALSE(r);
      CHECK(r.error().code == AdapterErrc::refused);
      CHECK_THAT(r.error().message, Catch::Contains("[20"));
    }
  }
  SECTION("controller unreachable (1xxx) is unreachable") {
    auto r = a->parse_nodes(
        500,
        with_meta(
            R"J("errors":[{"error_number":1800,"error":"Unable to contact slurm controller"}])J"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::unreachable);
  }
  SECTION("a protocol authentication error (1007) is the credentials, not the controller") {
    // What Slurm 23.11+ answer a bad, expired or mismatched token (tests/data/slurm-25.05).
    auto r = a->parse_nodes(
        500,
        with_meta(R"J("errors":[{"error_number":1007,"error":"Protocol authentication error"}])J"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::refused);
    CHECK_THAT(r.error().message, Catch::Contains("credentials.token"));
  }
  SECTION("not JSON, wrong types, too deep, missing payload: bad_response") {
    CHECK(a->parse_nodes(200, "<html>").error().code == AdapterErrc::bad_response);
    CHECK(a->parse_nodes(200, "[1,2]").error().code == AdapterErrc::bad_response);
    CHECK(a->parse_nodes(200, with_meta(R"J("nodes":{"a":1})J")).error().code ==
          AdapterErrc::bad_response);
    CHECK(a->parse_jobs(200, std::string(100, '[') + std::string(100, ']')).error().code ==
          AdapterErrc::bad_response);
    CHECK(a->parse_ping(200, with_meta(R"J("pings":[])J")).error().code ==
          AdapterErrc::bad_response);
    CHECK(a->parse_ping(200, with_meta(R"J("pings":[{"hostname":"vm","ping":"DOWN"}])J"))
              .error()
              .code == AdapterErrc::unreachable);
    CHECK(a->parse_ping(200, with_meta(R"J("pings":[{"hostname":"vm","ping":"UP"}])J")));
  }
  SECTION("a 404 says the api_version is probably wrong") {
    auto r = a->parse_nodes(404, "Not Found");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::unsupported);
    CHECK_THAT(r.error().message, Catch::Contains("api_version"));
  }
}

TEST_CASE("GRES strings: typed, untyped, annotated, malformed", "[slurm][adapters]") {
  using M = std::map<std::string, int>;
  CHECK(parse_gpu_gres("gpu:A800:4", "GPU") == M{{"A800", 4}});
  CHECK(parse_gpu_gres("gpu:4", "GPU") == M{{"GPU", 4}});
  CHECK(parse_gpu_gres("gpu:a100:3(IDX:0-2)", "GPU") == M{{"a100", 3}});
  CHECK(parse_gpu_gres("gpu:A800:0(IDX:N/A)", "GPU") == M{{"A800", 0}});
  CHECK(parse_gpu_gres("gpu:a100:2(IDX:0,2),gpu:v100:1(S:0),mps:100", "GPU") ==
        M{{"a100", 2}, {"v100", 1}});
  CHECK(parse_gpu_gres("", "GPU").empty());
  CHECK(parse_gpu_gres("(null)", "GPU").empty());
  CHECK(parse_gpu_gres("gpu:x:-3,gpu::2,gpu:a:b", "GPU").empty());
  CHECK(parse_gpu_gres("gpu:a:99999999999", "GPU") == M{{"a", 1'000'000}});
}

TEST_CASE("a job no node of the partition can run is caught before Slurm leaves it pending",
          "[slurm][adapters]") {
  auto nodes = api()->parse_nodes(200, kNodes);
  REQUIRE(nodes);
  SlurmSubmit s;
  s.cpus = 8;
  s.memory_mb = 1000;
  CHECK_FALSE(never_fits(*nodes, "debug", s, "GPU"));
  s.cpus = 9;  // the 64-cpu nodes are drained, down or unresponsive
  CHECK_THAT(*never_fits(*nodes, "debug", s, "GPU"), Catch::Contains("has 8"));
  s.cpus = 1;
  s.gpus = 4;
  s.gpu_type = "A800";
  CHECK_FALSE(never_fits(*nodes, "debug", s, "GPU"));
  s.gpu_type = "H100";
  CHECK_THAT(*never_fits(*nodes, "debug", s, "GPU"), Catch::Contains("4 x A800"));
  CHECK(never_fits(*nodes, "nope", s, "GPU"));
}

TEST_CASE("slurm options are validated at registration and name the field", "[slurm][adapters]") {
  const auto registry = AdapterRegistry::builtin();
  AdapterConfig good;
  good.type = "slurm";
  good.endpoint = "http://127.0.0.1:6820";
  good.options = {{"partition", "debug"}, {"output_dir", "/var/tmp/jobs"}};
  good.credentials = {{"user", "nobody"}, {"token", "eyJ.abc.def"}};
  REQUIRE(registry.validate(good));
  auto parsed = parse_slurm_options(good);
  REQUIRE(parsed);
  CHECK(parsed->api_version == "auto");  // agreed with the site (slurm_adapter.cpp)
  CHECK(parsed->endpoint.port == "6820");

  struct Bad {
    std::function<void(AdapterConfig&)> change;
    std::string names;
  };
  const std::vector<Bad> bad = {
      {[](AdapterConfig& c) { c.endpoint = ""; }, "endpoint"},
      {[](AdapterConfig& c) { c.endpoint = "ftp://x"; }, "endpoint"},
      {[](AdapterConfig& c) { c.endpoint = "https://"; }, "endpoint"},
      {[](AdapterConfig& c) { c.endpoint = "http://u:p@x:1"; }, "endpoint"},
      {[](AdapterConfig& c) { c.endpoint = "http://x:99999"; }, "endpoint"},
      {[](AdapterConfig& c) { c.options.erase("partition"); }, "options.partition"},
      {[](AdapterConfig& c) { c.options["partition"] = "a b"; }, "options.partition"},
      {[](AdapterConfig& c) { c.options["output_dir"] = "relative"; }, "options.output_dir"},
      {[](AdapterConfig& c) { c.options["output_dir"] = 3; }, "options.output_dir"},
      {[](AdapterConfig& c) { c.options["api_version"] = "v0.0.99"; }, "options.api_version"},
      {[](AdapterConfig& c) { c.options["timeout_ms"] = 5; }, "options.timeout_ms"},
      {[](AdapterConfig& c) { c.options["typo"] = 1; }, "options.typo"},
      {[](AdapterConfig& c) { c.options["staging_dir"] = "relative"; }, "options.staging_dir"},
      {[](AdapterConfig& c) { c.options["staging_dir"] = "/a,b"; }, "options.staging_dir"},
      {[](AdapterConfig& c) { c.options["container_runtime"] = "docker"; },
       "options.container_runtime"},
      {[](AdapterConfig& c) { c.options["containers_conf"] = "/etc/c.conf"; },
       "options.containers_conf"},  // for podman only
      {[](AdapterConfig& c) {
         c.options["container_runtime"] = "podman";
         c.options["output_dir"] = "/a:b";
       },
       "options.output_dir"},
      {[](AdapterConfig& c) { c.credentials.erase("token"); }, "credentials.token"},
      {[](AdapterConfig& c) { c.credentials["token"] = "a\r\nX-Evil: 1"; }, "credentials.token"},
      {[](AdapterConfig& c) { c.credentials["user"] = ""; }, "credentials.user"},
  };
  for (const auto& b : bad) {
    AdapterConfig c = good;
    b.change(c);
    auto v = registry.validate(c);
    INFO(b.names);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == AdapterErrc::invalid_config);
    CHECK_THAT(v.error().message, Catch::StartsWith(b.names));
    CHECK_THAT(v.error().message, !Catch::Contains("eyJ.abc.def"));  // never echo the token
  }
}

TEST_CASE("the batch script carries the payload opaquely and records the exit code",
          "[slurm][adapters]") {
  JobRequest job;
  job.key = "job_1";
  job.command = "echo 'it''s' \"$HOME\"; exit 3\n__SUANWANG_PAYLOAD__";
  const auto script = batch_script(job, "/out");
  CHECK_THAT(script, Catch::StartsWith("#!/bin/bash\n"));
  CHECK_THAT(script, Catch::Contains("/out'/\"$SLURM_JOB_ID.exit\""));
  CHECK_THAT(script, !Catch::Contains("echo 'it"));  // user text never appears unencoded
  CHECK(is_valid_key("job_01HX-a.b:c"));
  CHECK_FALSE(is_valid_key("../etc"));
  CHECK_FALSE(is_valid_key(""));
  CHECK(output_path("/out", 42) == "/out/42.out");
  CHECK(exit_path("/out", 42) == "/out/42.exit");
}
