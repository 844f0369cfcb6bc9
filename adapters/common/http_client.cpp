// The async HTTP/1.1 client shared by REST-speaking adapters (see http_client.hpp).
#include "adapters/common/http_client.hpp"

#include "adapters/common/options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "common/sha256.hpp"

namespace suanwang::adapters {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// How long a pooled connection counts as certainly still open, for requests not replayed.
constexpr auto kFreshIdle = std::chrono::seconds(1);

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "<what> <why>", coded as adapter.url.<code> ("{path} <why>") with `params`.
std::unexpected<AdapterError> url_error(std::string_view what, std::string_view why,
                                        std::string_view code, TextParams params = {}) {
  return option_error(what, why, "adapter.url." + std::string(code), std::move(params));
}

// How long is left until `deadline`, never negative.
std::chrono::milliseconds remaining(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

}  // namespace

AdapterResult<HttpUrl> parse_http_url(std::string_view url, std::string_view what) {
  constexpr size_t kMaxUrl = 2048;
  if (url.empty()) return url_error(what, "is required (e.g. http://127.0.0.1:6820)", "required");
  if (url.size() > kMaxUrl) {
    return url_error(what, "is longer than 2048 characters", "too_long", {{"max", "2048"}});
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return url_error(what, "must not contain spaces or control characters", "spaces");
    }
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return url_error(what, "must start with http:// or https:// (got '" + std::string(url) + "')",
                     "scheme_got", {{"value", std::string(url)}});
  }
  const std::string scheme = lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return url_error(what, "must start with http:// or https://", "scheme");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return url_error(what, "must not carry credentials (user@host); put them in credentials",
                     "credentials");
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    return url_error(what, "must not have a query or fragment", "query");
  }
  HttpUrl out;
  out.tls = scheme == "https";
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return url_error(what, "has an unclosed '[' in its host", "bracket");
    }
    out.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return url_error(what, "has junk after ']'", "after_bracket");
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return url_error(what, "has no host", "no_host");
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else {
    int n = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || end != port.data() + port.size() || n < 1 || n > 65535) {
      return url_error(what, "has an invalid port '" + std::string(port) + "'", "port",
                       {{"port", std::string(port)}});
    }
    out.port = std::to_string(n);
  }
  std::string base(path);
  while (!base.empty() && base.back() == '/') base.pop_back();
  out.base_path = std::move(base);
  return out;
}

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// A response body written to a file and hashed on the way (Beast's Body concept, parsing side),
// so that a download is checked without reading the file a second time.
struct HashingFileBody {
  struct value_type {
    beast::file file;
    common::Sha256 hash;
    uint64_t size = 0;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, beast::error_code& ec) { ec = {}; }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      std::size_t taken = 0;
      for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
           ++it) {
        const asio::const_buffer b = *it;
        const char* data = static_cast<const char*>(b.data());
        for (std::size_t done = 0; done < b.size();) {
          const std::size_t n = body_.file.write(data + done, b.size() - done, ec);
          if (ec) return taken + done;
          if (n == 0) {
            ec = beast::errc::make_error_code(beast::errc::io_error);
            return taken + done;
          }
          done += n;
        }
        body_.hash.update(data, b.size());
        body_.size += b.size();
        taken += b.size();
      }
      ec = {};
      return taken;
    }

    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

// The client side of TLS: peer verification on, TLS 1.2 at least, no compression or
// renegotiation; the site's CA file or the system's CAs.
AdapterResult<std::shared_ptr<asio::ssl::context>> make_client_context(const std::string& ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  ctx->set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
  } else {
    ctx->load_verify_file(ca_file, ec);
  }
  if (ec) {
    if (ca_file.empty()) {
      return adapter_fail_coded(AdapterErrc::invalid_config, "",
                                "the system's CA certificates could not be loaded: " + ec.message(),
                                "adapter.tls.system_ca", {{"error", ec.message()}});
    }
    return adapter_fail_coded(AdapterErrc::invalid_config, "options.ca_file",
                              "ca_file " + ca_file + " could not be loaded: " + ec.message(),
                              "adapter.tls.ca_file", {{"file", ca_file}, {"error", ec.message()}});
  }
  return ctx;
}

}  // namespace

AdapterResult<HttpClientOptions> parse_client_options(const nlohmann::json& options,
                                                      const HttpUrl& endpoint,
                                                      std::string user_agent) {
  constexpr std::string_view kRoot = "options";
  HttpClientOptions out;
  out.timeout = std::chrono::milliseconds(5000);
  out.max_body_bytes = size_t{32} << 20;
  out.user_agent = std::move(user_agent);
  auto timeout = optional_int(options, "timeout_ms", kRoot, 100, 120'000, int_in(100, 120'000));
  if (!timeout) return std::unexpected(timeout.error());
  if (*timeout) out.timeout = std::chrono::milliseconds(**timeout);
  auto max_mb = optional_int(options, "max_response_mb", kRoot, 1, 1024, int_in(1, 1024));
  if (!max_mb) return std::unexpected(max_mb.error());
  if (*max_mb) out.max_body_bytes = static_cast<size_t>(**max_mb) << 20;
  auto ca = string_option(options, "ca_file", kRoot, std::string());
  if (!ca) return std::unexpected(ca.error());
  if (!ca->empty()) {
    const auto path = option_path(kRoot, "ca_file");
    if (!endpoint.tls) {
      return option_error(path, "is only for an https:// endpoint", "adapter.option.https_only");
    }
    if (ca->front() != '/' || ca->size() > 1024 || !make_client_context(*ca)) {
      return option_error(path,
                          "must be the absolute path of a readable PEM file of CA "
                          "certificates",
                          "adapter.option.ca_file");
    }
  }
  out.ca_file = *ca;
  return out;
}

struct HttpClient::Tls {
  AdapterResult<std::shared_ptr<asio::ssl::context>> context;
};

struct HttpClient::Connection {
  Connection(asio::any_io_executor ex, asio::ssl::context* tls_context) {
    if (tls_context != nullptr) {
      tls = std::make_unique<TlsStream>(std::move(ex), *tls_context);
    } else {
      plain = std::make_unique<beast::tcp_stream>(std::move(ex));
    }
  }
  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  std::unique_ptr<beast::tcp_stream> plain;  // exactly one of plain / tls
  std::unique_ptr<TlsStream> tls;
  beast::flat_buffer buffer;
  Clock::time_point idle_since{};
};

HttpClient::HttpClient(asio::any_io_executor executor, HttpUrl url, HttpClientOptions options)
    : executor_(std::move(executor)), url_(std::move(url)), options_(std::move(options)) {
  if (url_.tls) tls_ = std::make_shared<Tls>(Tls{make_client_context(options_.ca_file)});
}

namespace {

// One message each way over either kind of connection.
template <class Message>
asio::awaitable<std::tuple<boost::system::error_code, size_t>> write_message(
    HttpClient::Connection& conn, Message& message) {
  if (conn.tls) co_return co_await http::async_write(*conn.tls, message, kTuple);
  co_return co_await http::async_write(*conn.plain, message, kTuple);
}

template <class Parser>
asio::awaitable<std::tuple<boost::system::error_code, size_t>> read_message(
    HttpClient::Connection& conn, Parser& parser) {
  if (conn.tls) co_return co_await http::async_read(*conn.tls, conn.buffer, parser, kTuple);
  co_return co_await http::async_read(*conn.plain, conn.buffer, parser, kTuple);
}

template <class Parser>
asio::awaitable<std::tuple<boost::system::error_code, size_t>> read_header(
    HttpClient::Connection& conn, Parser& parser) {
  if (conn.tls) co_return co_await http::async_read_header(*conn.tls, conn.buffer, parser, kTuple);
  co_return co_await http::async_read_header(*conn.plain, conn.buffer, parser, kTuple);
}

// What a failed read of an answer means. A plain function, not a lambda in the coroutine: g++ 12
// mis-handles reference captures of a coroutine's locals.
AdapterError read_failure(const boost::system::error_code& rec, size_t read,
                          const std::string& where, uint64_t body_limit, uint32_t header_limit,
                          bool& nothing_received) {
  if (rec == beast::error::timeout) {
    return adapter_error_coded(AdapterErrc::timeout, "",
                               "no complete answer from " + where + " within the deadline",
                               "adapter.http.read_timeout", {{"where", where}});
  }
  if (rec == http::error::body_limit) {
    return adapter_error_coded(
        AdapterErrc::bad_response, "",
        "answer from " + where + " is larger than " + std::to_string(body_limit) + " bytes",
        "adapter.http.body_limit", {{"where", where}, {"max", std::to_string(body_limit)}});
  }
  if (rec == http::error::header_limit) {
    return adapter_error_coded(AdapterErrc::bad_response, "",
                               "answer headers from " + where + " are larger than " +
                                   std::to_string(header_limit) + " bytes",
                               "adapter.http.header_limit",
                               {{"where", where}, {"max", std::to_string(header_limit)}});
  }
  if (rec.category() == http::make_error_code(http::error::end_of_stream).category() &&
      rec != http::error::end_of_stream && rec != http::error::partial_message) {
    return adapter_error_coded(AdapterErrc::bad_response, "",
                               "answer from " + where + " is not valid HTTP: " + rec.message(),
                               "adapter.http.not_http",
                               {{"where", where}, {"error", rec.message()}});
  }
  nothing_received = read == 0;
  return adapter_error_coded(
      AdapterErrc::unreachable, "", "reading from " + where + " failed: " + rec.message(),
      "adapter.http.read_failed", {{"where", where}, {"error", rec.message()}});
}

}  // namespace

HttpClient::~HttpClient() = default;

size_t HttpClient::idle_connections() const {
  return idle_.size();
}

asio::awaitable<AdapterResult<std::unique_ptr<HttpClient::Connection>>> HttpClient::connect(
    Clock::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  const std::string where = url_.host + ":" + url_.port;
  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code addr_ec;
  const auto address = asio::ip::make_address(url_.host, addr_ec);
  if (!addr_ec) {
    int port = 0;
    std::from_chars(url_.port.data(), url_.port.data() + url_.port.size(), port);
    endpoints.emplace_back(address, static_cast<unsigned short>(port));
  } else {
    // The resolver has no deadline of its own: race it against one.
    tcp::resolver resolver(executor_);
    asio::steady_timer timer(executor_, remaining(deadline));
    auto which =
        co_await (resolver.async_resolve(url_.host, url_.port, kTuple) || timer.async_wait(kTuple));
    if (which.index() == 1) {
      co_return adapter_fail_coded(AdapterErrc::timeout, "",
                                   "resolving " + url_.host + " timed out",
                                   "adapter.http.resolve_timeout", {{"host", url_.host}});
    }
    auto [ec, results] = std::get<0>(std::move(which));
    if (ec) {
      co_return adapter_fail_coded(
          AdapterErrc::unreachable, "", "cannot resolve " + url_.host + ": " + ec.message(),
          "adapter.http.resolve_failed", {{"host", url_.host}, {"error", ec.message()}});
    }
    for (const auto& r : results) endpoints.push_back(r.endpoint());
  }
  asio::ssl::context* tls_context = nullptr;
  if (tls_) {
    if (!tls_->context) co_return std::unexpected(tls_->context.error());
    tls_context = tls_->context->get();
  }
  auto conn = std::make_unique<Connection>(executor_, tls_context);
  conn->tcp().expires_at(deadline);
  auto [ec, ep] = co_await conn->tcp().async_connect(endpoints, kTuple);
  if (ec == beast::error::timeout) {
    co_return adapter_fail_coded(AdapterErrc::timeout, "", "connecting to " + where + " timed out",
                                 "adapter.http.connect_timeout", {{"where", where}});
  }
  if (ec) {
    co_return adapter_fail_coded(
        AdapterErrc::unreachable, "", "cannot connect to " + where + ": " + ec.message(),
        "adapter.http.connect_failed", {{"where", where}, {"error", ec.message()}});
  }
  if (conn->tls) {
    // SNI for names (not for addresses), and the certificate must name the host we asked for.
    if (addr_ec) SSL_set_tlsext_host_name(conn->tls->native_handle(), url_.host.c_str());
    conn->tls->set_verify_callback(asio::ssl::host_name_verification(url_.host));
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec == beast::error::timeout) {
      co_return adapter_fail_coded(AdapterErrc::timeout, "",
                                   "TLS handshake with " + where + " timed out",
                                   "adapter.http.tls_timeout", {{"where", where}});
    }
    if (hec) {
      co_return adapter_fail_coded(
          AdapterErrc::unreachable, "", "TLS handshake with " + where + " failed: " + hec.message(),
          "adapter.http.tls_failed", {{"where", where}, {"error", hec.message()}});
    }
  }
  co_return conn;
}

asio::awaitable<AdapterResult<HttpResponse>> HttpClient::exchange(Connection& conn,
                                                                  const HttpRequest& req,
                                                                  Clock::time_point deadline,
                                                                  bool& keep_alive,
                                                                  bool& nothing_received) {
  const auto started = Clock::now();
  keep_alive = false;
  nothing_received = false;
  const std::string where = url_.host + ":" + url_.port;
  const auto verb = http::string_to_verb(req.method);
  if (verb == http::verb::unknown) {
    co_return adapter_fail(AdapterErrc::internal, "unknown HTTP method " + req.method);
  }
  http::request_header<> header;
  header.method(verb);
  header.target(url_.base_path + req.target);
  header.version(11);
  const bool v6 = url_.host.find(':') != std::string::npos;
  const std::string host_header = v6 ? "[" + url_.host + "]:" + url_.port : where;
  header.set(http::field::host, host_header);
  header.set(http::field::user_agent, options_.user_agent);
  header.set(http::field::accept, "application/json");
  for (const auto& [name, value] : req.headers) header.set(name, value);

  conn.tcp().expires_at(deadline);
  std::tuple<boost::system::error_code, size_t> sent;
  if (!req.body_file.empty()) {
    http::request<http::file_body> message(std::move(header));
    beast::error_code fec;
    message.body().open(req.body_file.c_str(), beast::file_mode::scan, fec);
    if (fec) {
      co_return adapter_fail(AdapterErrc::internal,
                             "cannot read " + req.body_file + ": " + fec.message());
    }
    message.set(http::field::content_type, req.content_type.empty()
                                               ? std::string("application/octet-stream")
                                               : req.content_type);
    message.keep_alive(options_.keep_alive);
    message.prepare_payload();
    sent = co_await write_message(conn, message);
  } else {
    http::request<http::string_body> message(std::move(header));
    if (!req.body.empty()) {
      message.set(http::field::content_type,
                  req.content_type.empty() ? std::string("application/json") : req.content_type);
      message.body() = req.body;
    }
    message.keep_alive(options_.keep_alive);
    message.prepare_payload();
    sent = co_await write_message(conn, message);
  }
  const auto [wec, written] = sent;
  if (wec == beast::error::timeout) {
    co_return adapter_fail_coded(AdapterErrc::timeout, "", "sending to " + where + " timed out",
                                 "adapter.http.send_timeout", {{"where", where}});
  }
  if (wec) {
    nothing_received = true;
    co_return adapter_fail_coded(
        AdapterErrc::unreachable, "", "sending to " + where + " failed: " + wec.message(),
        "adapter.http.send_failed", {{"where", where}, {"error", wec.message()}});
  }
  const uint64_t body_limit =
      req.max_body_bytes > 0 ? req.max_body_bytes : uint64_t{options_.max_body_bytes};

  HttpResponse out;
  bool response_keep_alive = false;
  if (req.response_file.empty()) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    parser.header_limit(options_.max_header_bytes);
    auto [rec, read] = co_await read_message(conn, parser);
    if (rec)
      co_return std::unexpected(
          read_failure(rec, read, where, body_limit, options_.max_header_bytes, nothing_received));
    auto response = parser.release();
    out.status = static_cast<int>(response.result_int());
    out.content_type = std::string(response[http::field::content_type]);
    out.body = std::move(response.body());
    response_keep_alive = response.keep_alive();
  } else {
    // The header first: only a 2xx body goes to the file, anything else is read as text.
    // A Content-Length is checked against the limit as the header ends, by the parser that
    // reads it: this one lets either limit through, and the one that applies is checked below.
    http::response_parser<http::empty_body> head;
    head.header_limit(options_.max_header_bytes);
    head.body_limit(std::max<uint64_t>(body_limit, options_.max_body_bytes));
    auto [hec, hread] = co_await read_header(conn, head);
    if (hec)
      co_return std::unexpected(
          read_failure(hec, hread, where, body_limit, options_.max_header_bytes, nothing_received));
    const int status = static_cast<int>(head.get().result_int());
    out.status = status;
    out.content_type = std::string(head.get()[http::field::content_type]);
    const bool to_file = status >= 200 && status <= 299;
    const uint64_t limit = to_file ? body_limit : uint64_t{options_.max_body_bytes};
    if (head.content_length() && *head.content_length() > limit) {
      co_return std::unexpected(read_failure(http::error::body_limit, hread, where, limit,
                                             options_.max_header_bytes, nothing_received));
    }
    if (to_file) {
      http::response_parser<HashingFileBody> parser(std::move(head));
      parser.body_limit(body_limit);
      beast::error_code fec;
      parser.get().body().file.open(req.response_file.c_str(), beast::file_mode::write, fec);
      if (fec) {
        co_return adapter_fail(AdapterErrc::internal,
                               "cannot write " + req.response_file + ": " + fec.message());
      }
      auto [rec, read] = co_await read_message(conn, parser);
      if (rec)
        co_return std::unexpected(read_failure(rec, hread + read, where, body_limit,
                                               options_.max_header_bytes, nothing_received));
      response_keep_alive = parser.get().keep_alive();
      out.file_sha256 = common::digest_hex(parser.get().body().hash.digest());
      out.file_bytes = parser.get().body().size;
    } else {
      http::response_parser<http::string_body> parser(std::move(head));
      parser.body_limit(options_.max_body_bytes);
      auto [rec, read] = co_await read_message(conn, parser);
      if (rec)
        co_return std::unexpected(read_failure(rec, hread + read, where, body_limit,
                                               options_.max_header_bytes, nothing_received));
      out.body = std::move(parser.get().body());
      response_keep_alive = parser.get().keep_alive();
    }
  }
  out.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  keep_alive = options_.keep_alive && response_keep_alive;
  co_return out;
}

asio::awaitable<AdapterResult<HttpResponse>> HttpClient::request(HttpRequest req) {
  const auto started = Clock::now();
  const auto deadline = started + (req.timeout.count() > 0 ? req.timeout : options_.timeout);
  const bool replayable = req.replayable || req.method == "GET" || req.method == "DELETE";
  // At most two attempts: a pooled connection the server has closed meanwhile, then a new one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> conn;
    // A request that must not be replayed only rides a connection that was used moments ago:
    // one the server may have closed meanwhile would fail it for nothing.
    if (!replayable && !idle_.empty() && Clock::now() - idle_.back()->idle_since > kFreshIdle) {
      idle_.clear();
    }
    const bool pooled = !idle_.empty();
    if (pooled) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      auto fresh = co_await connect(deadline);
      if (!fresh) co_return std::unexpected(fresh.error());
      conn = std::move(*fresh);
    }
    bool keep_alive = false;
    bool nothing_received = false;
    auto result = co_await exchange(*conn, req, deadline, keep_alive, nothing_received);
    if (result) {
      result->elapsed_ms =
          std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      if (keep_alive && idle_.size() < options_.max_idle_connections) {
        conn->tcp().expires_never();
        conn->idle_since = Clock::now();
        idle_.push_back(std::move(conn));
      }
      co_return result;
    }
    const bool stale =
        pooled && nothing_received && result.error().code == AdapterErrc::unreachable;
    if (!(stale && replayable)) co_return result;
    // The pooled connection was dead: every other idle one probably is too.
    idle_.clear();
  }
  co_return adapter_fail_coded(AdapterErrc::unreachable, "", "no usable connection to " + url_.host,
                               "adapter.http.no_connection", {{"host", url_.host}});
}

}  // namespace suanwang::adapters
