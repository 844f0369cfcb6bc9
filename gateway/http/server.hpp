// Server: HTTP/1.1 on Boost.Beast with C++20 coroutines. One coroutine per connection runs the
// loop of Beast's examples: set a deadline, read with header and body limits, handle, write,
// stop unless keep-alive. It adds a request id and one access-log line per request, and turns
// protocol errors (oversize, malformed, slow) into problem+json or a closed connection.
//
// Threading: connections run on strands of the io_context; the handler may be called from
// several threads at once. stop() is graceful: the acceptor closes, idle connections close,
// in-flight requests finish (their responses say Connection: close) within `shutdown_grace`,
// then whatever is left is closed.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <mutex>
#include <set>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "gateway/core/logging.hpp"
#include "gateway/core/random.hpp"
#include "gateway/core/result.hpp"
#include "gateway/http/message.hpp"
#include "gateway/metrics/registry.hpp"

namespace suanwang::http {

struct ServerLimits {
  std::size_t header_bytes = 16 * 1024;
  std::size_t body_bytes = 1024 * 1024;
  std::chrono::milliseconds read_timeout{15000};  // to read one whole request once it starts
  std::chrono::milliseconds idle_timeout{60000};  // between requests on a keep-alive connection
  std::chrono::milliseconds write_timeout{15000};
  std::chrono::milliseconds shutdown_grace{10000};
};

class Server {
 public:
  Server(boost::asio::io_context& io, Handler handler, Logger& log, Random& random,
         ServerLimits limits);
  ~Server();

  // Binds and listens; port 0 picks a free port. Returns the bound port.
  Result<uint16_t> listen(const std::string& address, uint16_t port);
  // Starts accepting (call after listen).
  void start();
  // Graceful stop; completes when every connection is closed (or the grace ran out).
  boost::asio::awaitable<void> stop();

  std::size_t open_connections() const;
  // Serve HTTPS only, with this context (http/tls.hpp); call before start().
  void use_tls(std::shared_ptr<boost::asio::ssl::context> context) { tls_ = std::move(context); }
  // Counts requests and times handlers by method, route and status (call before start()).
  void set_metrics(metrics::Registry& registry) { metrics_ = &registry; }
  // Routes whose request bodies stream (uploads): for a request's method and path, the largest
  // body the route takes, or nullopt to read the body whole (up to limits.body_bytes) before
  // the handler runs. Streamed routes get a RequestContext::body_reader. Call before start().
  using StreamingPolicy = std::function<std::optional<uint64_t>(Verb, std::string_view path)>;
  void set_streaming(StreamingPolicy policy) { streaming_ = std::move(policy); }

 private:
  struct Connection;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(std::shared_ptr<Connection> conn);
  // The request loop over a plain or TLS stream.
  template <class Stream>
  boost::asio::awaitable<void> serve_on(std::shared_ptr<Connection> conn, Stream& stream);
  boost::asio::awaitable<Response> dispatch(RequestContext& ctx);
  template <class Stream>
  boost::asio::awaitable<void> linger(Stream& stream);
  std::string request_id_for(const bhttp::request_header<>& req);
  void record_metrics(const RequestContext& ctx, unsigned status,
                      std::chrono::steady_clock::time_point started);

  boost::asio::io_context& io_;
  Handler handler_;
  Logger& log_;
  // Request ids: a bijective mix of a per-process random seed and a counter, so ids are unique
  // within the process, unlikely to repeat across restarts, and cost no CSPRNG call.
  uint64_t request_id_seed_;
  std::atomic<uint64_t> request_count_{0};
  ServerLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::set<std::shared_ptr<Connection>> connections_;  // REQUIRES: mu_ held
  std::shared_ptr<boost::asio::ssl::context> tls_;     // set: HTTPS only
  metrics::Registry* metrics_ = nullptr;               // optional
  StreamingPolicy streaming_;                          // optional
  // The request metrics' series by (route, method, status), so that a request does not build
  // label vectors and search the registry by name.
  struct SeriesKey {
    std::string route;
    int method = 0;
    unsigned status = 0;
  };
  struct SeriesProbe {
    std::string_view route;
    int method = 0;
    unsigned status = 0;
  };
  struct SeriesLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::tuple(std::string_view(a.route), a.method, a.status) <
             std::tuple(std::string_view(b.route), b.method, b.status);
    }
  };
  struct RouteSeries {
    metrics::Counter* requests = nullptr;
    metrics::Histogram* duration = nullptr;
  };
  std::mutex series_mu_;
  std::map<SeriesKey, RouteSeries, SeriesLess> series_;  // REQUIRES: series_mu_ held
};

}  // namespace suanwang::http
