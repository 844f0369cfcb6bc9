// EnumNames: the one table of an enum's names (as stored, sent and parsed), so each vocabulary
// (job states, event types, failure kinds, ...) is spelled in one place and checked by the
// compiler: name() and parse() are both lookups in that table.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace suanwang {

template <class E, std::size_t N>
class EnumNames {
 public:
  constexpr explicit EnumNames(std::array<std::pair<E, std::string_view>, N> entries)
      : entries_(entries) {}

  // REQUIRES: `e` is in the table (every enumerator is: the tables' tests check it).
  constexpr const char* name(E e) const {
    for (const auto& [v, n] : entries_) {
      if (v == e) return n.data();
    }
    return "";
  }
  constexpr std::optional<E> parse(std::string_view s) const {
    for (const auto& [v, n] : entries_) {
      if (n == s) return v;
    }
    return std::nullopt;
  }
  constexpr const auto& entries() const { return entries_; }

 private:
  std::array<std::pair<E, std::string_view>, N> entries_;
};

}  // namespace suanwang
