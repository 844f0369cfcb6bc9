// Job spec validation (every error names its field) and the JSON forms of jobs and events.
#include "gateway/model/job.hpp"

#include <regex>

#include "gateway/model/site.hpp"

namespace suanwang::model {
namespace {

constexpr std::size_t kMaxCommand = 64 * 1024;
constexpr std::size_t kMaxScript = 256 * 1024;
constexpr int64_t kMaxWalltime = 366LL * 24 * 3600;

// A NUL byte cannot cross to any site: the C strings of a command line, an environment or a
// batch script end at it, so the job would run something other than what was asked.
Result<void> no_forbidden_bytes(const std::string& field, std::string_view v) {
  if (const auto at = v.find('\0'); at != std::string_view::npos) {
    return fail(Error::invalid_coded(
        field, {"job.nul_byte", {{"field", field}, {"offset", std::to_string(at)}}}));
  }
  return ok();
}

// Names (an image reference) have no control characters at all.
Result<void> no_control_bytes(const std::string& field, std::string_view v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7f) {
      return fail(Error::invalid_coded(
          field, {"job.control_char", {{"field", field}, {"offset", std::to_string(i)}}}));
    }
  }
  return ok();
}

Result<Resources> parse_resources(const Json* j) {
  Resources res;
  if (j == nullptr) return res;
  JsonReader r(*j, "resources.");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown({"cpus", "memory_gb", "walltime_s", "accelerators"}); !v) {
    return fail(v.error());
  }
  auto cpus = r.opt_int("cpus", 1, 1'000'000);
  if (!cpus) return fail(cpus.error());
  res.cpus = static_cast<int>(cpus->value_or(1));
  auto mem = r.opt_number("memory_gb", 0.001, 1e8);
  if (!mem) return fail(mem.error());
  res.memory_gb = mem->value_or(1);
  auto wt = r.opt_int("walltime_s", 1, kMaxWalltime);
  if (!wt) return fail(wt.error());
  res.walltime_s = wt->value_or(3600);
  if (const Json* acc = r.get("accelerators")) {
    JsonReader ar(*acc, "resources.accelerators.");
    if (auto v = ar.expect_object(); !v) return fail(v.error());
    if (auto v = ar.reject_unknown({"model", "count"}); !v) return fail(v.error());
    auto model = ar.string("model", 32);
    if (!model) return fail(model.error());
    if (!valid_accelerator_model(*model)) {
      return fail(Error::invalid_coded("resources.accelerators.model",
                                       {"job.accelerator_model_name", {{"model", *model}}}));
    }
    auto count = ar.opt_int("count", 1, 100'000);
    if (!count) return fail(count.error());
    res.accelerators = AcceleratorNeed{*model, static_cast<int>(count->value_or(1))};
  }
  return res;
}

Result<std::vector<InputSpec>> parse_inputs(const Json* j) {
  std::vector<InputSpec> out;
  if (j == nullptr) return out;
  if (!j->is_array()) return fail(Error::invalid_coded("inputs", {"job.inputs_array", {}}));
  if (j->size() > 64) {
    return fail(Error::invalid_coded("inputs", {"job.inputs_max", {{"max", "64"}}}));
  }
  for (std::size_t i = 0; i < j->size(); ++i) {
    const std::string path = "inputs[" + std::to_string(i) + "].";
    JsonReader r((*j)[i], path);
    if (auto v = r.expect_object(); !v) return fail(v.error());
    if (auto v = r.reject_unknown({"dataset", "size_bytes", "region", "path", "staged"}); !v) {
      return fail(v.error());
    }
    InputSpec in;
    auto ds = r.opt_string("dataset", 64);
    if (!ds) return fail(ds.error());
    in.dataset = ds->value_or("");
    auto where = r.opt_string("path", 1024);
    if (!where) return fail(where.error());
    in.path = where->value_or("");
    auto staged = r.opt_bool("staged");
    if (!staged) return fail(staged.error());
    in.staged = staged->value_or(false);
    if (!in.path.empty() && in.dataset.empty()) {
      return fail(
          Error::invalid_coded(path + "path", {"job.input_path_needs_dataset", {{"prefix", path}}}));
    }
    auto size = r.opt_int("size_bytes", 0, int64_t{1} << 56);
    if (!size) return fail(size.error());
    auto region = r.opt_string("region", 63);
    if (!region) return fail(region.error());
    if (in.dataset.empty()) {
      if (!*size || !*region) {
        return fail(
            Error::invalid_coded(path + "dataset", {"job.input_needs_source", {{"prefix", path}}}));
      }
      in.size_bytes = **size;
      in.region = **region;
    } else if (*size || *region) {
      return fail(
          Error::invalid_coded(path + "size_bytes", {"job.input_both_sources", {{"prefix", path}}}));
    }
    out.push_back(std::move(in));
  }
  return out;
}

Result<Constraints> parse_constraints(const Json* j) {
  Constraints c;
  if (j == nullptr) return c;
  JsonReader r(*j, "constraints.");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown(
          {"regions", "deny_regions", "sites", "deny_sites", "max_price_cny", "deadline"});
      !v) {
    return fail(v.error());
  }
  for (auto [key, dest] :
       {std::pair{"regions", &c.regions}, std::pair{"deny_regions", &c.deny_regions},
        std::pair{"sites", &c.sites}, std::pair{"deny_sites", &c.deny_sites}}) {
    auto l = r.string_list(key, 1000, 64);
    if (!l) return fail(l.error());
    *dest = std::move(*l);
  }
  auto mp = r.opt_number("max_price_cny", 0, 1e9);
  if (!mp) return fail(mp.error());
  c.max_price_cny = *mp;
  auto dl = r.opt_string("deadline", 64);
  if (!dl) return fail(dl.error());
  if (*dl) {
    c.deadline = parse_rfc3339(**dl);
    if (!c.deadline) {
      return fail(Error::invalid_coded("constraints.deadline", {"job.deadline_format", {}}));
    }
  }
  return c;
}

Result<Routing> parse_routing(const Json* j) {
  Routing rt;
  if (j == nullptr) return rt;
  JsonReader r(*j, "routing.");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown({"policy", "weights"}); !v) return fail(v.error());
  auto policy = r.opt_string("policy", 32);
  if (!policy) return fail(policy.error());
  const Json* w = r.get("weights");
  if (w != nullptr) {
    if (*policy && **policy != "custom") {
      return fail(Error::invalid_coded("routing.weights", {"job.weights_need_custom", {}}));
    }
    JsonReader wr(*w, "routing.weights.");
    if (auto v = wr.expect_object(); !v) return fail(v.error());
    if (auto v = wr.reject_unknown({"price", "time", "latency", "locality", "green"}); !v) {
      return fail(v.error());
    }
    Weights weights;
    for (auto [key, dest] :
         {std::pair{"price", &weights.price}, std::pair{"time", &weights.time},
          std::pair{"latency", &weights.latency}, std::pair{"locality", &weights.locality},
          std::pair{"green", &weights.green}}) {
      auto v = wr.opt_number(key, 0, 1000);
      if (!v) return fail(v.error());
      *dest = v->value_or(0);
    }
    if (weights.price + weights.time + weights.latency + weights.locality + weights.green <= 0) {
      return fail(Error::invalid_coded("routing.weights", {"job.weights_positive", {}}));
    }
    rt.policy = RoutingPolicy::custom;
    rt.weights = weights;
    return rt;
  }
  const auto named = parse_routing_policy(policy->value_or("balanced"));
  if (!named) {
    return fail(Error::invalid_coded("routing.policy", {"job.policy", {}}));
  }
  rt.policy = *named;
  return rt;
}

}  // namespace

Result<JobSpec> parse_job_spec(const Json& body) {
  JsonReader r(body, "");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown({"name", "command", "script", "image", "env", "resources",
                                 "expected_runtime_s", "inputs", "outputs", "constraints",
                                 "routing", "submitter_region", "rerun", "interactive"});
      !v) {
    return fail(v.error());
  }
  JobSpec s;
  auto name = r.opt_string("name", 128);
  if (!name) return fail(name.error());
  if (*name && !(*name)->empty()) s.name = **name;
  if (auto v = no_control_bytes("name", s.name); !v) return fail(v.error());
  auto command = r.opt_string("command", kMaxCommand);
  if (!command) return fail(command.error());
  auto script = r.opt_string("script", kMaxScript);
  if (!script) return fail(script.error());
  s.command = command->value_or("");
  s.script = script->value_or("");
  if (auto v = no_forbidden_bytes("command", s.command); !v) return fail(v.error());
  if (auto v = no_forbidden_bytes("script", s.script); !v) return fail(v.error());
  if (s.command.empty() == s.script.empty()) {
    return fail(Error::invalid_coded("command", {"job.command_or_script", {}}));
  }
  auto image = r.opt_string("image", 512);
  if (!image) return fail(image.error());
  s.image = image->value_or("");
  if (auto v = no_control_bytes("image", s.image); !v) return fail(v.error());
  if (const Json* env = r.get("env")) {
    if (!env->is_object()) {
      return fail(Error::invalid_coded("env", {"job.env_object", {}}));
    }
    if (env->size() > 256) {
      return fail(Error::invalid_coded("env", {"job.env_max", {{"max", "256"}}}));
    }
    static const std::regex name_re("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
    for (const auto& [k, v] : env->items()) {
      if (!std::regex_match(k, name_re)) {
        return fail(Error::invalid_coded("env." + k.substr(0, 64),
                                         {"job.env_name", {{"name", k.substr(0, 64)}}}));
      }
      if (!v.is_string() || v.get_ref<const std::string&>().size() > 32 * 1024) {
        return fail(Error::invalid_coded("env." + k, {"job.env_value", {{"field", "env." + k}}}));
      }
      if (auto c = no_forbidden_bytes("env." + k, v.get_ref<const std::string&>()); !c) {
        return fail(c.error());
      }
      s.env[k] = v.get<std::string>();
    }
  }
  auto res = parse_resources(r.get("resources"));
  if (!res) return fail(res.error());
  s.resources = *res;
  auto rt = r.opt_int("expected_runtime_s", 1, kMaxWalltime);
  if (!rt) return fail(rt.error());
  s.expected_runtime_s = *rt;
  if (s.expected_runtime_s && *s.expected_runtime_s > s.resources.walltime_s) {
    return fail(Error::invalid_coded(
        "expected_runtime_s",
        {"job.expected_runtime", {{"walltime_s", std::to_string(s.resources.walltime_s)}}}));
  }
  auto inputs = parse_inputs(r.get("inputs"));
  if (!inputs) return fail(inputs.error());
  s.inputs = std::move(*inputs);
  if (const Json* out = r.get("outputs")) {
    JsonReader orr(*out, "outputs.");
    if (auto v = orr.expect_object(); !v) return fail(v.error());
    if (auto v = orr.reject_unknown({"region", "size_bytes", "paths"}); !v) return fail(v.error());
    auto region = orr.opt_string("region", 63);
    if (!region) return fail(region.error());
    auto size = orr.opt_int("size_bytes", 0, int64_t{1} << 56);
    if (!size) return fail(size.error());
    OutputSpec o{region->value_or(""), size->value_or(0), {}};
    if (const Json* ps = orr.get("paths")) {
      if (!ps->is_array() || ps->size() > 64) {
        return fail(Error::invalid_coded("outputs.paths", {"job.outputs_paths", {}}));
      }
      for (std::size_t i = 0; i < ps->size(); ++i) {
        const auto& p = (*ps)[i];
        if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>().size() > 1024) {
          const std::string f = "outputs.paths[" + std::to_string(i) + "]";
          return fail(Error::invalid_coded(f, {"job.outputs_path_item", {{"field", f}}}));
        }
        o.paths.push_back(p.get<std::string>());
      }
    }
    if (o.region.empty() && (o.size_bytes > 0 || o.paths.empty())) {
      return fail(Error::invalid_coded("outputs.region", {"job.outputs_region", {}}));
    }
    s.outputs = std::move(o);
  }
  auto c = parse_constraints(r.get("constraints"));
  if (!c) return fail(c.error());
  s.constraints = std::move(*c);
  auto routing = parse_routing(r.get("routing"));
  if (!routing) return fail(routing.error());
  s.routing = std::move(*routing);
  auto sr = r.opt_string("submitter_region", 63);
  if (!sr) return fail(sr.error());
  s.submitter_region = sr->value_or("");
  if (const Json* rerun = r.get("rerun")) {
    if (!rerun->is_boolean()) {
      return fail(Error::invalid_coded("rerun", {"json.not_bool", {{"field", "rerun"}}}));
    }
    s.rerun = rerun->get<bool>();
  }
  if (const Json* interactive = r.get("interactive")) {
    if (!interactive->is_boolean()) {
      return fail(
          Error::invalid_coded("interactive", {"json.not_bool", {{"field", "interactive"}}}));
    }
    s.interactive = interactive->get<bool>();
  }
  return s;
}

Json to_json(const JobSpec& s) {
  Json j = {{"name", s.name}};
  if (!s.command.empty()) j["command"] = s.command;
  if (!s.script.empty()) j["script"] = s.script;
  if (!s.image.empty()) j["image"] = s.image;
  j["env"] = s.env;
  Json res = {{"cpus", s.resources.cpus},
              {"memory_gb", s.resources.memory_gb},
              {"walltime_s", s.resources.walltime_s}};
  if (s.resources.accelerators) {
    res["accelerators"] = {{"model", s.resources.accelerators->model},
                           {"count", s.resources.accelerators->count}};
  }
  j["resources"] = std::move(res);
  if (s.expected_runtime_s) j["expected_runtime_s"] = *s.expected_runtime_s;
  Json inputs = Json::array();
  for (const auto& in : s.inputs) {
    if (!in.dataset.empty()) {
      Json one = {{"dataset", in.dataset}};
      if (!in.path.empty()) one["path"] = in.path;
      if (in.staged) one["staged"] = true;
      inputs.push_back(std::move(one));
    } else {
      inputs.push_back({{"size_bytes", in.size_bytes}, {"region", in.region}});
    }
  }
  j["inputs"] = std::move(inputs);
  if (s.outputs) {
    j["outputs"] = {{"region", s.outputs->region}, {"size_bytes", s.outputs->size_bytes}};
    if (!s.outputs->paths.empty()) j["outputs"]["paths"] = s.outputs->paths;
  }
  Json c = {{"regions", s.constraints.regions},
            {"deny_regions", s.constraints.deny_regions},
            {"sites", s.constraints.sites},
            {"deny_sites", s.constraints.deny_sites}};
  if (s.constraints.max_price_cny) c["max_price_cny"] = *s.constraints.max_price_cny;
  if (s.constraints.deadline) c["deadline"] = format_rfc3339(*s.constraints.deadline);
  j["constraints"] = std::move(c);
  if (s.routing.weights) {
    j["routing"] = {{"policy", "custom"},
                    {"weights",
                     {{"price", s.routing.weights->price},
                      {"time", s.routing.weights->time},
                      {"latency", s.routing.weights->latency},
                      {"locality", s.routing.weights->locality},
                      {"green", s.routing.weights->green}}}};
  } else {
    j["routing"] = {{"policy", routing_policy_name(s.routing.policy)}};
  }
  if (!s.submitter_region.empty()) j["submitter_region"] = s.submitter_region;
  j["rerun"] = s.rerun;
  if (s.interactive) j["interactive"] = true;
  return j;
}

Json to_redacted_json(const JobSpec& s) {
  Json j = to_json(s);
  for (auto& [k, v] : j["env"].items()) v = "(withheld)";
  return j;
}

bool is_terminal(JobState s) {
  return s == JobState::succeeded || s == JobState::failed || s == JobState::canceled;
}

Json to_json(const JobRecord& j, bool redact) {
  Json out = {{"id", j.id},
              {"org_id", j.org_id},
              {"name", j.spec.name},
              {"state", job_state_name(j.state)},
              {"reason", j.reason},
              {"attempt", j.attempt},
              {"spec", redact ? to_redacted_json(j.spec) : to_json(j.spec)},
              {"cancel_requested", j.cancel_requested},
              {"created_at", format_rfc3339(j.created_at)},
              {"updated_at", format_rfc3339(j.updated_at)}};
  out["site"] = j.site_id.empty() ? Json(nullptr) : Json(j.site_id);
  out["remote_id"] = j.remote_id.empty() ? Json(nullptr) : Json(j.remote_id);
  out["blocked_sites"] = j.blocked_sites;
  out["estimated_cost_cny"] =
      j.estimated_cost_cny ? Json(round_cny(*j.estimated_cost_cny)) : Json(nullptr);
  out["final_cost_cny"] = j.final_cost_cny ? Json(round_cny(*j.final_cost_cny)) : Json(nullptr);
  out["exit_code"] = j.exit_code ? Json(*j.exit_code) : Json(nullptr);
  out["failure"] =
      j.failure == FailureKind::none ? Json(nullptr) : Json(failure_kind_name(j.failure));
  out["started_at"] = j.started_at ? Json(format_rfc3339(*j.started_at)) : Json(nullptr);
  out["finished_at"] = j.finished_at ? Json(format_rfc3339(*j.finished_at)) : Json(nullptr);
  if (j.decision.is_object() && j.decision.contains("chosen") && j.decision["chosen"].is_object()) {
    out["placement"] = j.decision["chosen"];
    out["placement"]["summary"] = j.decision.value("summary", "");
  } else {
    out["placement"] = nullptr;
  }
  return out;
}

Json to_json(const JobEvent& e) {
  Json j = {{"seq", e.seq},
            {"at", format_rfc3339(e.at)},
            {"type", event_type_name(e.type)},
            {"state", job_state_name(e.state)},
            {"attempt", e.attempt},
            {"reason", e.reason}};
  j["site"] = e.site_id.empty() ? Json(nullptr) : Json(e.site_id);
  return j;
}

}  // namespace suanwang::model
