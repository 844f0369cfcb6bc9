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
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/asio/write.hpp>

#include <limits>
#include <span>

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

std::string Server::request_id_for(const bhttp::request_header<>& req) {
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

asio::awaitable<Response> Server::dispatch(RequestContext& ctx) {
  const Request& req = ctx.request;
  const std::string& request_id = ctx.request_id;
  const auto started = std::chrono::steady_clock::now();
  std::optional<Response> res;
  try {
    res = co_await handler_(ctx);
  } catch (const std::exception& e) {
    // A handler that throws has a bug; the client gets a 500 and the log gets the reason.
    log_.error("handler threw", {{"request_id", request_id}, {"error", e.what()}});
  }
  if (!res) {
    res = coded_problem_response(Status::internal_server_error, "internal",
                                 {"http.handler_failed", {}}, request_lang(req), request_id,
                                 req.version());
  }
  ctx.response_status = res->result_int();
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

namespace {

// Errors that mean the client went away or went quiet: the connection just closes.
bool client_gone(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
         ec == beast::error::timeout || ec == asio::error::connection_reset ||
         ec == asio::error::eof || ec == bhttp::error::partial_message;
}

// The answer to a request that could not be read whole. `body_limit`: the limit of its route.
// Only a body too large comes with a header read whole, so only it is answered in the
// caller's language; the others in English.
Response read_problem(const beast::error_code& ec, const ServerLimits& limits,
                      const Request& header, uint64_t body_limit, const std::string& request_id) {
  if (ec == bhttp::error::body_limit) {
    return coded_problem_response(Status::payload_too_large, "payload_too_large",
                                  {"http.body_too_large", {{"bytes", std::to_string(body_limit)}}},
                                  request_lang(header), request_id);
  }
  if (ec == bhttp::error::header_limit) {
    return coded_problem_response(
        Status::request_header_fields_too_large, "header_too_large",
        {"http.header_too_large", {{"bytes", std::to_string(limits.header_bytes)}}},
        i18n::Lang::en, request_id);
  }
  return coded_problem_response(Status::bad_request, "bad_request",
                                {"http.malformed", {{"error", ec.message()}}}, i18n::Lang::en,
                                request_id);
}

using BodyParser = bhttp::request_parser<bhttp::buffer_body>;

// The connection buffer's room while a streamed body is read: Beast's largest read.
constexpr std::size_t kStreamReadBytes = 64 * 1024;

// Reads the rest of a body whole into `out`, refusing more than `limit` bytes.
template <class Stream>
asio::awaitable<beast::error_code> read_whole_body(Stream& stream, beast::flat_buffer& buffer,
                                                   BodyParser& parser, std::string& out,
                                                   std::size_t limit) {
  std::size_t used = 0;
  while (!parser.is_done()) {
    // One byte past the limit tells an overrun from a body of exactly `limit` bytes.
    const std::size_t room = std::min<std::size_t>(64 * 1024, limit + 1 - used);
    out.resize(used + room);
    parser.get().body().data = out.data() + used;
    parser.get().body().size = room;
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    used += room - parser.get().body().size;
    out.resize(used);
    if (ec && ec != bhttp::error::need_buffer) co_return ec;
    if (used > limit) co_return bhttp::error::body_limit;
  }
  co_return beast::error_code{};
}

// BodyReader over a connection's parser: each read waits at most `timeout` for bytes.
template <class Stream>
class StreamReader final : public BodyReader {
 public:
  StreamReader(Stream& stream, beast::flat_buffer& buffer, BodyParser& parser, uint64_t limit,
               std::chrono::milliseconds timeout, bool expect_continue, unsigned version)
      : stream_(stream),
        buffer_(buffer),
        parser_(parser),
        limit_(limit),
        timeout_(timeout),
        expect_continue_(expect_continue),
        version_(version) {}

  asio::awaitable<Result<std::size_t>> read(std::span<char> buf) override {
    if (broken_) co_return fail(Error::unavailable("the request body was cut short"));
    if (parser_.is_done() || buf.empty()) co_return std::size_t{0};
    auto& tcp_layer = beast::get_lowest_layer(stream_);
    if (expect_continue_) {
      // The client waits for this before it sends a large body (curl does, over 1 MB).
      expect_continue_ = false;
      static constexpr std::string_view k11 = "HTTP/1.1 100 Continue\r\n\r\n";
      tcp_layer.expires_after(timeout_);
      auto [wec, wn] = co_await asio::async_write(stream_, asio::buffer(k11.data(), k11.size()),
                                                  kTuple);
      if (wec) {
        broken_ = true;
        co_return fail(Error::unavailable("the client went away: " + wec.message()));
      }
      (void)version_;
    }
    // One byte past the limit tells an overrun from a body of exactly `limit` bytes.
    const uint64_t room = std::min<uint64_t>(buf.size(), limit_ + 1 - std::min(limit_, consumed_));
    parser_.get().body().data = buf.data();
    parser_.get().body().size = static_cast<std::size_t>(room);
    tcp_layer.expires_after(timeout_);
    auto [ec, n] = co_await bhttp::async_read_some(stream_, buffer_, parser_, kTuple);
    // async_read_some can return with nothing delivered yet (only framing parsed): go on
    // until some body bytes or the end arrive.
    while (!ec && parser_.get().body().size == room && !parser_.is_done()) {
      tcp_layer.expires_after(timeout_);
      std::tie(ec, n) = co_await bhttp::async_read_some(stream_, buffer_, parser_, kTuple);
    }
    const std::size_t got = static_cast<std::size_t>(room - parser_.get().body().size);
    consumed_ += got;
    if (ec && ec != bhttp::error::need_buffer) {
      broken_ = true;
      co_return fail(Error::coded(
          Errc::unavailable, "",
          {"http.body_cut_short",
           {{"bytes", std::to_string(consumed_)}, {"error", ec.message()}}}));
    }
    if (consumed_ > limit_) {
      broken_ = true;
      co_return fail(Error::coded(Errc::payload_too_large, "",
                                  {"http.body_too_large", {{"bytes", std::to_string(limit_)}}}));
    }
    co_return got;
  }

  std::optional<uint64_t> declared_length() const override {
    auto len = parser_.content_length();
    if (!len) return std::nullopt;
    return static_cast<uint64_t>(*len);
  }
  uint64_t consumed() const override { return consumed_; }
  bool finished() const override { return !broken_ && parser_.is_done(); }
  bool broken() const { return broken_; }

 private:
  Stream& stream_;
  beast::flat_buffer& buffer_;
  BodyParser& parser_;
  uint64_t limit_;
  std::chrono::milliseconds timeout_;
  bool expect_continue_;
  unsigned version_;
  uint64_t consumed_ = 0;
  bool broken_ = false;
};

// Writes a response whose body comes from a StreamedBody, in pieces.
template <class Stream>
asio::awaitable<std::pair<beast::error_code, uint64_t>> write_streamed(
    Stream& stream, Response& head, StreamedBody& body, std::chrono::milliseconds timeout) {
  bhttp::response<bhttp::buffer_body> out{std::move(head.base())};
  out.content_length(body.length);
  out.body().data = nullptr;
  out.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> sr{out};
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream, sr, kTuple);
  if (ec) co_return std::pair{ec, uint64_t{0}};
  std::vector<char> chunk(256 * 1024);
  uint64_t sent = 0;
  while (sent < body.length) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<uint64_t>(chunk.size(), body.length - sent));
    auto got = body.read(std::span<char>(chunk.data(), want));
    if (!got || *got == 0) {
      // The source failed: the client must not take a short body for a whole one.
      co_return std::pair{beast::error_code(asio::error::broken_pipe), sent};
    }
    out.body().data = chunk.data();
    out.body().size = *got;
    out.body().more = true;
    tcp_layer.expires_after(timeout);
    std::tie(ec, n) = co_await bhttp::async_write(stream, sr, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return std::pair{ec, sent};
    sent += *got;
  }
  out.body().data = nullptr;
  out.body().size = 0;
  out.body().more = false;
  std::tie(ec, n) = co_await bhttp::async_write(stream, sr, kTuple);
  co_return std::pair{ec, sent};
}

}  // namespace

template <class Stream>
asio::awaitable<void> Server::serve_on(std::shared_ptr<Connection> conn, Stream& stream) {
  beast::flat_buffer buffer;
  auto& tcp_layer = beast::get_lowest_layer(stream);  // deadlines and shutdown
  bool first = true;
  for (;;) {
    if (stopping_) break;
    BodyParser parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // enforced below, per route
    // One deadline covers the whole request: a slow-loris client cannot keep it open by
    // trickling bytes. The idle allowance between keep-alive requests is longer. Streamed
    // bodies instead get the read timeout per piece.
    tcp_layer.expires_after(first ? limits_.read_timeout : limits_.idle_timeout);
    conn->idle = true;
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    conn->idle = false;
    first = false;
    const auto started = std::chrono::steady_clock::now();
    if (client_gone(ec)) break;

    Request req;
    std::optional<uint64_t> stream_limit;
    if (!ec) {
      req = Request(parser.get().base());
      const std::string_view target = req.target();
      if (streaming_) stream_limit = streaming_(req.method(), target.substr(0, target.find('?')));
      const auto declared = parser.content_length();
      if (declared && *declared > (stream_limit ? *stream_limit : limits_.body_bytes)) {
        ec = bhttp::error::body_limit;
      } else if (!stream_limit) {
        ec = co_await read_whole_body(stream, buffer, parser, req.body(), limits_.body_bytes);
        if (client_gone(ec)) break;
      }
    }
    if (ec) {
      // The request could not be read whole: answer once, then close the connection.
      const std::string rid = request_id_for(parser.get().base());
      Response res = read_problem(ec, limits_, req, stream_limit.value_or(limits_.body_bytes), rid);
      res.keep_alive(false);
      tcp_layer.expires_after(limits_.write_timeout);
      co_await bhttp::async_write(stream, res, kTuple);
      LogLine(log_, LogLevel::info, "access", LogChannel::routine)
          .add("request_id", rid)
          .add("remote", conn->remote)
          .add("status", static_cast<int>(res.result_int()))
          .add("error", ec.message())
          .write();
      co_await linger(stream);
      break;
    }

    const std::string rid = request_id_for(req);
    std::optional<StreamReader<Stream>> reader;
    if (stream_limit) {
      // Beast reads at most what the buffer has room for (64 KiB at most): left at the size the
      // header needed (512 bytes), every read of a large body is a 512-byte recv, and an upload
      // crawls at a tenth of the disk's speed. Given back after the request (see below).
      buffer.reserve(kStreamReadBytes);
      reader.emplace(stream, buffer, parser, *stream_limit, limits_.read_timeout,
                     beast::iequals(req[bhttp::field::expect], "100-continue"), req.version());
    }
    const std::string_view target = req.target();
    const auto q = target.find('?');
    RequestContext ctx{req,
                       rid,
                       conn->remote,
                       target.substr(0, q),
                       q == std::string_view::npos ? std::string_view{} : target.substr(q + 1),
                       {}};
    if (reader) ctx.body_reader = &*reader;
    Response res = co_await dispatch(ctx);
    res.set("X-Request-Id", rid);
    res.set(bhttp::field::server, "suanwang");
    // A streamed body the handler left unread (or could not read) ends the connection.
    const bool body_left = reader && !reader->finished();
    res.keep_alive(req.keep_alive() && !stopping_ && !body_left);
    const bool keep = res.keep_alive();
    if (req.method() == Verb::head && !res.body().empty()) {
      // A HEAD answer carries the GET answer's header, length included, and no body.
      res.content_length(res.body().size());
      res.body().clear();
    }
    beast::error_code wec;
    uint64_t wn = 0;
    if (ctx.reply_body && req.method() != Verb::head && res.result() != Status::not_modified) {
      std::tie(wec, wn) = co_await write_streamed(stream, res, *ctx.reply_body,
                                                  limits_.write_timeout);
    } else {
      tcp_layer.expires_after(limits_.write_timeout);
      std::size_t written = 0;
      std::tie(wec, written) = co_await bhttp::async_write(stream, res, kTuple);
      wn = written;
    }
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    LogLine(log_, LogLevel::info, "access", LogChannel::routine)
        .add("request_id", rid)
        .add("remote", conn->remote)
        .add("method", std::string_view(req.method_string()))
        .add("path", std::string_view(req.target()).substr(0, 512))
        .add("status", ctx.response_status)
        .add("bytes", wn)
        .add("duration_ms", static_cast<double>(us) / 1000.0)
        .write();
    if (body_left && !wec && !reader->broken()) co_await linger(stream);
    if (wec || !keep) break;
    // An idle keep-alive connection holds no large buffer.
    if (stream_limit) buffer.shrink_to_fit();
  }
}

template <class Stream>
asio::awaitable<void> Server::linger(Stream& stream) {
  // Lingering close: read and drop what the client is still sending (bounded), so our answer
  // is not lost to a TCP reset.
  auto& tcp_layer = beast::get_lowest_layer(stream);
  beast::error_code ignored;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ignored);
  tcp_layer.expires_after(std::chrono::seconds(1));
  std::array<char, 16384> sink;
  for (std::size_t drained = 0; drained < 8 * limits_.body_bytes;) {
    auto [rec, rn] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (rec) break;
    drained += rn;
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
