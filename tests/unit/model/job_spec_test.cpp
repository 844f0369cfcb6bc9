// JobSpec parsing (POST /api/v1/jobs and /quotes): defaults, every section of the body, and
// errors that name the offending field (DESIGN §5).
#include <catch2/catch.hpp>

#include "gateway/model/job.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::model;
using Catch::Matchers::Contains;

Json minimal() {
  return {{"command", "echo hi"}};
}

// The body with `patch` merged in (null members remove keys).
Json with(Json patch) {
  Json j = minimal();
  j.merge_patch(patch);
  return j;
}

// Parses `body`, expecting a failure that blames `field`; returns the message.
std::string error_for(const Json& body, const std::string& field) {
  auto r = parse_job_spec(body);
  INFO(body.dump());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_argument);
  CHECK(r.error().field == field);
  return r.error().message;
}

TEST_CASE("a minimal job gets the documented defaults", "[model][job]") {
  auto s = parse_job_spec(minimal());
  REQUIRE(s);
  CHECK(s->name == "job");
  CHECK(s->command == "echo hi");
  CHECK(s->script.empty());
  CHECK(s->image.empty());
  CHECK(s->env.empty());
  CHECK(s->resources.cpus == 1);
  CHECK(s->resources.memory_gb == 1.0);
  CHECK(s->resources.walltime_s == 3600);
  CHECK_FALSE(s->resources.accelerators);
  CHECK_FALSE(s->expected_runtime_s);
  CHECK(s->runtime_estimate_s() == 3600);  // falls back to the walltime
  CHECK(s->inputs.empty());
  CHECK_FALSE(s->outputs);
  CHECK(s->constraints.regions.empty());
  CHECK_FALSE(s->constraints.max_price_cny);
  CHECK_FALSE(s->constraints.deadline);
  CHECK(s->routing.policy == RoutingPolicy::balanced);
  CHECK_FALSE(s->routing.weights);
  CHECK(s->submitter_region.empty());
}

TEST_CASE("the full body of DESIGN §5 parses", "[model][job]") {
  const Json body = {
      {"name", "train-resnet"},
      {"command", "python train.py --epochs 10"},
      {"image", "registry.example/ml:2.3"},
      {"env", {{"SEED", "7"}}},
      {"resources",
       {{"cpus", 16},
        {"memory_gb", 64},
        {"walltime_s", 7200},
        {"accelerators", {{"model", "Ascend910B"}, {"count", 8}}}}},
      {"expected_runtime_s", 5400},
      {"inputs",
       {{{"dataset", "ds_imagenet"}}, {{"size_bytes", 2000000000}, {"region", "cn-csj-shanghai"}}}},
      {"outputs", {{"region", "cn-csj-shanghai"}, {"size_bytes", 500000000}}},
      {"constraints",
       {{"regions", {"cn-gz-guian", "cn-cy-chengdu"}},
        {"deny_regions", Json::array()},
        {"sites", Json::array()},
        {"max_price_cny", 300},
        {"deadline", "2026-11-21T18:00:00+08:00"}}},
      {"routing", {{"policy", "balanced"}}},
      {"submitter_region", "cn-csj-shanghai"}};
  auto s = parse_job_spec(body);
  REQUIRE(s);
  CHECK(s->name == "train-resnet");
  CHECK(s->image == "registry.example/ml:2.3");
  CHECK(s->env.at("SEED") == "7");
  CHECK(s->resources.cpus == 16);
  CHECK(s->resources.memory_gb == 64.0);
  CHECK(s->resources.walltime_s == 7200);
  REQUIRE(s->resources.accelerators);
  CHECK(s->resources.accelerators->model == "Ascend910B");
  CHECK(s->resources.accelerators->count == 8);
  CHECK(s->runtime_estimate_s() == 5400);
  REQUIRE(s->inputs.size() == 2);
  CHECK(s->inputs[0].dataset == "ds_imagenet");
  CHECK(s->inputs[1].dataset.empty());
  CHECK(s->inputs[1].size_bytes == 2000000000);
  CHECK(s->inputs[1].region == "cn-csj-shanghai");
  REQUIRE(s->outputs);
  CHECK(s->outputs->size_bytes == 500000000);
  CHECK(s->constraints.regions == std::vector<std::string>{"cn-gz-guian", "cn-cy-chengdu"});
  CHECK(s->constraints.max_price_cny == 300.0);
  REQUIRE(s->constraints.deadline);
  CHECK(format_rfc3339(*s->constraints.deadline) == "2026-11-21T10:00:00.000Z");
  CHECK(s->submitter_region == "cn-csj-shanghai");
}

TEST_CASE("exactly one of command or script is required", "[model][job]") {
  CHECK(parse_job_spec(Json{{"script", "#!/bin/sh\necho hi\n"}}));
  CHECK_THAT(error_for(Json::object(), "command"), Contains("command or script"));
  error_for(Json{{"command", ""}}, "command");
  error_for(Json{{"command", "a"}, {"script", "b"}}, "command");
  error_for(Json{{"command", nullptr}, {"script", nullptr}}, "command");
  CHECK_THAT(error_for(Json{{"command", 42}}, "command"), Contains("must be a string"));
  error_for(Json{{"script", Json::array()}}, "script");
  error_for(Json{{"command", std::string(64 * 1024 + 1, 'x')}}, "command");
  CHECK(parse_job_spec(Json{{"command", std::string(64 * 1024, 'x')}}));
}

TEST_CASE("the job body must be an object without unknown members", "[model][job]") {
  error_for(Json::array(), "body");
  error_for(Json("echo"), "body");
  CHECK_THAT(error_for(with({{"comand", "x"}}), "comand"), Contains("unknown field"));
  error_for(with({{"resources", {{"gpus", 1}}}}), "resources.gpus");
  error_for(with({{"resources", {{"accelerators", {{"model", "H100"}, {"n", 1}}}}}}),
            "resources.accelerators.n");
  error_for(with({{"constraints", {{"region", {"a"}}}}}), "constraints.region");
  error_for(with({{"routing", {{"weight", {{"price", 1}}}}}}), "routing.weight");
  error_for(with({{"routing", {{"weights", {{"cost", 1}}}}}}), "routing.weights.cost");
  error_for(with({{"outputs", {{"region", "r"}, {"dataset", "d"}}}}), "outputs.dataset");
  error_for(with({{"inputs", {{{"dataset", "d"}, {"site", "s"}}}}}), "inputs[0].site");
}

TEST_CASE("resources are range-checked field by field", "[model][job]") {
  error_for(with({{"resources", "big"}}), "resources");
  CHECK_THAT(error_for(with({{"resources", {{"cpus", 0}}}}), "resources.cpus"),
             Contains("resources.cpus must be between 1 and"));
  error_for(with({{"resources", {{"cpus", -4}}}}), "resources.cpus");
  error_for(with({{"resources", {{"cpus", 2.5}}}}), "resources.cpus");
  error_for(with({{"resources", {{"cpus", "4"}}}}), "resources.cpus");
  error_for(with({{"resources", {{"memory_gb", 0}}}}), "resources.memory_gb");
  error_for(with({{"resources", {{"memory_gb", -1}}}}), "resources.memory_gb");
  error_for(with({{"resources", {{"walltime_s", 0}}}}), "resources.walltime_s");
  error_for(with({{"resources", {{"walltime_s", 366LL * 24 * 3600 + 1}}}}), "resources.walltime_s");
  CHECK(parse_job_spec(with({{"resources", {{"walltime_s", 366LL * 24 * 3600}}}})));
  error_for(with({{"resources", {{"accelerators", 8}}}}), "resources.accelerators");
  error_for(with({{"resources", {{"accelerators", {{"count", 8}}}}}}),
            "resources.accelerators.model");
  error_for(with({{"resources", {{"accelerators", {{"model", "H100"}, {"count", 0}}}}}}),
            "resources.accelerators.count");
  error_for(with({{"resources", {{"accelerators", {{"model", "H100"}, {"count", -1}}}}}}),
            "resources.accelerators.count");
  CHECK_THAT(
      error_for(with({{"resources", {{"accelerators", {{"model", "H 100"}, {"count", 1}}}}}}),
                "resources.accelerators.model"),
      Contains("not a valid accelerator model"));
  // Fractional memory is fine; a missing count means one device.
  auto s = parse_job_spec(
      with({{"resources", {{"memory_gb", 0.5}, {"accelerators", {{"model", "A800"}}}}}}));
  REQUIRE(s);
  CHECK(s->resources.memory_gb == 0.5);
  CHECK(s->resources.accelerators->count == 1);
}

TEST_CASE("expected_runtime_s is positive and within the walltime", "[model][job]") {
  error_for(with({{"expected_runtime_s", 0}}), "expected_runtime_s");
  error_for(with({{"expected_runtime_s", -5}}), "expected_runtime_s");
  CHECK_THAT(error_for(with({{"expected_runtime_s", 3601}}), "expected_runtime_s"),
             Contains("walltime"));
  auto s = parse_job_spec(with({{"expected_runtime_s", 3600}}));
  REQUIRE(s);
  CHECK(s->runtime_estimate_s() == 3600);
}

TEST_CASE("env names and values are validated", "[model][job]") {
  auto s = parse_job_spec(with({{"env", {{"A", "1"}, {"_B2", ""}}}}));
  REQUIRE(s);
  CHECK(s->env.size() == 2);
  error_for(with({{"env", {"A=1"}}}), "env");
  CHECK_THAT(error_for(with({{"env", {{"1A", "x"}}}}), "env.1A"),
             Contains("not a valid variable name"));
  error_for(with({{"env", {{"A-B", "x"}}}}), "env.A-B");
  error_for(with({{"env", {{"", "x"}}}}), "env.");
  error_for(with({{"env", {{"A", 1}}}}), "env.A");
  error_for(with({{"env", {{"A", std::string(32 * 1024 + 1, 'v')}}}}), "env.A");
}

TEST_CASE("inputs name a dataset or a size and a region, not both", "[model][job]") {
  error_for(with({{"inputs", {{"dataset", "d"}}}}), "inputs");  // an object, not an array
  CHECK_THAT(error_for(with({{"inputs", {Json::object()}}}), "inputs[0].dataset"),
             Contains("inputs[0].size_bytes"));
  error_for(with({{"inputs", {{{"size_bytes", 10}}}}}), "inputs[0].dataset");
  error_for(with({{"inputs", {{{"region", "r"}}}}}), "inputs[0].dataset");
  error_for(with({{"inputs", {{{"dataset", "d"}}, {{"dataset", "d"}, {"region", "r"}}}}}),
            "inputs[1].size_bytes");
  error_for(with({{"inputs", {{{"size_bytes", -1}, {"region", "r"}}}}}), "inputs[0].size_bytes");
  error_for(with({{"inputs", {"d"}}}), "inputs[0]");
  Json many = Json::array();
  for (int i = 0; i < 65; ++i) many.push_back({{"dataset", "d"}});
  error_for(with({{"inputs", many}}), "inputs");
  many.erase(many.size() - 1);
  CHECK(parse_job_spec(with({{"inputs", many}})));
}

TEST_CASE("outputs need a region", "[model][job]") {
  error_for(with({{"outputs", {{"size_bytes", 1}}}}), "outputs.region");
  error_for(with({{"outputs", "r"}}), "outputs");
  error_for(with({{"outputs", {{"region", "r"}, {"size_bytes", -1}}}}), "outputs.size_bytes");
  auto s = parse_job_spec(with({{"outputs", {{"region", "r"}}}}));
  REQUIRE(s);
  CHECK(s->outputs->size_bytes == 0);
}

TEST_CASE("constraints: lists, price cap and deadline", "[model][job]") {
  error_for(with({{"constraints", {{"regions", "cn-gz-guian"}}}}), "constraints.regions");
  error_for(with({{"constraints", {{"deny_sites", {"a", 3}}}}}), "constraints.deny_sites[1]");
  error_for(with({{"constraints", {{"max_price_cny", -1}}}}), "constraints.max_price_cny");
  error_for(with({{"constraints", {{"max_price_cny", "300"}}}}), "constraints.max_price_cny");
  CHECK_THAT(error_for(with({{"constraints", {{"deadline", "tomorrow"}}}}), "constraints.deadline"),
             Contains("RFC 3339"));
  error_for(with({{"constraints", {{"deadline", "2026-11-21"}}}}), "constraints.deadline");
  error_for(with({{"constraints", {{"deadline", 1700000000}}}}), "constraints.deadline");
  auto s =
      parse_job_spec(with({{"constraints", {{"max_price_cny", 0}, {"deny_sites", {"site_x"}}}}}));
  REQUIRE(s);
  CHECK(s->constraints.max_price_cny == 0.0);  // zero is a cap, not "no cap"
  CHECK(s->constraints.deny_sites == std::vector<std::string>{"site_x"});
}

TEST_CASE("routing: named policies, custom weights, and nothing else", "[model][job]") {
  for (const char* p : {"balanced", "cheapest", "fastest", "data-local"}) {
    auto s = parse_job_spec(with({{"routing", {{"policy", p}}}}));
    REQUIRE(s);
    CHECK(routing_policy_name(s->routing.policy) == std::string(p));
    CHECK_FALSE(s->routing.weights);
  }
  CHECK_THAT(error_for(with({{"routing", {{"policy", "random"}}}}), "routing.policy"),
             Contains("balanced, cheapest, fastest, data-local"));
  error_for(with({{"routing", {{"policy", "custom"}}}}), "routing.policy");  // weights missing
  error_for(with({{"routing", {{"policy", ""}}}}), "routing.policy");
  error_for(with({{"routing", "cheapest"}}), "routing");

  auto w = parse_job_spec(with({{"routing", {{"weights", {{"price", 0.5}, {"time", 0.3}}}}}}));
  REQUIRE(w);
  CHECK(w->routing.policy == RoutingPolicy::custom);
  REQUIRE(w->routing.weights);
  CHECK(w->routing.weights->price == 0.5);
  CHECK(w->routing.weights->time == 0.3);
  CHECK(w->routing.weights->latency == 0.0);
  CHECK(
      parse_job_spec(with({{"routing", {{"policy", "custom"}, {"weights", {{"locality", 1}}}}}})));

  error_for(with({{"routing", {{"policy", "cheapest"}, {"weights", {{"price", 1}}}}}}),
            "routing.weights");
  CHECK_THAT(error_for(with({{"routing", {{"weights", {{"price", 0}}}}}}), "routing.weights"),
             Contains("positive"));
  error_for(with({{"routing", {{"weights", Json::object()}}}}), "routing.weights");
  error_for(with({{"routing", {{"weights", {{"price", -1}, {"time", 2}}}}}}),
            "routing.weights.price");
  error_for(with({{"routing", {{"weights", {{"price", "high"}}}}}}), "routing.weights.price");
}

TEST_CASE("an empty name keeps the default; names and regions are bounded", "[model][job]") {
  auto s = parse_job_spec(with({{"name", ""}}));
  REQUIRE(s);
  CHECK(s->name == "job");
  error_for(with({{"name", std::string(129, 'n')}}), "name");
  error_for(with({{"name", 5}}), "name");
  error_for(with({{"submitter_region", std::string(64, 'r')}}), "submitter_region");
  error_for(with({{"image", std::string(513, 'i')}}), "image");
}

}  // namespace

TEST_CASE("a NUL byte in a command, script or env value is refused, naming the field",
          "[model][job_spec]") {
  using suanwang::Json;
  const std::string nul("a\0b", 3);
  struct Case {
    Json body;
    std::string field;
  };
  const Case cases[] = {
      {Json{{"command", nul}}, "command"},
      {Json{{"script", "#!/bin/sh\n" + nul}}, "script"},
      {Json{{"command", "env"}, {"env", {{"A", nul}}}}, "env.A"},
      {Json{{"command", "true"}, {"image", "reg/img\n:1"}}, "image"},
      {Json{{"command", "true"}, {"name", "x\x01y"}}, "name"},
  };
  for (const auto& c : cases) {
    INFO(c.body.dump());
    const auto spec = suanwang::model::parse_job_spec(c.body);
    REQUIRE_FALSE(spec);
    CHECK(spec.error().code == suanwang::Errc::invalid_argument);
    CHECK(spec.error().field == c.field);
  }
  // Tabs and newlines are ordinary in commands, scripts and values.
  CHECK(suanwang::model::parse_job_spec(
      Json{{"command", "printf 'a\\tb\\n'\necho\tdone"}, {"env", {{"A", "x\ny"}}}}));
}

TEST_CASE("rerun is a boolean, true unless the job says otherwise", "[model][job_spec]") {
  using suanwang::Json;
  CHECK(suanwang::model::parse_job_spec(Json{{"command", "true"}})->rerun);
  CHECK_FALSE(suanwang::model::parse_job_spec(Json{{"command", "true"}, {"rerun", false}})->rerun);
  const auto bad = suanwang::model::parse_job_spec(Json{{"command", "true"}, {"rerun", "no"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "rerun");
}

TEST_CASE("interactive is a boolean, false unless the job says so, and round-trips",
          "[model][job_spec]") {
  using suanwang::Json;
  const auto batch = suanwang::model::parse_job_spec(Json{{"command", "true"}});
  REQUIRE(batch);
  CHECK_FALSE(batch->interactive);
  CHECK_FALSE(suanwang::model::to_json(*batch).contains("interactive"));
  const auto live =
      suanwang::model::parse_job_spec(Json{{"command", "true"}, {"interactive", true}});
  REQUIRE(live);
  CHECK(live->interactive);
  CHECK(suanwang::model::parse_job_spec(suanwang::model::to_json(*live))->interactive);
  const auto bad =
      suanwang::model::parse_job_spec(Json{{"command", "true"}, {"interactive", "yes"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "interactive");
}
