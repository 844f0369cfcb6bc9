// Capacity-refresh benchmark (issue 4): one round of the gateway's capacity poll over 1,000
// sites, each a `peer` site behind its own HTTP server on loopback, through the real
// CapacityAggregator, SiteDirectory (strand hop, timeout) and peer adapter (HTTP client, strict
// parsing of a realistic answer). Target: a round completes in <= 1 s.
//
// The site servers are small Beast servers in this process on their own thread, one listening
// port per site, answering GET /api/v1/capacity with a fixed body shaped like a provincial
// gateway's. The baseline, in the same run: the same number of bare GETs of the same body
// through the same HttpClient, concurrently, with no adapter, directory or parsing — the
// transport cost any refresh pays. Rounds after the first reuse kept-alive connections.
// Usage: refresh_bench [--quick] [--sites N] [--rounds R]   (scripts/bench builds and runs it)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "adapters/common/http_client.hpp"
#include "adapters/registry.hpp"
#include "gateway/core/config.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/federation/capacity_aggregator.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/store/store.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;
using Steady = std::chrono::steady_clock;
using namespace suanwang;

// What a provincial gateway with four sites (CPU and GPU pools) answers.
std::string capacity_body() {
  nlohmann::json sites = nlohmann::json::array();
  for (int i = 0; i < 4; ++i) {
    nlohmann::json pool = {{"name", i % 2 ? "gpu" : "cpu"},
                           {"cpus", {{"total", 4096}, {"free", 1024 + i}}},
                           {"memory_gb", {{"total", 16384.0}, {"free", 4096.5}}},
                           {"accelerators", nlohmann::json::object()},
                           {"max_walltime_s", 172800}};
    if (i % 2) pool["accelerators"] = {{"A800", {{"total", 512}, {"free", 100}}}};
    sites.push_back({{"site", "site_p" + std::to_string(i)},
                     {"name", "Provincial site " + std::to_string(i)},
                     {"region", "hub-yangtze"},
                     {"status", "online"},
                     {"drained", false},
                     {"age_s", 1.5},
                     {"stale", false},
                     {"totals", {{"sites", 1}, {"running_jobs", 40}, {"queued_jobs", 12}}},
                     {"pools", nlohmann::json::array({pool})},
                     {"est_queue_wait_s", 300.0},
                     {"queued_work_core_s", 86400.0}});
  }
  return nlohmann::json{{"observed_at", "2026-11-21T06:00:00.000Z"}, {"sites", sites}}.dump();
}

asio::awaitable<void> serve_connection(tcp::socket socket, const std::string& body) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    auto [ec, n] =
        co_await bhttp::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = body;
    res.prepare_payload();
    auto [wec, w] = co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    if (wec || !res.keep_alive()) co_return;
  }
}

asio::awaitable<void> accept_loop(tcp::acceptor acceptor, const std::string& body) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), serve_connection(std::move(socket), body),
                   asio::detached);
  }
}

// The baseline: a bare GET to every server at once through the same client, no parsing.
asio::awaitable<void> bare_round(std::vector<std::unique_ptr<adapters::HttpClient>>& clients,
                                 int& ok) {
  int pending = static_cast<int>(clients.size());
  asio::steady_timer done(co_await asio::this_coro::executor, Steady::time_point::max());
  for (auto& c : clients) {
    adapters::HttpClient* client = c.get();
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [client, &ok, &pending, &done]() -> asio::awaitable<void> {
          adapters::HttpRequest req;
          req.target = "/api/v1/capacity";
          req.replayable = true;
          auto r = co_await client->request(std::move(req));
          if (r && r->status == 200 && !r->body.empty()) ++ok;
          if (--pending == 0) done.cancel();
        },
        asio::detached);
  }
  auto [ec] = co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;
}

struct Round {
  double seconds = 0;
  int ok = 0;
};

void print_rounds(const char* what, const std::vector<Round>& rounds, int sites) {
  std::printf("%-44s", what);
  for (const auto& r : rounds)
    std::printf(" %7.1f ms%s", r.seconds * 1e3, r.ok == sites ? "" : "!");
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  int sites = 1000;
  int rounds = 5;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0)
      rounds = 3;
    else if (std::strcmp(argv[i], "--sites") == 0 && i + 1 < argc)
      sites = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: refresh_bench [--quick] [--sites N] [--rounds R]\n");
      return 2;
    }
  }
  if (sites < 1 || rounds < 1) return 2;

  // The site servers: their own thread and io_context, one port per site.
  const std::string body = capacity_body();
  asio::io_context server_io;
  std::vector<uint16_t> ports;
  for (int i = 0; i < sites; ++i) {
    tcp::acceptor acceptor(server_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor.listen(4096);
    ports.push_back(acceptor.local_endpoint().port());
    asio::co_spawn(server_io, accept_loop(std::move(acceptor), body), asio::detached);
  }
  auto server_guard = asio::make_work_guard(server_io);
  std::thread server_thread([&] { server_io.run(); });

  // The gateway side: the real directory, aggregator and peer adapters on one I/O thread.
  testing::TempDir dir;
  std::ofstream log_file(dir.path() / "bench.log");
  Logger log(log_file, LogLevel::warn);
  SystemClock clock;
  Config config;
  config.adapter_timeout = std::chrono::milliseconds(10000);
  asio::io_context io;
  const auto registry = adapters::AdapterRegistry::builtin();
  auto store = store::Store::open(dir.path() / "bench.db");
  if (!store) {
    std::fprintf(stderr, "refresh_bench: cannot open the store: %s\n",
                 store.error().message.c_str());
    return 1;
  }
  federation::SiteDirectory directory(io, registry, clock, dir.path() / "sites",
                                      config.adapter_timeout, log);
  for (int i = 0; i < sites; ++i) {
    model::Site s;
    s.id = "site_bench" + std::to_string(i);
    s.org_id = "org_bench";
    s.name = "Province " + std::to_string(i);
    s.region = "hub-yangtze";
    s.adapter.type = "peer";
    s.adapter.endpoint = "http://127.0.0.1:" + std::to_string(ports[i]);
    s.adapter.credentials = {{"api_key", "sw_bench_key"}};
    if (auto r = directory.upsert(s); !r) {
      std::fprintf(stderr, "refresh_bench: site %d: %s\n", i, r.error().message.c_str());
      return 1;
    }
  }
  federation::CapacityAggregator aggregator(io, directory, **store, config, log);

  std::vector<std::unique_ptr<adapters::HttpClient>> clients;
  for (int i = 0; i < sites; ++i) {
    adapters::HttpUrl url{"127.0.0.1", std::to_string(ports[i]), ""};
    clients.push_back(std::make_unique<adapters::HttpClient>(io.get_executor(), url,
                                                             adapters::HttpClientOptions{}));
  }

  std::vector<Round> refresh, bare;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int r = 0; r < rounds; ++r) {
          const auto round_start = clock.now();
          auto t0 = Steady::now();
          co_await aggregator.poll_all();
          Round got{std::chrono::duration<double>(Steady::now() - t0).count(), 0};
          for (const auto& v : *directory.snapshot()) {
            got.ok += v.capacity && v.capacity->observed_at >= round_start &&
                      v.capacity->pools.size() == 4;
          }
          refresh.push_back(got);
          Round b;
          t0 = Steady::now();
          co_await bare_round(clients, b.ok);
          b.seconds = std::chrono::duration<double>(Steady::now() - t0).count();
          bare.push_back(b);
        }
      },
      asio::detached);
  io.run();
  server_guard.reset();
  server_io.stop();
  server_thread.join();

  std::printf(
      "capacity refresh over %d peer sites on loopback, %d rounds (first = new "
      "connections)\n",
      sites, rounds);
  print_rounds("  gateway refresh (aggregator + peer adapter)", refresh, sites);
  print_rounds("  baseline: bare concurrent GETs", bare, sites);
  double worst = 0, warm_refresh = 0, warm_bare = 0;
  bool all_ok = true;
  for (int r = 0; r < rounds; ++r) {
    worst = std::max(worst, refresh[r].seconds);
    all_ok = all_ok && refresh[r].ok == sites && bare[r].ok == sites;
    if (r > 0 || rounds == 1) {
      warm_refresh += refresh[r].seconds;
      warm_bare += bare[r].seconds;
    }
  }
  std::printf("  ratio to baseline (kept-alive rounds): %.2fx\n", warm_refresh / warm_bare);
  if (!all_ok) {
    std::printf("  FAILED: some sites did not report in a round (marked !)\n");
    return 1;
  }
  const bool met = worst <= 1.0;
  std::printf("  slowest round %.0f ms (target 1000 ms: %s)\n", worst * 1e3,
              met ? "met" : "MISSED");
  return met ? 0 : 1;
}
