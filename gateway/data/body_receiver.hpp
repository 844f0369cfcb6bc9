// receive_to_file: a request body (ByteSource) written to a file and hashed as it arrives,
// for uploads (services/upload_service, services/dataset_service). The write and the hashing of
// one piece run on a disk thread (DiskWork) while the next piece is read from the connection,
// so the SHA-256 that every stored byte costs overlaps the network instead of following it,
// takes no extra pass over the bytes, and leaves the I/O thread free (house rule 4).
//
// Threading: call from a coroutine on any executor; `out` and `digests` are used by one disk
// thread at a time and must outlive the call.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include <boost/asio/awaitable.hpp>

#include "gateway/core/result.hpp"
#include "gateway/data/blob_store.hpp"
#include "gateway/data/byte_source.hpp"
#include "gateway/data/disk_work.hpp"
#include "gateway/data/sha256.hpp"

namespace suanwang::data {

struct Received {
  uint64_t bytes = 0;           // written to the file and fed to every digest
  std::optional<Error> broken;  // the body stopped early; `bytes` arrived before it did
};

// Reads `body` to its end into `out`, feeding every byte written to each of `digests`. Fails
// when the body passes `limit` bytes (payload_too_large, the piece that passes it not written)
// or a write fails; the caller cuts `out` back.
boost::asio::awaitable<Result<Received>> receive_to_file(ByteSource& body, FileAppender& out,
                                                         std::span<Sha256* const> digests,
                                                         uint64_t limit, DiskWork& disk);

}  // namespace suanwang::data
