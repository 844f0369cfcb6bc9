// Receiving a body into a file, hashing it on the way (see body_receiver.hpp).
#include "gateway/data/body_receiver.hpp"

#include <utility>
#include <vector>

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace suanwang::data {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

// One piece in flight: what a disk thread writes and hashes while the next is read. Large
// enough that handing it over costs little beside its hashing; two per upload in memory.
constexpr std::size_t kPiece = 256 * 1024;

struct Filled {
  std::size_t n = 0;
  bool end = false;             // the body has no more bytes
  std::optional<Error> broken;  // it stopped early
};

// Reads until `buf` is full or the body ends or breaks.
asio::awaitable<Filled> fill(ByteSource& body, std::span<char> buf) {
  Filled f;
  while (f.n < buf.size()) {
    auto got = co_await body.read(buf.subspan(f.n));
    if (!got) {
      f.broken = got.error();
      break;
    }
    if (*got == 0) {
      f.end = true;
      break;
    }
    f.n += *got;
  }
  co_return f;
}

Result<void> store_piece(FileAppender& out, std::span<const char> piece,
                         std::span<Sha256* const> digests) {
  if (auto w = out.write(piece); !w) return w;
  for (Sha256* d : digests) d->update(piece.data(), piece.size());
  return ok();
}

}  // namespace

asio::awaitable<Result<Received>> receive_to_file(ByteSource& body, FileAppender& out,
                                                  std::span<Sha256* const> digests, uint64_t limit,
                                                  DiskWork& disk) {
  std::vector<char> a(kPiece);
  std::vector<char> b(kPiece);
  std::span<char> current(a);
  std::span<char> next(b);
  Received got;
  Filled filled = co_await fill(body, current);
  while (filled.n > 0) {
    if (got.bytes + filled.n > limit) {
      co_return fail(Error::coded(Errc::payload_too_large, "",
                                  {"upload.body_too_long", {{"limit", std::to_string(limit)}}}));
    }
    const std::span<const char> piece(current.data(), filled.n);
    auto storing = disk.run([&] { return store_piece(out, piece, digests); });
    if (filled.end || filled.broken) {
      auto stored = co_await std::move(storing);
      if (!stored) co_return fail(stored.error());
      got.bytes += filled.n;
      break;
    }
    auto reading = fill(body, next);
    auto [stored, following] = co_await (std::move(storing) && std::move(reading));
    if (!stored) co_return fail(stored.error());
    got.bytes += filled.n;
    filled = std::move(following);
    std::swap(current, next);
  }
  got.broken = filled.broken;
  co_return got;
}

}  // namespace suanwang::data
