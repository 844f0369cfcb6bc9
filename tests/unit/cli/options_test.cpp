// The CLI's option parser and value parsers: durations, --gpus, --env, numbers, and the errors
// that name the option.
#include <catch2/catch.hpp>

#include <array>

#include "tools/cli/options.hpp"

namespace {
using namespace suanwang;
using namespace suanwang::cli;

constexpr std::array kSpecs = {
    OptionSpec{"--json"},
    OptionSpec{"--cpus", 0, true},
    OptionSpec{"--env", 0, true, true},
    OptionSpec{"--file", 'f', true},
};

TEST_CASE("parse_args takes flags, values, --x=v, short options, positionals and --",
          "[cli][options]") {
  auto r = parse_args({"job_1", "--json", "--cpus", "4", "--env=A=1", "--env", "B=2", "-f", "-",
                       "--", "--not-an-option"},
                      kSpecs);
  REQUIRE(r);
  CHECK(r->has("--json"));
  CHECK(r->get("--cpus") == "4");
  CHECK(r->all("--env") == std::vector<std::string>{"A=1", "B=2"});
  CHECK(r->get("--file") == "-");
  CHECK(r->positionals() == std::vector<std::string>{"job_1", "--not-an-option"});
  CHECK_FALSE(r->get("--json-missing"));
}

TEST_CASE("a value may start with a dash", "[cli][options]") {
  auto r = parse_args({"--file", "-x"}, kSpecs);
  REQUIRE(r);
  CHECK(r->get("--file") == "-x");
}

TEST_CASE("parse_args errors name the option", "[cli][options]") {
  auto unknown = parse_args({"--bogus", "1"}, kSpecs);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == Errc::invalid_argument);
  CHECK(unknown.error().field == "--bogus");
  CHECK(unknown.error().message == "unknown option '--bogus'");

  auto unknown_eq = parse_args({"--bogus=1"}, kSpecs);
  REQUIRE_FALSE(unknown_eq);
  CHECK(unknown_eq.error().field == "--bogus");

  auto missing = parse_args({"--cpus"}, kSpecs);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "--cpus needs a value");

  auto flag_value = parse_args({"--json=yes"}, kSpecs);
  REQUIRE_FALSE(flag_value);
  CHECK(flag_value.error().message == "--json takes no value");

  auto twice = parse_args({"--cpus", "1", "--cpus", "2"}, kSpecs);
  REQUIRE_FALSE(twice);
  CHECK(twice.error().message == "--cpus is given more than once");

  auto short_unknown = parse_args({"-z"}, kSpecs);
  REQUIRE_FALSE(short_unknown);
  CHECK(short_unknown.error().field == "-z");
}

TEST_CASE("durations: bare seconds and s/m/h/d units, combined", "[cli][options]") {
  CHECK(parse_duration_s("3600") == 3600);
  CHECK(parse_duration_s("45s") == 45);
  CHECK(parse_duration_s("90m") == 5400);
  CHECK(parse_duration_s("2h") == 7200);
  CHECK(parse_duration_s("1d") == 86400);
  CHECK(parse_duration_s("1h30m") == 5400);
  CHECK(parse_duration_s("1d2h3m4s") == 93784);
}

TEST_CASE("bad durations are errors naming the option", "[cli][options]") {
  for (const char* bad :
       {"", "0", "0s", "2x", "h", "1h30", "-5", "1.5h", "2 h", "99999999999999d", "1hh"}) {
    INFO(bad);
    auto r = parse_duration_s(bad, "--walltime");
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "--walltime");
    CHECK(r.error().message.starts_with("--walltime must be"));
  }
}

TEST_CASE("the --gpus option is MODEL or MODEL:COUNT", "[cli][options]") {
  auto a = parse_gpus("H100:8");
  REQUIRE(a);
  CHECK(a->model == "H100");
  CHECK(a->count == 8);
  auto b = parse_gpus("Ascend910B");
  REQUIRE(b);
  CHECK(b->model == "Ascend910B");
  CHECK(b->count == 1);
  for (const char* bad : {"", ":4", "H100:", "H100:0", "H100:-1", "H100:x", "H100:4:2"}) {
    INFO(bad);
    auto r = parse_gpus(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "--gpus");
  }
}

TEST_CASE("the --env option is NAME=VALUE, whose value may be empty or hold '='",
          "[cli][options]") {
  CHECK(parse_env_assignment("SEED=7") == std::pair<std::string, std::string>{"SEED", "7"});
  CHECK(parse_env_assignment("A=") == std::pair<std::string, std::string>{"A", ""});
  CHECK(parse_env_assignment("A=b=c") == std::pair<std::string, std::string>{"A", "b=c"});
  CHECK_FALSE(parse_env_assignment("A"));
  CHECK_FALSE(parse_env_assignment("=x"));
}

TEST_CASE("numbers: whole numbers in range, positive decimals", "[cli][options]") {
  CHECK(parse_int("16", "--cpus", 1, 100) == 16);
  CHECK_FALSE(parse_int("0", "--cpus", 1, 100));
  CHECK_FALSE(parse_int("101", "--cpus", 1, 100));
  CHECK_FALSE(parse_int("1.5", "--cpus", 1, 100));
  CHECK_FALSE(parse_int("", "--cpus", 1, 100));
  CHECK(parse_int("abc", "--cpus", 1, 100).error().message ==
        "--cpus must be a whole number from 1 to 100, not 'abc'");
  CHECK(parse_number("0.25", "--memory-gb", 1e6) == 0.25);
  CHECK_FALSE(parse_number("0", "--memory-gb", 1e6));
  CHECK(parse_number("0", "--max-price", 1e6, false) == 0);
  CHECK_FALSE(parse_number("nan", "--memory-gb", 1e6));
  CHECK_FALSE(parse_number("inf", "--memory-gb", 1e6));
  CHECK_FALSE(parse_number("1e9", "--memory-gb", 1e6));
}

}  // namespace
