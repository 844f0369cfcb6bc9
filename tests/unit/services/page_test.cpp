// Page: the one shape of a list page — page_of over a sorted list (string or integer keys) and
// trim_page over rows read one more than a page.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "gateway/services/page.hpp"

namespace {

using namespace suanwang;
using services::PageRequest;

struct PageItem {
  std::string id;
  int64_t seq = 0;
};

std::vector<PageItem> page_items(int n) {
  std::vector<PageItem> out;
  for (int i = 1; i <= n; ++i) out.push_back({"it_" + std::to_string(100 + i), i});
  return out;
}

const std::string& page_item_id(const PageItem& i) {
  return i.id;
}

TEST_CASE("page_of walks a sorted list page by page, the token naming the last item",
          "[services][page]") {
  auto first = services::page_of(page_items(5), PageRequest{2, std::nullopt}, page_item_id);
  REQUIRE(first);
  REQUIRE(first->items.size() == 2);
  CHECK(first->items[1].id == "it_102");
  REQUIRE(first->next_token == std::optional<std::string>("it_102"));
  auto last = services::page_of(page_items(5), PageRequest{3, first->next_token}, page_item_id);
  REQUIRE(last);
  CHECK(last->items.size() == 3);
  CHECK(last->items.front().id == "it_103");
  CHECK_FALSE(last->next_token);
}

TEST_CASE("page_of resumes after a token whose item has gone", "[services][page]") {
  auto rest =
      services::page_of(page_items(5), PageRequest{50, std::string("it_102x")}, page_item_id);
  REQUIRE(rest);
  REQUIRE(rest->items.size() == 3);
  CHECK(rest->items.front().id == "it_103");
}

TEST_CASE("page_of with integer keys refuses a token that is not a number", "[services][page]") {
  auto seq = [](const PageItem& i) { return i.seq; };
  auto bad = services::page_of(page_items(3), PageRequest{1, std::string("x")}, seq);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "page_token");
  auto good = services::page_of(page_items(3), PageRequest{1, std::string("2")}, seq);
  REQUIRE(good);
  REQUIRE(good->items.size() == 1);
  CHECK(good->items[0].seq == 3);
  CHECK_FALSE(good->next_token);
}

TEST_CASE("trim_page drops the extra row and names the last kept one", "[services][page]") {
  auto page = services::trim_page(page_items(3), 2, page_item_id);
  CHECK(page.items.size() == 2);
  CHECK(page.next_token == std::optional<std::string>("it_102"));
  auto whole = services::trim_page(page_items(2), 2, page_item_id);
  CHECK(whole.items.size() == 2);
  CHECK_FALSE(whole.next_token);
}

}  // namespace
