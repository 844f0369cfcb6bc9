// Page: one page of a list (page_size + page_token, DESIGN §5), the one shape every list
// operation of the services takes and returns. The token is opaque to callers: the key of the
// last item of the previous page.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "gateway/core/result.hpp"

namespace suanwang::services {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

struct PageRequest {
  int size = kDefaultPageSize;       // 1..kMaxPageSize
  std::optional<std::string> token;  // the next_token of the previous page
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_token;  // none: this was the last page
};

inline Error malformed_page_token() {
  return Error::invalid("page_token", "malformed page_token");
}

namespace page_detail {
inline Result<std::string> parse_key(const std::string& token, std::string*) {
  return token;
}
inline Result<int64_t> parse_key(const std::string& token, int64_t*) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
  if (ec != std::errc() || end != token.data() + token.size()) {
    return fail(malformed_page_token());
  }
  return n;
}
inline std::string key_text(const std::string& k) {
  return k;
}
inline std::string key_text(int64_t k) {
  return std::to_string(k);
}
}  // namespace page_detail

// The page of `all` that `req` asks for. REQUIRES: `all` is sorted by key(item) ascending and
// the keys are unique (an id, a sequence number), so that a page starts after the token's key
// even when that item has gone since. Keys are strings or 64-bit integers.
template <class T, class KeyFn>
Result<Page<T>> page_of(std::vector<T> all, const PageRequest& req, KeyFn key) {
  using K = std::decay_t<std::invoke_result_t<KeyFn&, const T&>>;
  auto first = all.begin();
  if (req.token) {
    auto after = page_detail::parse_key(*req.token, static_cast<K*>(nullptr));
    if (!after) return fail(after.error());
    first = std::upper_bound(all.begin(), all.end(), *after,
                             [&](const K& k, const T& item) { return k < key(item); });
  }
  Page<T> page;
  const auto left = static_cast<std::size_t>(all.end() - first);
  const auto n = std::min(left, static_cast<std::size_t>(req.size));
  page.items.reserve(n);
  std::move(first, first + static_cast<std::ptrdiff_t>(n), std::back_inserter(page.items));
  if (left > n) page.next_token = page_detail::key_text(key(page.items.back()));
  return page;
}

// For lists read from the database one more than a page at a time (keyset pagination there):
// drops the extra row and names the last kept one as the next page's start.
template <class T, class KeyFn>
Page<T> trim_page(std::vector<T> rows, int size, KeyFn key) {
  Page<T> page;
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(static_cast<std::size_t>(size));
    page.next_token = page_detail::key_text(key(rows.back()));
  }
  page.items = std::move(rows);
  return page;
}

}  // namespace suanwang::services
