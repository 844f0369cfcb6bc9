// Config loading and validation (see config.hpp).
#include "gateway/core/config.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace suanwang {

Result<void> parse_listen(Config& c, std::string_view v) {
  const auto colon = v.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(Error::invalid("listen", "--listen must be ADDR:PORT, e.g. 127.0.0.1:8080"));
  }
  std::string_view host = v.substr(0, colon);
  std::string_view port = v.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p > 65535) {
    return fail(Error::invalid("listen", "listen port '" + std::string(port) + "' is not 0-65535"));
  }
  c.listen_address = host.empty() ? "0.0.0.0" : std::string(host);
  c.listen_port = static_cast<uint16_t>(p);
  return ok();
}

Result<void> apply_config_json(Config& c, const Json& j) {
  JsonReader r(j, "");
  if (auto v = r.expect_object(); !v) return v;
  if (auto v = r.reject_unknown({"listen",
                                 "data_dir",
                                 "web_dir",
                                 "demo",
                                 "demo_load",
                                 "demo_load_seed",
                                 "demo_load_jobs_per_minute",
                                 "demo_load_max_in_flight",
                                 "demo_load_keep_jobs",
                                 "demo_load_time_scale",
                                 "io_threads",
                                 "log_level",
                                 "log_format",
                                 "log_file",
                                 "log_file_max_bytes",
                                 "log_file_keep",
                                 "max_header_bytes",
                                 "max_body_bytes",
                                 "max_json_depth",
                                 "read_timeout_ms",
                                 "idle_timeout_ms",
                                 "write_timeout_ms",
                                 "shutdown_grace_ms",
                                 "capacity_interval_ms",
                                 "reconcile_interval_ms",
                                 "adapter_timeout_ms",
                                 "capacity_stale_after_ms",
                                 "capacity_history_samples",
                                 "hold_ttl_ms",
                                 "learn_queue_waits",
                                 "max_placement_attempts",
                                 "failures_until_degraded",
                                 "failures_until_offline",
                                 "master_key_file",
                                 "previous_master_key_file",
                                 "storage_quota_bytes",
                                 "max_upload_bytes",
                                 "upload_ttl_ms",
                                 "transfer_timeout_ms",
                                 "tls_cert_file",
                                 "tls_key_file",
                                 "session_ttl_ms",
                                 "rate_limit_key_per_s",
                                 "rate_limit_key_burst",
                                 "rate_limit_address_per_s",
                                 "rate_limit_address_burst",
                                 "login_failures_burst",
                                 "login_failure_refill_ms"});
      !v) {
    return v;
  }
  if (auto l = r.opt_string("listen", 300); !l) {
    return fail(l.error());
  } else if (*l) {
    if (auto p = parse_listen(c, **l); !p) return p;
  }
  if (auto d = r.opt_string("data_dir", 4096); !d)
    return fail(d.error());
  else if (*d)
    c.data_dir = **d;
  if (auto d = r.opt_string("web_dir", 4096); !d)
    return fail(d.error());
  else if (*d)
    c.web_dir = **d;
  if (auto d = r.opt_bool("demo"); !d)
    return fail(d.error());
  else if (*d)
    c.demo = **d;
  if (auto d = r.opt_bool("demo_load"); !d)
    return fail(d.error());
  else if (*d)
    c.demo_load = **d;
  if (auto d = r.opt_bool("learn_queue_waits"); !d)
    return fail(d.error());
  else if (*d)
    c.learn_queue_waits = **d;
  if (auto d = r.opt_string("log_level", 16); !d) {
    return fail(d.error());
  } else if (*d) {
    if (**d != "debug" && **d != "info" && **d != "warn" && **d != "error") {
      return fail(Error::invalid("log_level", "log_level must be debug, info, warn or error"));
    }
    c.log_level = **d;
  }
  if (auto d = r.opt_string("log_format", 16); !d) {
    return fail(d.error());
  } else if (*d) {
    if (**d != "text" && **d != "json") {
      return fail(Error::invalid("log_format", "log_format must be text or json"));
    }
    c.log_format = **d;
  }
  if (auto d = r.opt_string("log_file", 4096); !d)
    return fail(d.error());
  else if (*d)
    c.log_file = **d;
  auto int_field = [&](std::string_view key, auto& dest, int64_t lo, int64_t hi) -> Result<void> {
    auto v = r.opt_int(key, lo, hi);
    if (!v) return fail(v.error());
    if (*v) dest = static_cast<std::remove_reference_t<decltype(dest)>>(**v);
    return ok();
  };
  auto ms_field = [&](std::string_view key, std::chrono::milliseconds& dest, int64_t lo,
                      int64_t hi) -> Result<void> {
    auto v = r.opt_int(key, lo, hi);
    if (!v) return fail(v.error());
    if (*v) dest = std::chrono::milliseconds(**v);
    return ok();
  };
  for (auto res : {int_field("io_threads", c.io_threads, 1, 256),
                   int_field("max_header_bytes", c.max_header_bytes, 1024, 1 << 20),
                   int_field("max_body_bytes", c.max_body_bytes, 1024, 1 << 30),
                   int_field("max_json_depth", c.max_json_depth, 4, 512),
                   ms_field("read_timeout_ms", c.read_timeout, 10, 3'600'000),
                   ms_field("idle_timeout_ms", c.idle_timeout, 10, 3'600'000),
                   ms_field("write_timeout_ms", c.write_timeout, 10, 3'600'000),
                   ms_field("shutdown_grace_ms", c.shutdown_grace, 0, 600'000),
                   ms_field("capacity_interval_ms", c.capacity_interval, 10, 3'600'000),
                   ms_field("reconcile_interval_ms", c.reconcile_interval, 10, 3'600'000),
                   ms_field("adapter_timeout_ms", c.adapter_timeout, 10, 600'000),
                   ms_field("capacity_stale_after_ms", c.capacity_stale_after, 100, 86'400'000),
                   int_field("capacity_history_samples", c.capacity_history_samples, 1, 1'000'000),
                   ms_field("hold_ttl_ms", c.hold_ttl, 100, 86'400'000),
                   int_field("max_placement_attempts", c.max_placement_attempts, 1, 100),
                   int_field("failures_until_degraded", c.failures_until_degraded, 1, 1000),
                   int_field("failures_until_offline", c.failures_until_offline, 1, 1000),
                   int_field("storage_quota_bytes", c.storage_quota_bytes, 0, int64_t{1} << 60),
                   int_field("max_upload_bytes", c.max_upload_bytes, 1, int64_t{1} << 50),
                   ms_field("upload_ttl_ms", c.upload_ttl, 1000, int64_t{365} * 86'400'000),
                   ms_field("transfer_timeout_ms", c.transfer_timeout, 1000, 7 * 86'400'000LL),
                   int_field("log_file_max_bytes", c.log_file_max_bytes, 4096, 1LL << 40),
                   int_field("log_file_keep", c.log_file_keep, 0, 1000),
                   int_field("demo_load_seed", c.demo_load_seed, 0, int64_t{1} << 53),
                   int_field("demo_load_jobs_per_minute", c.demo_load_jobs_per_minute, 1, 600),
                   int_field("demo_load_max_in_flight", c.demo_load_max_in_flight, 1, 1000),
                   int_field("demo_load_keep_jobs", c.demo_load_keep_jobs, 0, 1'000'000),
                   int_field("demo_load_time_scale", c.demo_load_time_scale, 1, 1'000'000)}) {
    if (!res) return res;
  }
  for (auto [key, dest] :
       {std::pair{"master_key_file", &c.master_key_file},
        std::pair{"previous_master_key_file", &c.previous_master_key_file},
        std::pair{"tls_cert_file", &c.tls_cert_file}, std::pair{"tls_key_file", &c.tls_key_file}}) {
    auto v = r.opt_string(key, 4096);
    if (!v) return fail(v.error());
    if (*v) *dest = **v;
  }
  for (auto res : {ms_field("session_ttl_ms", c.session_ttl, 60'000, 30LL * 86'400'000),
                   int_field("rate_limit_key_per_s", c.rate_limit_key_per_s, 0, 1'000'000),
                   int_field("rate_limit_key_burst", c.rate_limit_key_burst, 1, 10'000'000),
                   int_field("rate_limit_address_per_s", c.rate_limit_address_per_s, 0, 1'000'000),
                   int_field("rate_limit_address_burst", c.rate_limit_address_burst, 1, 10'000'000),
                   int_field("login_failures_burst", c.login_failures_burst, 1, 1000),
                   ms_field("login_failure_refill_ms", c.login_failure_refill, 10, 86'400'000)}) {
    if (!res) return res;
  }
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    return fail(Error::invalid(c.tls_cert_file.empty() ? "tls_cert_file" : "tls_key_file",
                               "tls_cert_file and tls_key_file go together"));
  }
  if (c.failures_until_offline < c.failures_until_degraded) {
    return fail(Error::invalid("failures_until_offline",
                               "failures_until_offline must be >= failures_until_degraded"));
  }
  return ok();
}

Result<void> load_config_file(Config& c, const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return fail(Error::invalid("config", "cannot read config file " + path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = parse_json(ss.str(), 16);
  if (!j) {
    return fail(Error::invalid("config", path.string() + ": " + j.error().message));
  }
  if (auto r = apply_config_json(c, *j); !r) {
    return fail(Error::invalid(r.error().field, path.string() + ": " + r.error().message));
  }
  return ok();
}

Json config_to_json(const Config& c) {
  return {{"listen", c.listen_address + ":" + std::to_string(c.listen_port)},
          {"data_dir", c.data_dir.string()},
          {"web_dir", c.web_dir.string()},
          {"demo", c.demo},
          {"demo_load", c.demo_load},
          {"demo_load_seed", c.demo_load_seed},
          {"demo_load_jobs_per_minute", c.demo_load_jobs_per_minute},
          {"demo_load_max_in_flight", c.demo_load_max_in_flight},
          {"demo_load_keep_jobs", c.demo_load_keep_jobs},
          {"demo_load_time_scale", c.demo_load_time_scale},
          {"io_threads", c.io_threads},
          {"log_level", c.log_level},
          {"log_format", c.log_format},
          {"log_file", c.log_file.string()},
          {"log_file_max_bytes", c.log_file_max_bytes},
          {"log_file_keep", c.log_file_keep},
          {"max_header_bytes", c.max_header_bytes},
          {"max_body_bytes", c.max_body_bytes},
          {"max_json_depth", c.max_json_depth},
          {"read_timeout_ms", c.read_timeout.count()},
          {"idle_timeout_ms", c.idle_timeout.count()},
          {"write_timeout_ms", c.write_timeout.count()},
          {"shutdown_grace_ms", c.shutdown_grace.count()},
          {"capacity_interval_ms", c.capacity_interval.count()},
          {"reconcile_interval_ms", c.reconcile_interval.count()},
          {"adapter_timeout_ms", c.adapter_timeout.count()},
          {"capacity_stale_after_ms", c.capacity_stale_after.count()},
          {"capacity_history_samples", c.capacity_history_samples},
          {"hold_ttl_ms", c.hold_ttl.count()},
          {"learn_queue_waits", c.learn_queue_waits},
          {"max_placement_attempts", c.max_placement_attempts},
          {"failures_until_degraded", c.failures_until_degraded},
          {"failures_until_offline", c.failures_until_offline},
          {"storage_quota_bytes", c.storage_quota_bytes},
          {"max_upload_bytes", c.max_upload_bytes},
          {"upload_ttl_ms", c.upload_ttl.count()},
          {"transfer_timeout_ms", c.transfer_timeout.count()},
          {"master_key_file", c.master_key_file.string()},
          {"previous_master_key_file", c.previous_master_key_file.string()},
          {"tls_cert_file", c.tls_cert_file.string()},
          {"tls_key_file", c.tls_key_file.string()},
          {"session_ttl_ms", c.session_ttl.count()},
          {"rate_limit_key_per_s", c.rate_limit_key_per_s},
          {"rate_limit_key_burst", c.rate_limit_key_burst},
          {"rate_limit_address_per_s", c.rate_limit_address_per_s},
          {"rate_limit_address_burst", c.rate_limit_address_burst},
          {"login_failures_burst", c.login_failures_burst},
          {"login_failure_refill_ms", c.login_failure_refill.count()}};
}

}  // namespace suanwang
