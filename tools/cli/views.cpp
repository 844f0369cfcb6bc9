// Human renderings of API answers (see views.hpp).
#include "tools/cli/views.hpp"

#include "tools/cli/exit_code.hpp"
#include "tools/cli/table.hpp"

namespace suanwang::cli {
namespace {

const Json& member(const Json& j, std::string_view key) {
  static const Json kNull;  // immutable; shared only as a "missing" marker
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

const Json& items_of(const Json& page) {
  static const Json kEmpty = Json::array();
  const Json& items = member(page, "items");
  return items.is_array() ? items : kEmpty;
}

std::string int_text(const Json& j, std::string_view key) {
  auto v = num_of(j, key);
  return v ? format_number(*v) : "-";
}

// {"total": t, "free": f} -> "f/t"
std::string free_of_total(const Json& pair) {
  auto f = num_of(pair, "free");
  auto t = num_of(pair, "total");
  if (!f || !t) return "-";
  return format_number(*f) + "/" + format_number(*t);
}

// {"H100": {"total": 8, "free": 2}, ...} -> "H100 2/8, A800 0/4"
std::string accelerators_text(const Json& accels) {
  if (!accels.is_object() || accels.empty()) return "-";
  std::string out;
  for (const auto& [model, c] : accels.items()) {
    if (!out.empty()) out += ", ";
    out += model + " " + free_of_total(c);
  }
  return out;
}

std::string site_label(const std::string& id, const SiteNames& names) {
  if (id.empty()) return "-";
  auto it = names.find(id);
  return it == names.end() ? id : it->second;
}

std::string money_text(const Json& j, std::string_view key) {
  auto v = num_of(j, key);
  return v ? format_cny(*v) : "-";
}

std::string seconds_text(const Json& j, std::string_view key) {
  auto v = num_of(j, key);
  return v ? format_seconds(*v) : "-";
}

std::string cost_text(const Json& job) {
  if (auto f = num_of(job, "final_cost_cny")) return format_cny(*f);
  if (auto e = num_of(job, "estimated_cost_cny")) {
    std::string out = "~";  // not "~" + ...: GCC bug 105329's false positive at -O2
    out += format_cny(*e);
    return out;
  }
  return "-";
}

}  // namespace

std::string str_of(const Json& j, std::string_view key, std::string fallback) {
  const Json& v = member(j, key);
  return v.is_string() ? v.get<std::string>() : std::move(fallback);
}

std::optional<double> num_of(const Json& j, std::string_view key) {
  const Json& v = member(j, key);
  if (!v.is_number()) return std::nullopt;
  return v.get<double>();
}

std::string render_sites(const Json& page) {
  Table t({"ID", "NAME", "REGION", "KIND", "STATUS", "CPUS FREE", "ACCELERATORS FREE"},
          {Align::left, Align::left, Align::left, Align::left, Align::left, Align::right});
  for (const auto& s : items_of(page)) {
    std::string status = str_of(s, "status", "-");
    if (member(s, "drained") == true && status != "draining") status += " (drained)";
    const Json& cap = member(s, "capacity");
    t.add_row({str_of(s, "id"), str_of(s, "name"), str_of(s, "region"), str_of(s, "kind"), status,
               cap.is_object() ? free_of_total(member(cap, "cpus")) : "-",
               cap.is_object() ? accelerators_text(member(cap, "accelerators")) : "no report yet"});
  }
  if (t.rows() == 0) return "no sites\n";
  return t.render();
}

SiteNames site_names(const Json& page) {
  SiteNames out;
  for (const auto& s : items_of(page)) {
    const std::string id = str_of(s, "id");
    if (!id.empty()) out[id] = str_of(s, "name", id);
  }
  return out;
}

std::string render_capacity(const Json& cap) {
  std::string out;
  const Json& national = member(cap, "national");
  out += "National: " + int_text(national, "sites") + " sites reporting";
  if (auto age = num_of(national, "oldest_report_age_s")) {
    out += ", oldest report " + format_seconds(*age) + " old";
  }
  out += "\n";
  Table n({"RESOURCE", "FREE", "TOTAL"}, {Align::left, Align::right, Align::right});
  auto add_pair = [&](const std::string& name, const Json& pair) {
    auto f = num_of(pair, "free");
    auto t = num_of(pair, "total");
    n.add_row({name, f ? format_number(*f) : "-", t ? format_number(*t) : "-"});
  };
  add_pair("CPU cores", member(national, "cpus"));
  add_pair("memory GB", member(national, "memory_gb"));
  const Json& accels = member(national, "accelerators");
  if (accels.is_object()) {
    for (const auto& [model, c] : accels.items()) add_pair(model, c);
  }
  n.add_row({"running jobs", "", int_text(national, "running_jobs")});
  n.add_row({"queued jobs", "", int_text(national, "queued_jobs")});
  out += n.render();

  out += "\nBy accelerator model:\n";
  Table m({"MODEL", "FREE", "TOTAL", "SITES"},
          {Align::left, Align::right, Align::right, Align::right});
  const Json& by_model = member(cap, "by_accelerator");
  if (by_model.is_object()) {
    for (const auto& [model, e] : by_model.items()) {
      m.add_row({model, int_text(e, "free"), int_text(e, "total"), int_text(e, "sites")});
    }
  }
  out += m.rows() == 0 ? std::string("  (none reported)\n") : m.render();

  out += "\nBy region:\n";
  Table r(
      {"REGION", "SITES", "CPUS FREE", "MEMORY GB FREE", "RUNNING", "QUEUED", "ACCELERATORS FREE"},
      {Align::left, Align::right, Align::right, Align::right, Align::right, Align::right});
  const Json& by_region = member(cap, "by_region");
  if (by_region.is_object()) {
    for (const auto& [region, e] : by_region.items()) {
      r.add_row({region, int_text(e, "sites"), free_of_total(member(e, "cpus")),
                 free_of_total(member(e, "memory_gb")), int_text(e, "running_jobs"),
                 int_text(e, "queued_jobs"), accelerators_text(member(e, "accelerators"))});
    }
  }
  out += r.rows() == 0 ? std::string("  (none reported)\n") : r.render();

  std::string stale;
  const Json& sites = member(cap, "sites");
  if (sites.is_array()) {
    for (const auto& s : sites) {
      if (member(s, "stale") == true) {
        stale += (stale.empty() ? "" : ", ") + str_of(s, "name", str_of(s, "site"));
      }
    }
  }
  if (!stale.empty()) out += "\nNot counted (no recent report): " + stale + "\n";
  return out;
}

std::string render_rejections(const Json& decision) {
  const Json& rejected = member(decision, "rejected");
  if (!rejected.is_array() || rejected.empty()) return "";
  Table t({"SITE", "WHY NOT"});
  for (const auto& r : rejected) {
    t.add_row({str_of(r, "site_name", str_of(r, "site")), str_of(r, "reason", str_of(r, "code"))});
  }
  return std::to_string(rejected.size()) + " site" + (rejected.size() == 1 ? "" : "s") +
         " cannot run it:\n" + t.render();
}

std::string render_quote(const Json& decision) {
  std::string out;
  const Json& ranked = member(decision, "ranked");
  Table t({"RANK", "SITE", "REGION", "PRICE CNY", "START", "RESULT", "DATA MOVED", "CO2 KG", "SCORE",
           "ID"},
          {Align::right, Align::left, Align::left, Align::right, Align::right, Align::right,
           Align::right, Align::right, Align::right});
  if (ranked.is_array()) {
    int rank = 0;
    for (const auto& c : ranked) {
      auto score = num_of(c, "score");
      auto bytes = num_of(c, "bytes_moved");
      auto co2 = num_of(c, "co2_kg");
      t.add_row({std::to_string(++rank), str_of(c, "site_name", str_of(c, "site")),
                 str_of(c, "region"), money_text(c, "estimated_cost_cny"),
                 seconds_text(c, "start_s"), seconds_text(c, "result_s"),
                 bytes ? format_bytes(*bytes) : "-", co2 ? format_number(*co2) : "-",
                 score ? format_number(*score) : "-", str_of(c, "site")});
    }
  }
  out += t.rows() == 0 ? std::string("No site can run this job.\n") : t.render();
  if (const std::string rej = render_rejections(decision); !rej.empty()) out += "\n" + rej;
  const std::string policy = str_of(decision, "policy");
  if (!policy.empty()) {
    out += "\npolicy: " + policy;
    const Json& w = member(decision, "weights");
    if (w.is_object()) {
      out += " (weights";
      for (const char* k : {"price", "time", "latency", "locality", "green"}) {
        auto v = num_of(w, k);
        if (!v && std::string_view(k) == "green") continue;  // a gateway from before carbon
        out += std::string(" ") + k + " " + (v ? format_number(*v) : "-");
      }
      out += ")";
    }
    out += "\n";
  }
  if (const std::string s = str_of(decision, "summary"); !s.empty()) out += "summary: " + s + "\n";
  return out;
}

std::string render_jobs(const Json& page, const SiteNames& names) {
  Table t({"ID", "NAME", "STATE", "SITE", "COST CNY", "CREATED"},
          {Align::left, Align::left, Align::left, Align::left, Align::right});
  for (const auto& j : items_of(page)) {
    t.add_row({str_of(j, "id"), str_of(j, "name"), str_of(j, "state"),
               site_label(str_of(j, "site"), names), cost_text(j), str_of(j, "created_at")});
  }
  std::string out = t.rows() == 0 ? std::string("no jobs\n") : t.render();
  if (const std::string next = str_of(page, "next_page_token"); !next.empty()) {
    out += "more: --page-token " + next + "\n";
  }
  return out;
}

std::string render_job_outcome(const Json& job) {
  std::string out = str_of(job, "id") + " " + str_of(job, "state", "?");
  std::string detail;
  if (const std::string f = str_of(job, "failure"); !f.empty()) detail = f;
  if (auto code = num_of(job, "exit_code")) {
    detail += (detail.empty() ? "" : ", ") + std::string("exit ") + format_number(*code);
  }
  if (!detail.empty()) out += " (" + detail + ")";
  if (const std::string c = cost_text(job); c != "-") out += " · cost " + c + " CNY";
  // A success needs no reason; anything else says why.
  const std::string reason = str_of(job, "reason");
  if (!reason.empty() && str_of(job, "state") != "succeeded") out += " · " + reason;
  return out + "\n";
}

std::string render_job(const Json& job, const Json& events, const SiteNames& names) {
  Table kv({"", ""});
  auto row = [&](const std::string& k, const std::string& v) {
    if (!v.empty()) kv.add_row({k, v});
  };
  row("job", str_of(job, "id"));
  row("name", str_of(job, "name"));
  std::string state = str_of(job, "state", "?");
  std::string detail;
  if (const std::string f = str_of(job, "failure"); !f.empty()) detail = f;
  if (auto code = num_of(job, "exit_code")) {
    detail += (detail.empty() ? "" : ", ") + std::string("exit code ") + format_number(*code);
  }
  if (member(job, "cancel_requested") == true && state != "canceled") {
    detail += (detail.empty() ? "" : ", ") + std::string("cancel requested");
  }
  row("state", detail.empty() ? state : state + " (" + detail + ")");
  const Json& placement = member(job, "placement");
  const std::string site = str_of(job, "site");
  if (!site.empty()) {
    std::string s = site_label(site, names);
    if (s != site) s += " (" + site + ")";
    if (const std::string region = str_of(placement, "region"); !region.empty()) {
      s += " in " + region;
    }
    row("site", s);
  }
  std::string cost;
  if (auto e = num_of(job, "estimated_cost_cny")) cost = "estimated " + format_cny(*e) + " CNY";
  if (auto f = num_of(job, "final_cost_cny")) {
    cost += (cost.empty() ? "" : " · ") + std::string("final ") + format_cny(*f) + " CNY";
  }
  row("cost", cost);
  row("reason", str_of(job, "reason"));
  row("placement", str_of(placement, "summary"));
  row("created", str_of(job, "created_at"));
  row("started", str_of(job, "started_at"));
  row("finished", str_of(job, "finished_at"));
  // The key column's header is blank: drop that first line.
  std::string block = kv.render();
  block.erase(0, block.find('\n') + 1);

  Table ev({"TIME", "EVENT", "STATE", "SITE", "REASON"});
  for (const auto& e : items_of(events)) {
    ev.add_row({str_of(e, "at"), str_of(e, "type"), str_of(e, "state"),
                site_label(str_of(e, "site"), names), str_of(e, "reason")});
  }
  if (ev.rows() > 0) block += "\nEvents:\n" + ev.render();
  return block;
}

std::string render_submitted(const Json& job) {
  const Json& p = member(job, "placement");
  std::string out = str_of(job, "id") + " " + str_of(job, "state", "submitted");
  if (p.is_object()) {
    out += " on " + str_of(p, "site_name", str_of(p, "site"));
    if (const std::string region = str_of(p, "region"); !region.empty()) {
      out += " (" + region + ")";
    }
    if (auto c = num_of(p, "estimated_cost_cny")) out += " · estimated " + format_cny(*c) + " CNY";
    if (auto s = num_of(p, "start_s")) out += " · starts in ~" + format_seconds(*s);
  }
  out += "\n";
  // A job waiting for a site has no placement yet; its reason says what it waits for.
  const std::string why = p.is_object() ? str_of(p, "summary") : str_of(job, "reason");
  if (!why.empty()) out += "  " + why + "\n";
  return out;
}

std::string render_credit(const Json& account) {
  std::string out;
  if (member(account, "prepaid") != true) {
    out = str_of(account, "org_id") + " has no prepaid account (it is invoiced for its usage)\n";
  } else {
    Table kv({"", ""}, {Align::left, Align::right});
    kv.add_row({"balance", money_text(account, "balance_cny") + " CNY"});
    kv.add_row({"held", money_text(account, "held_cny") + " CNY"});
    kv.add_row({"available", money_text(account, "available_cny") + " CNY"});
    out = kv.render();
    out.erase(0, out.find('\n') + 1);  // the blank header line
  }
  Table t({"AT", "AMOUNT CNY", "BALANCE CNY", "BY", "NOTE"},
          {Align::left, Align::right, Align::right});
  for (const auto& e : items_of(account)) {
    auto amount = num_of(e, "amount_cny");
    std::string a = amount && *amount > 0 ? "+" : "";
    a += money_text(e, "amount_cny");
    t.add_row(
        {str_of(e, "at"), a, money_text(e, "balance_cny"), str_of(e, "actor"), str_of(e, "note")});
  }
  if (t.rows() > 0) out += "\n" + t.render();
  if (const std::string next = str_of(account, "next_page_token"); !next.empty()) {
    out += "more: --page-token " + next + "\n";
  }
  return out;
}

std::string render_credit_entry(const Json& entry) {
  auto amount = num_of(entry, "amount_cny");
  std::string out = amount && *amount > 0 ? "+" : "";
  out += money_text(entry, "amount_cny") + " CNY recorded for " + str_of(entry, "org_id") +
         "; balance " + money_text(entry, "balance_cny") + " CNY\n";
  return out;
}

Error error_from_answer(int status, std::string_view body) {
  Error e;
  e.code = errc_for_status(status);
  Json j = Json::parse(body, nullptr, false);
  const std::string detail = str_of(j, "detail");
  if (!detail.empty()) {
    e.message = detail;
    e.field = str_of(j, "field");
    if (const std::string id = str_of(j, "request_id"); !id.empty() && status >= 500) {
      e.message += " [request_id " + id + "]";
    }
    return e;
  }
  std::string snippet(body.substr(0, 200));
  for (char& c : snippet) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  e.message = "the server answered HTTP " + std::to_string(status) +
              (snippet.empty() ? std::string() : ": " + snippet);
  return e;
}

std::string error_line(const Error& e) {
  std::string out = "suanwang: " + e.message;
  if (!e.field.empty()) out += " (field: " + e.field + ")";
  return out + "\n";
}

}  // namespace suanwang::cli
