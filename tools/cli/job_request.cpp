// Job options -> job body (see job_request.hpp). The server validates the result again; the
// checks here exist to name the option (not the JSON field) and to fail before any network call.
#include "tools/cli/job_request.hpp"

namespace suanwang::cli {
namespace {

Json& object_member(Json& body, const char* key) {
  Json& m = body[key];
  if (!m.is_object()) m = Json::object();
  return m;
}

}  // namespace

Result<Json> build_job_body(const ParsedArgs& args, Json body,
                            const std::optional<std::string>& script_text) {
  if (body.is_null()) body = Json::object();
  if (!body.is_object()) {
    return fail(Error::invalid("--file", "the job file must hold a JSON object"));
  }
  if (args.has("--command") && args.has("--script")) {
    return fail(Error::invalid("--command", "give --command or --script, not both"));
  }
  if (auto c = args.get("--command")) {
    if (c->empty()) return fail(Error::invalid("--command", "--command must not be empty"));
    body["command"] = *c;
    body.erase("script");
  }
  if (args.has("--script")) {
    if (!script_text || script_text->empty()) {
      return fail(Error::invalid("--script", "the script is empty"));
    }
    body["script"] = *script_text;
    body.erase("command");
  }
  if (!body.contains("command") && !body.contains("script")) {
    return fail(Error::invalid("--command", "give --command CMD, --script FILE or -f FILE"));
  }
  if (auto n = args.get("--name")) body["name"] = *n;
  if (auto v = args.get("--image")) body["image"] = *v;

  if (auto v = args.get("--cpus")) {
    auto n = parse_int(*v, "--cpus", 1, 1'000'000);
    if (!n) return fail(n.error());
    object_member(body, "resources")["cpus"] = *n;
  }
  if (auto v = args.get("--memory-gb")) {
    auto n = parse_number(*v, "--memory-gb", 1e8);
    if (!n) return fail(n.error());
    object_member(body, "resources")["memory_gb"] = *n;
  }
  if (auto v = args.get("--walltime")) {
    auto n = parse_duration_s(*v, "--walltime");
    if (!n) return fail(n.error());
    object_member(body, "resources")["walltime_s"] = *n;
  }
  if (auto v = args.get("--gpus")) {
    auto g = parse_gpus(*v);
    if (!g) return fail(g.error());
    object_member(body, "resources")["accelerators"] = {{"model", g->model}, {"count", g->count}};
  }
  if (auto v = args.get("--runtime")) {
    auto n = parse_duration_s(*v, "--runtime");
    if (!n) return fail(n.error());
    body["expected_runtime_s"] = *n;
  }
  const auto env = args.all("--env");
  if (!env.empty()) {
    Json& e = object_member(body, "env");
    for (const auto& kv : env) {
      auto p = parse_env_assignment(kv);
      if (!p) return fail(p.error());
      e[p->first] = p->second;
    }
  }
  if (const auto regions = args.all("--region"); !regions.empty()) {
    object_member(body, "constraints")["regions"] = regions;
  }
  if (const auto sites = args.all("--site"); !sites.empty()) {
    object_member(body, "constraints")["sites"] = sites;
  }
  if (auto v = args.get("--max-price")) {
    auto n = parse_number(*v, "--max-price", 1e9, false);
    if (!n) return fail(n.error());
    object_member(body, "constraints")["max_price_cny"] = *n;
  }
  if (auto v = args.get("--policy")) {
    if (*v != "cheapest" && *v != "fastest" && *v != "balanced" && *v != "data-local" &&
        *v != "greenest") {
      return fail(Error::invalid("--policy",
                                 "--policy must be cheapest, fastest, balanced, data-local or "
                                 "greenest, not '" +
                                     v->substr(0, 64) + "'"));
    }
    body["routing"] = {{"policy", *v}};
  }
  if (auto v = args.get("--from-region")) body["submitter_region"] = *v;
  if (args.has("--interactive")) body["interactive"] = true;
  if (const auto inputs = args.all("--input"); !inputs.empty()) {
    Json list = Json::array();
    for (const auto& in : inputs) {
      const auto colon = in.find(':');
      const std::string dataset = in.substr(0, colon);
      if (dataset.empty()) {
        return fail(Error::invalid("--input", "--input takes DATASET[:DIR], got '" +
                                                  in.substr(0, 64) + "'"));
      }
      Json one = {{"dataset", dataset}};
      if (colon != std::string::npos) one["path"] = in.substr(colon + 1);
      list.push_back(std::move(one));
    }
    body["inputs"] = std::move(list);
  }
  if (const auto outputs = args.all("--output"); !outputs.empty()) {
    object_member(body, "outputs")["paths"] = outputs;
  }
  return body;
}

}  // namespace suanwang::cli
