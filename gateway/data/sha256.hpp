// The data plane's digests: common/sha256.hpp's, under the data namespace.
#pragma once

#include "common/sha256.hpp"

namespace suanwang::data {
using common::Digest;
using common::digest_base64;
using common::digest_from_base64;
using common::digest_from_hex;
using common::digest_hex;
using common::Sha256;
}  // namespace suanwang::data
