// Object ids: "<prefix>_<26 chars>" where the chars are Crockford base32 of a 48-bit
// millisecond timestamp followed by 80 random bits (the ULID layout). Ids of one kind sort by
// creation time, which is what keyset pagination relies on.
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/clock.hpp"

namespace suanwang {

class Random;

class IdGenerator {
 public:
  IdGenerator(const Clock& clock, Random& random) : clock_(clock), random_(random) {}
  std::string next(std::string_view prefix);

 private:
  const Clock& clock_;
  Random& random_;
};

// True when `id` has the given prefix and a well-formed body; used to reject junk early.
bool is_valid_id(std::string_view id, std::string_view prefix);

}  // namespace suanwang
