// Object ids: "<prefix>_" + 26 Crockford base32 characters laid out like a ULID (48-bit ms
// timestamp, then 80 random bits), so ids of one kind sort by creation time.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/random.hpp"

namespace {

using namespace suanwang;

constexpr std::string_view kCrockford = "0123456789abcdefghjkmnpqrstvwxyz";

// Decodes the first 10 body characters: 50 bits, the top two of which are padding, so this is
// the 48-bit millisecond timestamp.
uint64_t timestamp_of(const std::string& id, std::size_t prefix_len) {
  uint64_t v = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    const auto d = kCrockford.find(id[prefix_len + 1 + i]);
    REQUIRE(d != std::string_view::npos);
    v = (v << 5) | d;
  }
  return v;
}

TEST_CASE("an id is the prefix, an underscore and 26 lower-case Crockford characters",
          "[core][ids]") {
  ManualClock clock(from_unix_ms(1'700'000'000'000));
  SeededRandom random(1);
  IdGenerator ids(clock, random);

  const std::string id = ids.next("job");
  CHECK(id.size() == 4 + 26);
  CHECK(id.substr(0, 4) == "job_");
  for (char c : id.substr(4)) {
    INFO("char " << c);
    CHECK(kCrockford.find(c) != std::string_view::npos);
  }
  // 128 bits in 130: the first character carries only three bits.
  CHECK(id[4] <= '7');
  CHECK(is_valid_id(id, "job"));
  CHECK_FALSE(is_valid_id(id, "site"));
  CHECK_FALSE(is_valid_id(id, "jo"));

  const std::string site = ids.next("site");
  CHECK(site.substr(0, 5) == "site_");
  CHECK(is_valid_id(site, "site"));
}

TEST_CASE("an id encodes its creation time in its first ten characters", "[core][ids]") {
  ManualClock clock(from_unix_ms(1'700'000'000'123));
  SeededRandom random(2);
  IdGenerator ids(clock, random);
  CHECK(timestamp_of(ids.next("job"), 3) == 1'700'000'000'123u);
  clock.advance(std::chrono::milliseconds(877));
  CHECK(timestamp_of(ids.next("job"), 3) == 1'700'000'001'000u);
  // The epoch encodes as ten zeros.
  clock.set(from_unix_ms(0));
  CHECK(ids.next("x").substr(2, 10) == "0000000000");
}

TEST_CASE("ids sort by creation time whatever their random part", "[core][ids]") {
  ManualClock clock(from_unix_ms(1'700'000'000'000));
  SeededRandom random(3);
  IdGenerator ids(clock, random);
  std::string prev = ids.next("job");
  for (int i = 0; i < 200; ++i) {
    clock.advance(std::chrono::milliseconds(1));
    const std::string next = ids.next("job");
    INFO(prev << " then " << next);
    CHECK(prev < next);
    prev = next;
  }
}

TEST_CASE("ids made in the same millisecond are still unique", "[core][ids]") {
  ManualClock clock(from_unix_ms(1'700'000'000'000));
  SeededRandom random(4);
  IdGenerator ids(clock, random);
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(ids.next("job"));
  CHECK(seen.size() == 2000);
}

TEST_CASE("ids come from the injected randomness", "[core][ids]") {
  ManualClock clock(from_unix_ms(1'700'000'000'000));
  SeededRandom r1(42), r2(42), r3(43);
  IdGenerator a(clock, r1), b(clock, r2), c(clock, r3);
  const auto ida = a.next("job");
  CHECK(ida == b.next("job"));  // same seed, same clock: same id (reproducible tests)
  const auto idc = c.next("job");
  CHECK(ida != idc);
  CHECK(ida.substr(0, 14) == idc.substr(0, 14));  // same timestamp part
}

TEST_CASE("is_valid_id rejects junk", "[core][ids]") {
  const std::string good = "job_01hf3z7q8r9s0t1v2w3x4y5z6a";
  REQUIRE(good.size() == 4 + 26);
  CHECK(is_valid_id(good, "job"));

  CHECK_FALSE(is_valid_id("", "job"));
  CHECK_FALSE(is_valid_id("job_", "job"));
  CHECK_FALSE(is_valid_id(good.substr(0, good.size() - 1), "job"));   // 25 chars
  CHECK_FALSE(is_valid_id(good + "0", "job"));                        // 27 chars
  CHECK_FALSE(is_valid_id("job-01hf3z7q8r9s0t1v2w3x4y5z6a", "job"));  // wrong separator
  CHECK_FALSE(is_valid_id("jab_01hf3z7q8r9s0t1v2w3x4y5z6a", "job"));  // wrong prefix
  CHECK_FALSE(is_valid_id("job_01HF3Z7Q8R9S0T1V2W3X4Y5Z6A", "job"));  // upper case
  // Crockford base32 leaves out i, l, o and u.
  for (char c : {'i', 'l', 'o', 'u', '_', '-', '/', '%'}) {
    std::string s = good;
    s[10] = c;
    INFO("char " << c);
    CHECK_FALSE(is_valid_id(s, "job"));
  }
}

TEST_CASE("SeededRandom is deterministic per seed and fills any length", "[core][random]") {
  SeededRandom a(7), b(7), c(8);
  const std::string x = a.bytes(37);
  CHECK(x.size() == 37);
  CHECK(x == b.bytes(37));
  CHECK(x != c.bytes(37));
  CHECK(a.bytes(0).empty());
  // Successive draws differ.
  CHECK(a.bytes(16) != a.bytes(16));
}

}  // namespace
