// The Beast coroutine server (see server.hpp).
#include "gateway/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "gateway/http/problem.hpp"

namespace suanwang::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Server::Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> idle{true};  // waiting for a request's first byte
  std::string remote;
};

Server::Server(asio::io_context& io, Handler handler, Logger& log, Random& random,
               ServerLimits limits)
    : io_(io),
      handler_(std::move(handler)),
      log_(log),
      request_id_seed_([&random] {
        uint64_t seed = 0;
        random.fill(&seed, sizeof seed);
        return seed;
      }()),
      limits_(limits),
      acceptor_(asio::make_strand(io)) {}

Server::~Server() = default;

Result<uint16_t> Server::listen(const std::string& address, uint16_t port) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec) return fail(Error::invalid("listen", "'" + address + "' is not an IP address"));
  tcp::endpoint ep(addr, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(Error::unavailable("cannot listen on " + address + ":" + std::to_string(port) +
                                   ": " + ec.message()));
  }
  return acceptor_.local_endpoint().port();
}

void Server::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

std::size_t Server::open_connections() const {
  std::lock_guard lock(mu_);
  return connections_.size();
}

asio::awaitable<void> Server::accept_loop() {
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kTuple);
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      // Out of file descriptors and similar: back off briefly rather than spin.
      log_.warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer t(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(socket));
    conn->remote = conn->stream.socket().remote_endpoint(ec).address().to_string();
    {
      std::lock_guard lock(mu_);
      connections_.insert(conn);
    }
    asio::co_spawn(conn->stream.get_executor(), serve(conn), asio::detached);
  }
}

std::string Server::request_id_for(const Request& req) {
  // Accept a caller's id if it is short and plain, so ids can be followed across services.
  auto it = req.find("X-Request-Id");
  if (it != req.end()) {
    const auto v = it->value();
    bool ok = !v.empty() && v.size() <= 64;
    for (char c : v)
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (ok) return std::string(v);
  }
  // splitmix64's finaliser: a bijection, so distinct counts give distinct ids.
  uint64_t x = request_id_seed_ ^ request_count_.fetch_add(1, std::memory_order_relaxed);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "req_";
  id.resize(4 + 16);
  for (int i = 15; i >= 0; --i, x >>= 4) id[4 + static_cast<std::size_t>(i)] = kHex[x & 15];
  return id;
}

asio::awaitable<Response> Server::dispatch(Request& req, const std::string& request_id,
                                           const std::string& remote) {
  const std::string_view target = req.target();
  const auto q = target.find('?');
  RequestContext ctx{req,
                     request_id,
                     remote,
                     target.substr(0, q),
                     q == std::string_view::npos ? std::string_view{} : target.substr(q + 1),
                     {}};
  const auto started = std::chrono::steady_clock::now();
  std::optional<Response> res;
  try {
    res = co_await handler_(ctx);
  } catch (const std::exception& e) {
    // A handler that throws has a bug; the client gets a 500 and the log gets the reason.
    log_.error("handler threw", {{"request_id", request_id}, {"error", e.what()}});
  }
  if (!res) {
    res = problem_response({Status::internal_server_error, "internal", "Internal error",
                            "the server failed to handle this request; quote the request_id "
                            "when reporting it"},
                           request_id, req.version());
  }
  if (metrics_ != nullptr) record_metrics(ctx, res->result_int(), started);
  co_return std::move(*res);
}

void Server::record_metrics(const RequestContext& ctx, unsigned status,
                            std::chrono::steady_clock::time_point started) {
  const std::string_view route = ctx.route.empty() ? std::string_view("unmatched") : ctx.route;
  const int method = static_cast<int>(ctx.request.method());
  RouteSeries series;
  {
    std::lock_guard lock(series_mu_);
    auto it = series_.find(SeriesProbe{route, method, status});
    if (it == series_.end()) {
      // Unknown verbs are one label value, so clients cannot mint series.
      const std::string method_label = ctx.request.method() == Verb::unknown
                                           ? std::string("other")
                                           : std::string(ctx.request.method_string());
      const std::string route_label(route);
      RouteSeries made{
          &metrics_->counter("suanwang_http_requests_total",
                             "HTTP requests answered, by route and status.",
                             {"method", "route", "status"},
                             {method_label, route_label, std::to_string(status)}),
          &metrics_->histogram("suanwang_http_request_duration_seconds",
                               "Time from a request read to its response built, by route.",
                               {"method", "route"}, {method_label, route_label})};
      it = series_.emplace(SeriesKey{route_label, method, status}, made).first;
    }
    series = it->second;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  series.requests->inc();
  series.duration->observe(seconds);
}

asio::awaitable<void> Server::serve(std::shared_ptr<Connection> conn) {
  if (tls_) {
    // HTTPS only: a client that does not complete a TLS handshake (plain HTTP, TLS < 1.2, no
    // shared cipher) is closed without an answer, within the read timeout.
    asio::ssl::stream<beast::tcp_stream&> tls(conn->stream, *tls_);
    conn->stream.expires_after(limits_.read_timeout);
    auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (hec) {
      log_.debug("TLS handshake failed", {{"remote", conn->remote}, {"error", hec.message()}});
    } else {
      co_await serve_on(conn, tls);
      conn->stream.expires_after(std::chrono::seconds(1));
      co_await tls.async_shutdown(kTuple);
    }
  } else {
    co_await serve_on(conn, conn->stream);
  }
  beast::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  conn->stream.socket().close(ignored);
  std::lock_guard lock(mu_);
  connections_.erase(conn);
}

template <class Stream>
asio::awaitable<void> Server::serve_on(std::shared_ptr<Connection> conn, Stream& stream) {
  beast::flat_buffer buffer;
  auto& tcp_layer = beast::get_lowest_layer(stream);  // deadlines and shutdown
  bool first = true;
  for (;;) {
    if (stopping_) break;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
    parser.body_limit(limits_.body_bytes);
    // One deadline covers the whole request: a slow-loris client cannot keep it open by
    // trickling bytes. The idle allowance between keep-alive requests is longer.
    tcp_layer.expires_after(first ? limits_.read_timeout : limits_.idle_timeout);
    conn->idle = true;
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    conn->idle = false;
    first = false;
    const auto started = std::chrono::steady_clock::now();
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      break;
    }
    if (ec) {
      // The request could not be read whole: answer once, then close the connection.
      Problem p;
      if (ec == bhttp::error::body_limit) {
        p = {Status::payload_too_large, "payload_too_large", "Payload too large",
             "the request body exceeds " + std::to_string(limits_.body_bytes) + " bytes"};
      } else if (ec == bhttp::error::header_limit) {
        p = {Status::request_header_fields_too_large, "header_too_large",
             "Request header fields too large",
             "the request header exceeds " + std::to_string(limits_.header_bytes) + " bytes"};
      } else {
        p = {Status::bad_request, "bad_request", "Bad request",
             "malformed HTTP request: " + ec.message()};
      }
      const std::string rid = request_id_for(parser.get());
      Response res = problem_response(p, rid);
      res.keep_alive(false);
      tcp_layer.expires_after(limits_.write_timeout);
      co_await bhttp::async_write(stream, res, kTuple);
      LogLine(log_, LogLevel::info, "access", LogChannel::routine)
          .add("request_id", rid)
          .add("remote", conn->remote)
          .add("status", static_cast<int>(p.status))
          .add("error", ec.message())
          .write();
      // Lingering close: read and drop what the client is still sending (bounded), so our
      // answer is not lost to a TCP reset.
      beast::error_code ignored;
      tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ignored);
      tcp_layer.expires_after(std::chrono::seconds(1));
      std::array<char, 16384> sink;
      for (std::size_t drained = 0; drained < 8 * limits_.body_bytes;) {
        auto [rec, rn] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
        if (rec) break;
        drained += rn;
      }
      break;
    }

    Request req = parser.release();
    const std::string rid = request_id_for(req);
    Response res = co_await dispatch(req, rid, conn->remote);
    res.set("X-Request-Id", rid);
    res.set(bhttp::field::server, "suanwang");
    res.keep_alive(req.keep_alive() && !stopping_);
    const bool keep = res.keep_alive();
    tcp_layer.expires_after(limits_.write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    LogLine(log_, LogLevel::info, "access", LogChannel::routine)
        .add("request_id", rid)
        .add("remote", conn->remote)
        .add("method", std::string_view(req.method_string()))
        .add("path", std::string_view(req.target()).substr(0, 512))
        .add("status", res.result_int())
        .add("bytes", wn)
        .add("duration_ms", static_cast<double>(us) / 1000.0)
        .write();
    if (wec || !keep) break;
  }
}

asio::awaitable<void> Server::stop() {
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  // Close idle connections now; busy ones finish their request and close themselves.
  auto close_where = [this](bool only_idle) {
    std::lock_guard lock(mu_);
    for (const auto& c : connections_) {
      if (only_idle && !c->idle) continue;
      // Re-checked on the connection's strand: it may have started a request meanwhile.
      asio::post(c->stream.get_executor(), [c, only_idle] {
        if (only_idle && !c->idle) return;
        beast::error_code ignored;
        c->stream.socket().cancel(ignored);
        c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    }
  };
  close_where(true);
  asio::steady_timer timer(io_);
  const auto deadline = std::chrono::steady_clock::now() + limits_.shutdown_grace;
  while (open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    // Connections that went idle since the last look close too.
    close_where(true);
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kTuple);
  }
  if (open_connections() > 0) {
    log_.warn("shutdown grace expired; closing busy connections",
              {{"connections", open_connections()}});
    close_where(false);
  }
}

}  // namespace suanwang::http
