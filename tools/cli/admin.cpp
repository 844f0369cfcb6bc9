// Operator, admin and sign-in commands (see admin.hpp).
#include "tools/cli/admin.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "tools/cli/table.hpp"
#include "tools/cli/views.hpp"

namespace suanwang::cli {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string text_of(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "registered …": what the gateway found at the site, from the 201 answer.
std::string render_registered(const Json& site) {
  std::string out = "registered " + text_of(site, "name") + " (" + text_of(site, "id") + ")\n";
  const Json health = site.value("health", Json::object());
  if (const auto release = text_of(health, "release"); !release.empty()) {
    out += "  software:   " + release;
    if (const auto v = text_of(health, "api_version"); !v.empty()) out += " via " + v;
    out += "\n";
  }
  const Json cap = site.value("capacity", Json());
  if (cap.is_object()) {
    std::string pools;
    const Json pool_names = cap.value("pools", Json::array());
    for (const auto& p : pool_names) {
      pools += (pools.empty() ? "" : ", ") + p.get<std::string>();
    }
    if (!pools.empty()) out += "  pools:      " + pools + "\n";
    out += "  CPUs:       " + std::to_string(cap.value("cpus", Json::object()).value("total", 0)) +
           "\n";
    std::string accels;
    const Json models = cap.value("accelerators", Json::object());
    for (const auto& [model, c] : models.items()) {
      accels += (accels.empty() ? "" : ", ") + model + " x" + std::to_string(c.value("total", 0));
    }
    if (!accels.empty()) out += "  GPUs:       " + accels + "\n";
  }
  const auto runtime = text_of(health, "container_runtime");
  out += "  containers: " + (runtime.empty() ? std::string("none") : runtime) + "\n";
  return out;
}

Result<std::string> read_all(const std::string& file, std::istream& in) {
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(in), {});
  } else {
    std::ifstream f(file);
    if (!f) return fail(Error::invalid("--file", "cannot read " + file));
    text.assign(std::istreambuf_iterator<char>(f), {});
  }
  return text;
}

// The password: a line of stdin; on a terminal, asked for without echo.
Result<std::string> read_password(Io& io) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    io.err << "password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(io.in, password);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    io.err << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) return fail(Error::invalid("password", "no password given (on stdin)"));
  return password;
}

}  // namespace

Result<Json> find_site(Api& api, const std::string& name_or_id) {
  auto all = api.get_all("/api/v1/sites");
  if (!all) return fail(all.error());
  const Json& items = all->body.at("items");
  for (const auto& s : items) {
    if (text_of(s, "id") == name_or_id || text_of(s, "name") == name_or_id) return s;
  }
  std::vector<Json> loose;
  for (const auto& s : items) {
    if (lower(text_of(s, "name")) == lower(name_or_id)) loose.push_back(s);
  }
  if (loose.size() == 1) return loose.front();
  std::string names;
  for (const auto& s : items) names += (names.empty() ? "" : ", ") + text_of(s, "name");
  return fail(Error::not_found("no site named or with id '" + name_or_id + "' (sites: " + names +
                               ")"));
}

Result<ExitCode> run_site(Session& s) {
  const auto& pos = s.args().positionals();
  const std::string action = pos.at(0);
  auto api = s.api();
  if (action == "register") {
    const auto file = s.args().get("--file");
    if (!file) return fail(Error::invalid("--file", "register needs -f SITE.json ('-' = stdin)"));
    auto text = read_all(*file, s.io().in);
    if (!text) return fail(text.error());
    Json body = Json::parse(*text, nullptr, false);
    if (!body.is_object()) return fail(Error::invalid("--file", *file + " is not a JSON object"));
    if (!api) return fail(api.error());
    auto a = (*api)->post("/api/v1/sites", body);
    if (!a) return fail(a.error());
    if (s.json()) {
      s.io().out << a->raw << "\n";
    } else {
      s.io().out << render_registered(a->body);
    }
    return ExitCode::ok;
  }
  if (action != "drain" && action != "undrain" && action != "delete") {
    return fail(Error::invalid("action", "site takes register, drain, undrain or delete, not '" +
                                             action.substr(0, 32) + "'"));
  }
  if (pos.size() != 2) return fail(Error::invalid("site", "site " + action + " needs SITE"));
  if (!api) return fail(api.error());
  auto site = find_site(**api, pos.at(1));
  if (!site) return fail(site.error());
  const std::string target = "/api/v1/sites/" + url_encode(text_of(*site, "id"));
  auto a = action == "delete" ? (*api)->del(target) : (*api)->post_empty(target + "/" + action);
  if (!a) return fail(a.error());
  if (s.json()) {
    s.io().out << (a->raw.empty() ? std::string("{}") : a->raw) << "\n";
  } else {
    const std::string done = action == "delete" ? "deleted" : action + "ed";
    s.io().out << text_of(*site, "name") << " (" << text_of(*site, "id") << ") " << done << "\n";
  }
  return ExitCode::ok;
}

Result<ExitCode> run_keys(Session& s) {
  const auto& pos = s.args().positionals();
  const std::string action = pos.empty() ? "list" : pos.at(0);
  auto api = s.api();
  if (!api) return fail(api.error());
  if (action == "list") {
    if (pos.size() > 1) return fail(Error::invalid("keys", "keys list takes no argument"));
    auto a = (*api)->get_all("/api/v1/api-keys");
    if (!a) return fail(a.error());
    if (s.json()) {
      s.io().out << a->raw << "\n";
      return ExitCode::ok;
    }
    Table t({"ID", "NAME", "PREFIX", "CREATED", "LAST USED"});
    for (const auto& k : a->body.at("items")) {
      t.add_row({text_of(k, "id"), text_of(k, "name"), text_of(k, "prefix"), text_of(k, "created_at"),
                 text_of(k, "last_used_at").empty() ? "-" : text_of(k, "last_used_at")});
    }
    s.io().out << (t.rows() == 0 ? std::string("No API keys.\n") : t.render());
    return ExitCode::ok;
  }
  if (pos.size() != 2) return fail(Error::invalid("keys", "keys " + action + " needs one argument"));
  if (action == "create") {
    auto a = (*api)->post("/api/v1/api-keys", Json{{"name", pos.at(1)}});
    if (!a) return fail(a.error());
    if (s.json()) {
      s.io().out << a->raw << "\n";
    } else {
      // The secret is shown once: on stdout alone, so `suanwang keys create ci > key` works.
      s.io().err << "created " << text_of(a->body, "id")
                 << "; the key below is shown only now:\n";
      s.io().out << text_of(a->body, "key") << "\n";
    }
    return ExitCode::ok;
  }
  if (action == "revoke") {
    auto a = (*api)->del("/api/v1/api-keys/" + url_encode(pos.at(1)));
    if (!a) return fail(a.error());
    if (!s.json()) s.io().out << pos.at(1) << " revoked\n";
    return ExitCode::ok;
  }
  return fail(Error::invalid("action", "keys takes list, create or revoke, not '" +
                                           action.substr(0, 32) + "'"));
}

Result<ExitCode> run_usage(Session& s) {
  std::string query;
  const auto add = [&](const char* opt, const char* param) {
    if (auto v = s.args().get(opt)) query += std::string(query.empty() ? "?" : "&") + param + "=" + url_encode(*v);
  };
  add("--from", "from");
  add("--to", "to");
  add("--org", "org_id");
  add("--site", "site");
  auto api = s.api();
  if (!api) return fail(api.error());
  if (s.args().has("--csv")) {
    auto a = (*api)->get_text("/api/v1/usage" + query, "text/csv");
    if (!a) return fail(a.error());
    s.io().out << a->raw;
    return ExitCode::ok;
  }
  auto a = (*api)->get("/api/v1/usage" + query);
  if (!a) return fail(a.error());
  if (s.json()) {
    s.io().out << a->raw << "\n";
    return ExitCode::ok;
  }
  const SiteNames sites = best_effort_site_names(**api);
  Table t({"JOB", "SITE", "STATE", "RESOURCES", "SECONDS", "COST CNY"},
          {Align::left, Align::left, Align::left, Align::left, Align::right, Align::right});
  for (const auto& u : a->body.at("items")) {
    const auto num = [&](const Json& j, const char* k) {
      const auto it = j.find(k);
      return it != j.end() && it->is_number() ? format_number(it->get<double>()) : std::string("-");
    };
    const Json r = u.value("resources", Json::object());
    std::string res = num(r, "cpus") + " CPU";
    if (r.value("accelerator_count", 0) > 0) {
      res += ", " + std::to_string(r.value("accelerator_count", 0)) + "x" +
             text_of(r, "accelerator_model");
    }
    // Jobs by name (their id when unnamed), sites by name: a bill, not a log.
    const std::string job_name = text_of(u, "job_name");
    const std::string site_id = text_of(u, "site_id");
    const auto site = sites.find(site_id);
    t.add_row({job_name.empty() ? text_of(u, "job_id") : job_name,
               site == sites.end() ? site_id : site->second, text_of(u, "state"), res,
               num(u, "seconds"), num(u, "cost_cny")});
  }
  s.io().out << (t.rows() == 0 ? std::string("No usage in this period.\n") : t.render());
  const Json totals = a->body.value("totals", Json::object());
  if (const auto c = totals.find("cost_cny"); c != totals.end() && c->is_number()) {
    s.io().out << "total: " << format_number(c->get<double>()) << " CNY over "
               << totals.value("jobs", 0) << " jobs\n";
  }
  return ExitCode::ok;
}

Result<ExitCode> run_login(Session& s) {
  const auto email = s.args().get("--email");
  if (!email || email->empty()) return fail(Error::invalid("--email", "login needs --email"));
  auto server = resolve_server(s.args().get("--server"), s.env());
  if (!server) return fail(server.error());
  auto password = read_password(s.io());
  if (!password) return fail(password.error());
  HttpClient http(*server, "");
  // Signed in as the portal is (a session cookie and its CSRF token), a key is made for this
  // machine, and the session is signed out again: the key is what the CLI keeps.
  auto signed_in = http.request("POST", "/api/v1/session",
                                Json{{"email", *email}, {"password", *password}}.dump(),
                                {{"Content-Type", "application/json"}});
  if (!signed_in) return fail(signed_in.error());
  if (signed_in->status != 201) return fail(error_from_answer(signed_in->status, signed_in->body));
  const std::string set_cookie = signed_in->header("set-cookie");
  const Json session = Json::parse(signed_in->body, nullptr, false);
  if (set_cookie.empty() || !session.is_object() || !session.contains("csrf_token")) {
    return fail(Error::internal("the server's sign-in answer has no session"));
  }
  const std::vector<std::pair<std::string, std::string>> as_session = {
      {"Cookie", set_cookie.substr(0, set_cookie.find(';'))},
      {"X-CSRF-Token", session.at("csrf_token").get<std::string>()},
      {"Content-Type", "application/json"}};
  char host[256] = "this machine";
  (void)::gethostname(host, sizeof host - 1);
  auto made = http.request("POST", "/api/v1/api-keys",
                           Json{{"name", std::string("suanwang CLI on ") + host}}.dump(), as_session);
  if (!made) return fail(made.error());
  if (made->status != 201) return fail(error_from_answer(made->status, made->body));
  const Json key = Json::parse(made->body, nullptr, false);
  (void)http.request("DELETE", "/api/v1/session", {}, as_session);
  if (!key.is_object() || !key.contains("key")) {
    return fail(Error::internal("the server's answer has no key"));
  }
  auto saved = save_login(s.env(), server->text(), key.at("key").get<std::string>());
  if (!saved) return fail(saved.error());
  s.io().out << "signed in to " << server->text() << " as " << *email << "; key "
             << text_of(key, "id") << " saved in " << saved->string() << " (mode 0600)\n";
  return ExitCode::ok;
}

}  // namespace suanwang::cli
