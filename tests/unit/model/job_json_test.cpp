// The JSON forms of jobs: the spec round-trips through to_json (the store keeps it that way),
// the record's API shape, redaction for operators, and the state and failure names.
#include <catch2/catch.hpp>

#include "gateway/model/job.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::model;

JobSpec full_spec() {
  JobSpec s;
  s.name = "train";
  s.command = "python train.py";
  s.image = "registry.example/ml:2.3";
  s.env = {{"SEED", "7"}, {"TOKEN", "s3cret"}};
  s.resources.cpus = 16;
  s.resources.memory_gb = 64.5;
  s.resources.walltime_s = 7200;
  s.resources.accelerators = AcceleratorNeed{"Ascend910B", 8};
  s.expected_runtime_s = 5400;
  s.inputs = {InputSpec{"ds_1", 0, ""}, InputSpec{"", 2'000'000'000, "cn-csj-shanghai"}};
  s.outputs = OutputSpec{"cn-csj-shanghai", 500'000'000};
  s.constraints.regions = {"cn-gz-guian"};
  s.constraints.deny_regions = {"cn-nm-helinger"};
  s.constraints.sites = {"site_a", "site_b"};
  s.constraints.deny_sites = {"site_c"};
  s.constraints.max_price_cny = 299.5;
  s.constraints.deadline = from_unix_ms(1'790'000'000'250);
  s.routing.policy = RoutingPolicy::custom;
  s.routing.weights = Weights{0.5, 0.25, 0.125, 0.125};
  s.submitter_region = "cn-csj-shanghai";
  return s;
}

void check_same(const JobSpec& a, const JobSpec& b) {
  CHECK(a.name == b.name);
  CHECK(a.command == b.command);
  CHECK(a.script == b.script);
  CHECK(a.image == b.image);
  CHECK(a.env == b.env);
  CHECK(a.resources.cpus == b.resources.cpus);
  CHECK(a.resources.memory_gb == b.resources.memory_gb);
  CHECK(a.resources.walltime_s == b.resources.walltime_s);
  REQUIRE(a.resources.accelerators.has_value() == b.resources.accelerators.has_value());
  if (a.resources.accelerators) {
    CHECK(a.resources.accelerators->model == b.resources.accelerators->model);
    CHECK(a.resources.accelerators->count == b.resources.accelerators->count);
  }
  CHECK(a.expected_runtime_s == b.expected_runtime_s);
  REQUIRE(a.inputs.size() == b.inputs.size());
  for (std::size_t i = 0; i < a.inputs.size(); ++i) {
    CHECK(a.inputs[i].dataset == b.inputs[i].dataset);
    CHECK(a.inputs[i].size_bytes == b.inputs[i].size_bytes);
    CHECK(a.inputs[i].region == b.inputs[i].region);
  }
  REQUIRE(a.outputs.has_value() == b.outputs.has_value());
  if (a.outputs) {
    CHECK(a.outputs->region == b.outputs->region);
    CHECK(a.outputs->size_bytes == b.outputs->size_bytes);
  }
  CHECK(a.constraints.regions == b.constraints.regions);
  CHECK(a.constraints.deny_regions == b.constraints.deny_regions);
  CHECK(a.constraints.sites == b.constraints.sites);
  CHECK(a.constraints.deny_sites == b.constraints.deny_sites);
  CHECK(a.constraints.max_price_cny == b.constraints.max_price_cny);
  CHECK(a.constraints.deadline == b.constraints.deadline);
  CHECK(a.routing.policy == b.routing.policy);
  REQUIRE(a.routing.weights.has_value() == b.routing.weights.has_value());
  if (a.routing.weights) {
    CHECK(a.routing.weights->price == b.routing.weights->price);
    CHECK(a.routing.weights->time == b.routing.weights->time);
    CHECK(a.routing.weights->latency == b.routing.weights->latency);
    CHECK(a.routing.weights->locality == b.routing.weights->locality);
  }
  CHECK(a.submitter_region == b.submitter_region);
}

TEST_CASE("a full spec survives to_json and parse_job_spec unchanged", "[model][job]") {
  const JobSpec s = full_spec();
  auto back = parse_job_spec(to_json(s));
  REQUIRE(back);
  check_same(*back, s);
}

TEST_CASE("a minimal spec and a script spec round-trip too", "[model][job]") {
  auto minimal = parse_job_spec(Json{{"command", "true"}});
  REQUIRE(minimal);
  auto back = parse_job_spec(to_json(*minimal));
  REQUIRE(back);
  check_same(*back, *minimal);

  JobSpec script;
  script.script = "#!/bin/sh\nexit 0\n";
  script.routing.policy = RoutingPolicy::data_local;
  auto sback = parse_job_spec(to_json(script));
  REQUIRE(sback);
  check_same(*sback, script);
  CHECK_FALSE(to_json(script).contains("command"));
}

TEST_CASE("to_redacted_json withholds env values but keeps the names", "[model][job]") {
  const JobSpec s = full_spec();
  const Json j = to_redacted_json(s);
  CHECK(j["env"]["SEED"] == "(withheld)");
  CHECK(j["env"]["TOKEN"] == "(withheld)");
  CHECK(j.dump().find("s3cret") == std::string::npos);
  // Everything else is as in the plain form.
  Json plain = to_json(s);
  plain.erase("env");
  Json redacted = j;
  redacted.erase("env");
  CHECK(plain == redacted);
}

TEST_CASE("job state names round-trip and only final states are terminal", "[model][job]") {
  const std::pair<JobState, const char*> all[] = {
      {JobState::pending, "pending"},     {JobState::placed, "placed"},
      {JobState::submitted, "submitted"}, {JobState::running, "running"},
      {JobState::succeeded, "succeeded"}, {JobState::failed, "failed"},
      {JobState::canceled, "canceled"}};
  for (const auto& [state, name] : all) {
    CHECK(std::string(job_state_name(state)) == name);
    CHECK(parse_job_state(name) == state);
  }
  CHECK_FALSE(parse_job_state("cancelled"));
  CHECK_FALSE(parse_job_state("Running"));
  CHECK_FALSE(parse_job_state(""));

  CHECK(is_terminal(JobState::succeeded));
  CHECK(is_terminal(JobState::failed));
  CHECK(is_terminal(JobState::canceled));
  CHECK_FALSE(is_terminal(JobState::pending));
  CHECK_FALSE(is_terminal(JobState::placed));
  CHECK_FALSE(is_terminal(JobState::submitted));
  CHECK_FALSE(is_terminal(JobState::running));
}

TEST_CASE("failure kinds round-trip; none is the empty string", "[model][job]") {
  for (FailureKind k :
       {FailureKind::none, FailureKind::executor_error, FailureKind::system_error}) {
    CHECK(parse_failure_kind(failure_kind_name(k)) == k);
  }
  CHECK(std::string(failure_kind_name(FailureKind::executor_error)) == "executor_error");
  CHECK(std::string(failure_kind_name(FailureKind::none)).empty());
  CHECK_FALSE(parse_failure_kind("oom"));
}

TEST_CASE("a fresh job record shows nulls for what has not happened yet", "[model][job]") {
  JobRecord r;
  r.id = "job_x";
  r.org_id = "org_y";
  r.spec = full_spec();
  r.created_at = from_unix_ms(1'700'000'000'000);
  r.updated_at = r.created_at;
  const Json j = to_json(r);
  CHECK(j["id"] == "job_x");
  CHECK(j["org_id"] == "org_y");
  CHECK(j["name"] == "train");
  CHECK(j["state"] == "pending");
  CHECK(j["attempt"] == 0);
  CHECK(j["cancel_requested"] == false);
  CHECK(j["created_at"] == "2023-11-14T22:13:20.000Z");
  for (const char* k : {"site", "remote_id", "estimated_cost_cny", "final_cost_cny", "exit_code",
                        "failure", "started_at", "finished_at", "placement"}) {
    INFO(k);
    CHECK(j[k].is_null());
  }
  CHECK(j["blocked_sites"] == Json::array());
  CHECK(j["spec"]["env"]["TOKEN"] == "s3cret");
  CHECK(to_json(r, /*redact=*/true)["spec"]["env"]["TOKEN"] == "(withheld)");
}

TEST_CASE("a finished job record shows its outcome, with money to two decimals", "[model][job]") {
  JobRecord r;
  r.id = "job_x";
  r.spec = full_spec();
  r.state = JobState::failed;
  r.site_id = "site_a";
  r.remote_id = "4711";
  r.attempt = 2;
  r.blocked_sites = {"site_b"};
  r.estimated_cost_cny = 12.3456;
  r.final_cost_cny = 7.004;
  r.exit_code = 3;
  r.failure = FailureKind::executor_error;
  r.reason = "exit code 3";
  r.started_at = from_unix_ms(1'700'000'000'000);
  r.finished_at = from_unix_ms(1'700'000'060'500);
  r.decision = {{"chosen", {{"site", "site_a"}, {"estimated_cost_cny", 12.35}}},
                {"summary", "Site A: ¥12.35"}};
  const Json j = to_json(r);
  CHECK(j["state"] == "failed");
  CHECK(j["site"] == "site_a");
  CHECK(j["remote_id"] == "4711");
  CHECK(j["attempt"] == 2);
  CHECK(j["blocked_sites"] == Json{"site_b"});
  CHECK(j["estimated_cost_cny"].get<double>() == Approx(12.35).margin(1e-9));
  CHECK(j["final_cost_cny"].get<double>() == Approx(7.00).margin(1e-9));
  CHECK(j["exit_code"] == 3);
  CHECK(j["failure"] == "executor_error");
  CHECK(j["reason"] == "exit code 3");
  CHECK(j["started_at"] == "2023-11-14T22:13:20.000Z");
  CHECK(j["finished_at"] == "2023-11-14T22:14:20.500Z");
  // The placement is the decision's chosen candidate plus its summary.
  CHECK(j["placement"]["site"] == "site_a");
  CHECK(j["placement"]["summary"] == "Site A: ¥12.35");
}

TEST_CASE("a decision without a chosen candidate shows no placement", "[model][job]") {
  JobRecord r;
  r.spec = full_spec();
  r.decision = {{"chosen", nullptr}, {"summary", "no site can run this job"}};
  CHECK(to_json(r)["placement"].is_null());
}

TEST_CASE("job events serialise with their time and site", "[model][job]") {
  JobEvent e;
  e.seq = 3;
  e.at = from_unix_ms(1'700'000'000'001);
  e.type = model::EventType::requeued;
  e.state = JobState::pending;
  e.site_id = "site_a";
  e.attempt = 1;
  e.reason = "site refused";
  const Json j = to_json(e);
  CHECK(j["seq"] == 3);
  CHECK(j["at"] == "2023-11-14T22:13:20.001Z");
  CHECK(j["type"] == "requeued");
  CHECK(j["state"] == "pending");
  CHECK(j["site"] == "site_a");
  CHECK(j["attempt"] == 1);
  CHECK(j["reason"] == "site refused");
  e.site_id.clear();
  CHECK(to_json(e)["site"].is_null());
}

}  // namespace
