// data_baseline: the yardstick of the data-plane benchmark (bench/data_bench.py) — a bare
// Boost.Beast server, built with the same toolchain and flags as the gateway, that moves file
// bytes the least a file server must: the same coroutine-per-connection loop, bodies streamed
// in the same 256 KiB pieces the gateway uses, straight to a file and back. No auth, database,
// hashing, quota or blob store. To be fair it fsyncs as the gateway does: a PUT once at its
// end, a PATCH (a tus-style piece) at the end of each piece. The gateway's MB/s are reported as
// a ratio to this one's, measured in the same run.
//
//   PUT   /NAME                       the body becomes DIR/NAME (fsynced), 201
//   PATCH /NAME  (Upload-Offset: N)   the body is written at N in DIR/NAME (fsynced), 204
//   GET   /NAME                       DIR/NAME streamed back, 200
//
// Usage: data_baseline PORT DIR [THREADS]    (THREADS defaults to 2, the gateway's io_threads)
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kPiece = 256 * 1024;  // the gateway's piece size, both ways

bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Reads the rest of the body into the file open as `fd`; false when the client broke off.
template <class Parser>
asio::awaitable<bool> receive(beast::tcp_stream& stream, beast::flat_buffer& buffer, Parser& parser,
                              int fd, std::vector<char>& piece) {
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    stream.expires_after(std::chrono::seconds(60));
    auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, kTuple);
    if (ec && ec != bhttp::error::need_buffer) co_return false;
    const std::size_t got = piece.size() - parser.get().body().size;
    if (got > 0 && !write_all(fd, piece.data(), got)) co_return false;
  }
  co_return true;
}

asio::awaitable<bool> send_file(beast::tcp_stream& stream, int fd, unsigned version,
                                std::vector<char>& piece) {
  const off_t size = ::lseek(fd, 0, SEEK_END);
  bhttp::response<bhttp::buffer_body> res{bhttp::status::ok, version};
  res.set(bhttp::field::content_type, "application/octet-stream");
  res.content_length(static_cast<uint64_t>(size));
  res.body().data = nullptr;
  res.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> sr{res};
  stream.expires_after(std::chrono::seconds(60));
  auto [ec, n] = co_await bhttp::async_write_header(stream, sr, kTuple);
  if (ec) co_return false;
  for (off_t at = 0; at < size;) {
    const ssize_t got = ::pread(fd, piece.data(), piece.size(), at);
    if (got <= 0) co_return false;
    res.body().data = piece.data();
    res.body().size = static_cast<std::size_t>(got);
    res.body().more = true;
    stream.expires_after(std::chrono::seconds(60));
    std::tie(ec, n) = co_await bhttp::async_write(stream, sr, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return false;
    at += got;
  }
  res.body().data = nullptr;
  res.body().size = 0;
  res.body().more = false;
  std::tie(ec, n) = co_await bhttp::async_write(stream, sr, kTuple);
  co_return !ec;
}

asio::awaitable<void> serve(beast::tcp_stream stream, std::string dir) {
  beast::flat_buffer buffer;
  // Room for Beast's largest read (64 KiB): a flat_buffer left at the size the header needed
  // (512 bytes) makes every body read a 512-byte recv.
  buffer.reserve(64 * 1024);
  std::vector<char> piece(kPiece);
  for (;;) {
    bhttp::request_parser<bhttp::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    stream.expires_after(std::chrono::seconds(60));
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (ec) break;
    const auto& req = parser.get();
    const std::string target(req.target());
    const std::string path = dir + "/" + (target.size() > 1 ? target.substr(1) : "root");
    bhttp::status status = bhttp::status::bad_request;
    std::string offset_after;
    if (req.method() == bhttp::verb::get) {
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        const bool sent = co_await send_file(stream, fd, req.version(), piece);
        ::close(fd);
        if (!sent) break;
        if (!req.keep_alive()) break;
        continue;
      }
      status = bhttp::status::not_found;
    } else if (req.method() == bhttp::verb::put || req.method() == bhttp::verb::patch) {
      const bool put = req.method() == bhttp::verb::put;
      const int fd =
          ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (put ? O_TRUNC : 0), 0600);
      if (fd < 0) break;
      off_t at = 0;
      if (!put) {
        auto it = req.find("Upload-Offset");
        at = it == req.end() ? 0 : std::stoll(std::string(it->value()));
        (void)::lseek(fd, at, SEEK_SET);
      }
      const bool whole = co_await receive(stream, buffer, parser, fd, piece);
      const bool synced = whole && ::fdatasync(fd) == 0;
      offset_after = std::to_string(::lseek(fd, 0, SEEK_CUR));
      ::close(fd);
      if (!synced) break;
      status = put ? bhttp::status::created : bhttp::status::no_content;
    }
    bhttp::response<bhttp::empty_body> res{status, req.version()};
    if (!offset_after.empty()) res.set("Upload-Offset", offset_after);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    stream.expires_after(std::chrono::seconds(60));
    auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
    if (wec || !res.keep_alive() || !parser.is_done()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> accept_loop(asio::io_context& io, tcp::acceptor& acceptor, std::string dir) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kTuple);
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, serve(beast::tcp_stream(std::move(socket)), dir), asio::detached);
  }
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: data_baseline PORT DIR [THREADS]\n");
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::stoi(argv[1]));
  const std::string dir = argv[2];
  const int threads = argc > 3 ? std::stoi(argv[3]) : 2;
  asio::io_context io(threads);
  tcp::acceptor acceptor(asio::make_strand(io), {asio::ip::make_address("127.0.0.1"), port});
  asio::co_spawn(acceptor.get_executor(), accept_loop(io, acceptor, dir), asio::detached);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  return 0;
}
