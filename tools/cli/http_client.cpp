// HttpClient over boost::beast::tcp_stream. Beast's stream timeouts apply to asynchronous
// operations only, so each step is started asynchronously and the private io_context is run
// until it completes: synchronous to the caller, bounded by the stream's expiry.
#include "tools/cli/http_client.hpp"

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <cctype>
#include <limits>

#include <charconv>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace suanwang::cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string ServerUrl::text() const {
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  return scheme + "://" + h + (default_port ? "" : ":" + std::to_string(port)) + base_path;
}

Result<ServerUrl> parse_server_url(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return fail(Error::invalid("--server", "--server '" + std::string(text.substr(0, 200)) +
                                               "' is not a server URL: " + why));
  };
  ServerUrl u;
  std::string_view rest = text;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    return fail(Error::invalid(
        "--server",
        "https is not supported by this client yet; use http:// (e.g. through a local "
        "TLS-terminating proxy)"));
  } else {
    return bad("it must start with http://");
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos) return bad("no query or fragment");
  while (path.ends_with('/')) path.remove_suffix(1);
  u.base_path = std::string(path);
  if (authority.find('@') != std::string_view::npos) {
    return bad("no user:password@ (the API key comes from SUANWANG_API_KEY or --key-file)");
  }
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad("junk after ']'");
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return bad("no host");
  u.host = std::string(host);
  if (!port.empty() || authority.ends_with(':')) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p == 0 ||
        p > 65535) {
      return bad("the port must be 1-65535");
    }
    u.port = static_cast<uint16_t>(p);
  }
  return u;
}

struct HttpClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;

  // Runs the io_context until the operation started before it completes.
  void run() {
    io.restart();
    io.run();
  }
};

HttpClient::HttpClient(ServerUrl server, std::string bearer_key, HttpClientOptions options)
    : server_(std::move(server)),
      key_(std::move(bearer_key)),
      options_(std::move(options)),
      conn_(std::make_unique<Connection>()) {}

HttpClient::~HttpClient() {
  beast::error_code ec;
  conn_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  conn_->stream.close();
}

Result<void> HttpClient::connect() {
  auto& c = *conn_;
  c.stream.close();
  c.buffer.clear();
  c.open = false;
  const std::string where = server_.text();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout).count();

  // The resolver has no expiry of its own: a timer cancels it.
  tcp::resolver resolver(c.io);
  asio::steady_timer timer(c.io);
  beast::error_code resolve_ec;
  tcp::resolver::results_type endpoints;
  bool timed_out = false;
  resolver.async_resolve(server_.host, std::to_string(server_.port),
                         [&](beast::error_code ec, tcp::resolver::results_type r) {
                           resolve_ec = ec;
                           endpoints = std::move(r);
                           timer.cancel();
                         });
  timer.expires_after(options_.timeout);
  timer.async_wait([&](beast::error_code ec) {
    if (!ec) {
      timed_out = true;
      resolver.cancel();
    }
  });
  c.run();
  if (timed_out) {
    return fail(Error::unavailable("cannot resolve " + server_.host + " within " +
                                   std::to_string(seconds) + " s"));
  }
  if (resolve_ec) {
    return fail(Error::unavailable("cannot resolve " + server_.host + ": " + resolve_ec.message()));
  }

  beast::error_code ec;
  c.stream.expires_after(options_.timeout);
  c.stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  c.run();
  if (ec == beast::error::timeout) {
    return fail(Error::unavailable("cannot connect to " + where + " within " +
                                   std::to_string(seconds) + " s"));
  }
  if (ec) {
    return fail(Error::unavailable("cannot connect to " + where + ": " + ec.message() +
                                   " (is the gateway running? see --server)"));
  }
  c.open = true;
  return ok();
}

Result<HttpReply> HttpClient::request(
    std::string_view method, std::string_view target, std::string body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(server_.base_path + std::string(target));
  req.version(11);
  req.set(bhttp::field::host, server_.host + ":" + std::to_string(server_.port));
  req.set(bhttp::field::user_agent, options_.user_agent);
  req.set(bhttp::field::accept, "application/json, application/problem+json");
  if (!key_.empty()) req.set(bhttp::field::authorization, "Bearer " + key_);
  if (!options_.accept_language.empty()) {
    req.set(bhttp::field::accept_language, options_.accept_language);
  }
  for (const auto& [k, v] : headers) req.set(k, v);
  const bool has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  req.body() = std::move(body);
  if (has_body) req.prepare_payload();
  const std::string what = std::string(method) + " " + server_.text() + std::string(target);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout).count();

  // A kept-alive connection may have been closed by the server since the last call (idle
  // timeout). The request did not reach a handler then, so it is sent once more on a fresh
  // connection; a failure on a fresh connection is final.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto& c = *conn_;
    const bool reused = c.open;
    if (!c.open) {
      if (auto r = connect(); !r) return fail(r.error());
    }
    beast::error_code ec;
    c.stream.expires_after(options_.timeout);
    bhttp::async_write(c.stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    c.run();
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options_.body_limit);
    parser.header_limit(64 * 1024);
    if (method == "HEAD") parser.skip(true);  // a Content-Length and no body
    if (!ec) {
      c.stream.expires_after(options_.timeout);
      bhttp::async_read(c.stream, c.buffer, parser,
                        [&](beast::error_code e, std::size_t) { ec = e; });
      c.run();
    }
    if (ec) {
      c.open = false;
      c.stream.close();
      const bool stale = ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
                         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
      if (reused && stale && attempt == 0) continue;
      if (ec == beast::error::timeout) {
        return fail(Error::unavailable("no answer to " + what + " within " +
                                       std::to_string(seconds) + " s"));
      }
      if (ec == bhttp::error::body_limit) {
        return fail(Error::internal("the answer to " + what + " is larger than " +
                                    std::to_string(options_.body_limit / (1024 * 1024)) + " MiB"));
      }
      return fail(Error::unavailable(what + " failed: " + ec.message()));
    }
    auto res = parser.release();
    HttpReply out;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string(res[bhttp::field::content_type]);
    out.body = std::move(res.body());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.headers[name] = std::string(f.value());
    }
    if (!res.keep_alive()) {
      c.open = false;
      c.stream.close();
    }
    return out;
  }
  return fail(Error::unavailable(what + ": the connection kept failing"));
}

Result<HttpReply> HttpClient::download(
    std::string_view target, const std::vector<std::pair<std::string, std::string>>& headers,
    const BodySink& sink) {
  bhttp::request<bhttp::empty_body> req;
  req.method(bhttp::verb::get);
  req.target(server_.base_path + std::string(target));
  req.version(11);
  req.set(bhttp::field::host, server_.host + ":" + std::to_string(server_.port));
  req.set(bhttp::field::user_agent, options_.user_agent);
  if (!key_.empty()) req.set(bhttp::field::authorization, "Bearer " + key_);
  if (!options_.accept_language.empty()) {
    req.set(bhttp::field::accept_language, options_.accept_language);
  }
  for (const auto& [k, v] : headers) req.set(k, v);
  const std::string what = "GET " + server_.text() + std::string(target);
  // A fresh connection: a stale kept-alive one would cost a retry of a large body.
  if (auto r = connect(); !r) return fail(r.error());
  auto& c = *conn_;
  beast::error_code ec;
  c.stream.expires_after(options_.timeout);
  bhttp::async_write(c.stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
  c.run();
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.header_limit(64 * 1024);
  if (!ec) {
    c.stream.expires_after(options_.timeout);
    bhttp::async_read_header(c.stream, c.buffer, parser,
                             [&](beast::error_code e, std::size_t) { ec = e; });
    c.run();
  }
  auto broken = [&](const beast::error_code& e) {
    c.open = false;
    c.stream.close();
    return fail(Error::unavailable(what + " failed: " + e.message()));
  };
  if (ec) return broken(ec);
  HttpReply out;
  out.status = static_cast<int>(parser.get().result_int());
  out.content_type = std::string(parser.get()[bhttp::field::content_type]);
  for (const auto& f : parser.get()) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(f.value());
  }
  const bool ok_status = out.status >= 200 && out.status < 300;
  std::vector<char> buf(1 << 20);
  while (!parser.is_done()) {
    parser.get().body().data = buf.data();
    parser.get().body().size = buf.size();
    c.stream.expires_after(options_.timeout);
    bhttp::async_read(c.stream, c.buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    c.run();
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) return broken(ec);
    const std::string_view piece(buf.data(), buf.size() - parser.get().body().size);
    if (ok_status) {
      if (auto r = sink(piece); !r) {
        c.open = false;
        c.stream.close();
        return fail(r.error());
      }
    } else if (out.body.size() < options_.body_limit) {
      out.body.append(piece);
    }
  }
  c.open = parser.get().keep_alive();
  if (!c.open) c.stream.close();
  return out;
}

}  // namespace suanwang::cli
