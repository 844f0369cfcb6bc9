// Job options -> the API's job body: each option lands in its field, -f bodies are overridden,
// and option errors name the option.
#include <catch2/catch.hpp>

#include "tools/cli/job_request.hpp"

namespace {
using namespace suanwang;
using namespace suanwang::cli;
using nlohmann::json;

ParsedArgs parse(const std::vector<std::string>& args) {
  auto r = parse_args(args, kJobOptions);
  REQUIRE(r);
  return *r;
}

TEST_CASE("every job option lands in its field of the job body", "[cli][job_request]") {
  auto args = parse({"--command",     "python train.py",
                     "--name",        "train",
                     "--cpus",        "16",
                     "--memory-gb",   "64",
                     "--walltime",    "2h",
                     "--runtime",     "90m",
                     "--gpus",        "Ascend910B:8",
                     "--image",       "ml:2.3",
                     "--env",         "SEED=7",
                     "--env",         "X=a=b",
                     "--region",      "cn-gz-guian",
                     "--region",      "cn-cy-chengdu",
                     "--site",        "site_1",
                     "--policy",      "cheapest",
                     "--max-price",   "300",
                     "--from-region", "cn-csj-shanghai"});
  auto body = build_job_body(args, json::object(), std::nullopt);
  REQUIRE(body);
  const json expected = {{"command", "python train.py"},
                         {"name", "train"},
                         {"image", "ml:2.3"},
                         {"resources",
                          {{"cpus", 16},
                           {"memory_gb", 64.0},
                           {"walltime_s", 7200},
                           {"accelerators", {{"model", "Ascend910B"}, {"count", 8}}}}},
                         {"expected_runtime_s", 5400},
                         {"env", {{"SEED", "7"}, {"X", "a=b"}}},
                         {"constraints",
                          {{"regions", {"cn-gz-guian", "cn-cy-chengdu"}},
                           {"sites", {"site_1"}},
                           {"max_price_cny", 300.0}}},
                         {"routing", {{"policy", "cheapest"}}},
                         {"submitter_region", "cn-csj-shanghai"}};
  CHECK(*body == expected);
}

TEST_CASE("options override a -f body, and --command replaces its script", "[cli][job_request]") {
  const json file = {{"name", "from-file"},
                     {"script", "#!/bin/sh\necho hi\n"},
                     {"resources", {{"cpus", 2}, {"walltime_s", 60}}}};
  auto body =
      build_job_body(parse({"--command", "echo override", "--cpus", "4"}), file, std::nullopt);
  REQUIRE(body);
  CHECK((*body)["command"] == "echo override");
  CHECK_FALSE(body->contains("script"));
  CHECK((*body)["resources"] == json{{"cpus", 4}, {"walltime_s", 60}});
  CHECK((*body)["name"] == "from-file");

  auto as_is = build_job_body(parse({}), file, std::nullopt);
  REQUIRE(as_is);
  CHECK(*as_is == file);
}

TEST_CASE("the --script option takes the file's text and drops a command", "[cli][job_request]") {
  auto body = build_job_body(parse({"--script", "run.sh"}), {{"command", "x"}},
                             std::string("#!/bin/sh\necho hi\n"));
  REQUIRE(body);
  CHECK((*body)["script"] == "#!/bin/sh\necho hi\n");
  CHECK_FALSE(body->contains("command"));
}

TEST_CASE("job option errors name the option", "[cli][job_request]") {
  struct Case {
    std::vector<std::string> args;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{}, "--command"},
      {{"--command", ""}, "--command"},
      {{"--command", "x", "--script", "f"}, "--command"},
      {{"--command", "x", "--cpus", "0"}, "--cpus"},
      {{"--command", "x", "--cpus", "many"}, "--cpus"},
      {{"--command", "x", "--memory-gb", "-1"}, "--memory-gb"},
      {{"--command", "x", "--walltime", "2x"}, "--walltime"},
      {{"--command", "x", "--runtime", "soon"}, "--runtime"},
      {{"--command", "x", "--gpus", "H100:zero"}, "--gpus"},
      {{"--command", "x", "--env", "NOVALUE"}, "--env"},
      {{"--command", "x", "--policy", "random"}, "--policy"},
      {{"--command", "x", "--max-price", "cheap"}, "--max-price"},
  };
  for (const auto& c : cases) {
    INFO(json(c.args).dump());
    auto r = build_job_body(parse(c.args), json::object(), std::string("script"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().field == c.field);
  }
  auto not_object = build_job_body(parse({"--command", "x"}), json::array(), std::nullopt);
  REQUIRE_FALSE(not_object);
  CHECK(not_object.error().field == "--file");
}

}  // namespace
