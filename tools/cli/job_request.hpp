// The job options shared by `quote` and `submit`, and the pure translation of them (over an
// optional -f body) into the API's job body (POST /api/v1/jobs and /api/v1/quotes).
#pragma once

#include <array>
#include <optional>
#include <string>

#include "gateway/core/json.hpp"
#include "tools/cli/options.hpp"

namespace suanwang::cli {

inline constexpr std::array kJobOptions = {
    OptionSpec{"--file", 'f', true},     OptionSpec{"--command", 0, true},
    OptionSpec{"--script", 0, true},     OptionSpec{"--name", 0, true},
    OptionSpec{"--cpus", 0, true},       OptionSpec{"--memory-gb", 0, true},
    OptionSpec{"--walltime", 0, true},   OptionSpec{"--runtime", 0, true},
    OptionSpec{"--gpus", 0, true},       OptionSpec{"--image", 0, true},
    OptionSpec{"--env", 0, true, true},  OptionSpec{"--region", 0, true, true},
    OptionSpec{"--site", 0, true, true}, OptionSpec{"--policy", 0, true},
    OptionSpec{"--max-price", 0, true},  OptionSpec{"--from-region", 0, true},
    OptionSpec{"--input", 0, true, true}, OptionSpec{"--output", 0, true, true},
    OptionSpec{"--interactive", 0, false},
};

inline constexpr const char* kJobOptionsHelp = R"(job options:
  --command CMD          the shell command to run
  --script FILE          a script to run instead ('-' reads stdin)
  -f, --file FILE        the API's JSON job body ('-' reads stdin); the options below override it
  --name NAME            a name for the job
  --cpus N               CPU cores (default 1)
  --memory-gb GB         memory in GB (default 1)
  --walltime DUR         time limit: 3600, 45s, 90m, 2h, 1d, 1h30m (default 1h)
  --runtime DUR          expected runtime, for cost estimates (default: the walltime)
  --gpus MODEL[:COUNT]   accelerators, e.g. H100:8, Ascend910B:1, A800, HygonDCU:4
  --image IMAGE          container image
  --env NAME=VALUE       an environment variable (repeatable)
  --region REGION        allow only this region (repeatable), e.g. cn-gz-guian
  --site SITE            allow only this site, by name or id (repeatable); see 'suanwang sites'
  --policy POLICY        balanced (default), cheapest, fastest, data-local or greenest
  --max-price CNY        refuse sites whose estimate is above this
  --from-region REGION   the region you submit from (for latency)
  --interactive          someone waits on it (a session, a service): weigh the RTT from
                         --from-region; batch jobs (the default) ignore it
  --input DATASET[:DIR]  a sealed dataset (name or id) whose files the job finds under DIR/ in
                         its directory (default: the directory itself); repeatable
  --output GLOB          files of the job's directory to bring back as its outputs dataset,
                         e.g. 'results/*.csv' (repeatable); 'suanwang download JOB_ID' fetches them
)";

// Builds the job body: `base` (the -f document, or an empty object) with the options applied.
// `script_text` is the content of --script's file, read by the caller. Errors name the option.
Result<Json> build_job_body(const ParsedArgs& args, Json base,
                            const std::optional<std::string>& script_text);

}  // namespace suanwang::cli
