// Regions and the network link matrix: parsing with field-named errors, and the symmetric
// lookup with same-region and between-region defaults (DESIGN §2).
#include <catch2/catch.hpp>

#include "gateway/model/region.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::model;
using Catch::Matchers::Contains;

std::vector<Region> three_regions() {
  auto r = parse_regions(Json{{"regions",
                               {{{"id", "cn-gz-guian"}, {"name", "Gui'an"}, {"side", "west"}},
                                {{"id", "cn-csj-shanghai"}, {"name", "Shanghai"}},
                                {{"id", "cn-cy-chengdu"}, {"name", "Chengdu"}}}}});
  REQUIRE(r);
  return *r;
}

TEST_CASE("regions parse from an array or a {regions: [...]} object", "[model][region]") {
  const Json arr = {{{"id", "cn-gz-guian"},
                     {"name", "Gui'an"},
                     {"hub", "贵州 Guizhou"},
                     {"side", "west"},
                     {"lat", 26.4},
                     {"lon", 106.6}}};
  auto a = parse_regions(arr);
  REQUIRE(a);
  REQUIRE(a->size() == 1);
  CHECK((*a)[0].id == "cn-gz-guian");
  CHECK((*a)[0].hub == "贵州 Guizhou");
  CHECK((*a)[0].lat == 26.4);
  CHECK((*a)[0].lon == 106.6);
  auto o = parse_regions(Json{{"regions", arr}});
  REQUIRE(o);
  CHECK(to_json((*o)[0]) == to_json((*a)[0]));
  // to_json -> parse is the identity.
  auto back = parse_regions(Json::array({to_json((*a)[0])}));
  REQUIRE(back);
  CHECK(to_json((*back)[0]) == to_json((*a)[0]));
}

TEST_CASE("region errors name the element and member", "[model][region]") {
  auto err = [](const Json& body) {
    auto r = parse_regions(body);
    INFO(body.dump());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_argument);
    return r.error();
  };
  CHECK(err(Json{{"regions", "x"}}).field == "regions");
  CHECK(err(Json("x")).field == "regions");
  CHECK(err(Json{{{"name", "n"}}}).field == "regions[0].id");
  CHECK(err(Json{{{"id", "Upper"}, {"name", "n"}}}).field == "regions[0].id");
  CHECK(err(Json{{{"id", "-lead"}, {"name", "n"}}}).field == "regions[0].id");
  CHECK(err(Json{{{"id", "a_b"}, {"name", "n"}}}).field == "regions[0].id");
  CHECK(err(Json{{{"id", "a"}}}).field == "regions[0].name");
  CHECK(err(Json{{{"id", "a"}, {"name", "n"}, {"lat", 91}}}).field == "regions[0].lat");
  CHECK(err(Json{{{"id", "a"}, {"name", "n"}, {"lon", -180.5}}}).field == "regions[0].lon");
  CHECK(err(Json{{{"id", "a"}, {"name", "n"}, {"zone", 1}}}).field == "regions[0].zone");
  const auto dup = err(Json{
      {{"id", "a"}, {"name", "n"}}, {{"id", "b"}, {"name", "n"}}, {{"id", "a"}, {"name", "m"}}});
  CHECK(dup.field == "regions[2].id");
  CHECK_THAT(dup.message, Contains("twice"));
}

TEST_CASE("links parse, default their bandwidth and egress, and refuse unknowns",
          "[model][region]") {
  const auto regions = three_regions();
  auto links = parse_links(Json{{"links",
                                 {{{"a", "cn-gz-guian"}, {"b", "cn-csj-shanghai"}, {"rtt_ms", 28}},
                                  {{"a", "cn-gz-guian"}, {"b", "cn-gz-guian"}, {"rtt_ms", 0.5}},
                                  {{"a", "cn-cy-chengdu"},
                                   {"b", "cn-gz-guian"},
                                   {"rtt_ms", 12},
                                   {"bandwidth_gbps", 40},
                                   {"egress_cny_per_gb", 0.05}}}}},
                           regions);
  REQUIRE(links);
  REQUIRE(links->size() == 3);
  // Between regions: 10 Gbps and ¥0.15/GB unless given; within a region: 25 Gbps and free.
  CHECK((*links)[0].bandwidth_gbps == 10.0);
  CHECK((*links)[0].egress_cny_per_gb == 0.15);
  CHECK((*links)[1].bandwidth_gbps == 25.0);
  CHECK((*links)[1].egress_cny_per_gb == 0.0);
  CHECK((*links)[2].bandwidth_gbps == 40.0);
  CHECK((*links)[2].egress_cny_per_gb == 0.05);

  auto err = [&](const Json& body) {
    auto r = parse_links(body, regions);
    INFO(body.dump());
    REQUIRE_FALSE(r);
    return r.error();
  };
  CHECK(err(Json{{"links", 1}}).field == "links");
  CHECK(err(Json{{{"a", "cn-gz-guian"}, {"b", "mars"}, {"rtt_ms", 1}}}).field == "links[0].b");
  CHECK(err(Json{{{"a", "mars"}, {"b", "cn-gz-guian"}, {"rtt_ms", 1}}}).field == "links[0].a");
  CHECK(err(Json{{{"a", "cn-gz-guian"}, {"b", "cn-cy-chengdu"}}}).field == "links[0].rtt_ms");
  CHECK(err(Json{{{"a", "cn-gz-guian"}, {"b", "cn-cy-chengdu"}, {"rtt_ms", -1}}}).field ==
        "links[0].rtt_ms");
  CHECK(
      err(Json{
              {{"a", "cn-gz-guian"}, {"b", "cn-cy-chengdu"}, {"rtt_ms", 1}, {"bandwidth_gbps", 0}}})
          .field == "links[0].bandwidth_gbps");
  CHECK(err(Json{{{"a", "cn-gz-guian"},
                  {"b", "cn-cy-chengdu"},
                  {"rtt_ms", 1},
                  {"egress_cny_per_gb", -0.1}}})
            .field == "links[0].egress_cny_per_gb");
  CHECK(
      err(Json{{{"a", "cn-gz-guian"}, {"b", "cn-cy-chengdu"}, {"rtt_ms", 1}, {"loss", 0}}}).field ==
      "links[0].loss");
  // A pair is one link whichever way round it is written.
  const auto dup = err(Json{{{"a", "cn-gz-guian"}, {"b", "cn-cy-chengdu"}, {"rtt_ms", 1}},
                            {{"a", "cn-cy-chengdu"}, {"b", "cn-gz-guian"}, {"rtt_ms", 2}}});
  CHECK(dup.field == "links[1].a");
  CHECK_THAT(dup.message, Contains("twice"));
}

TEST_CASE("Network::link is symmetric and falls back to the defaults", "[model][region]") {
  const Network net({NetworkLink{"cn-gz-guian", "cn-csj-shanghai", 28, 20, 0.1},
                     NetworkLink{"cn-gz-guian", "cn-gz-guian", 0.4, 100, 0}});
  const auto ab = net.link("cn-gz-guian", "cn-csj-shanghai");
  const auto ba = net.link("cn-csj-shanghai", "cn-gz-guian");
  CHECK(ab.rtt_ms == 28);
  CHECK(ba.rtt_ms == 28);
  CHECK(ba.bandwidth_gbps == 20);
  CHECK(ba.egress_cny_per_gb == 0.1);

  // A region's own figures when given...
  CHECK(net.link("cn-gz-guian", "cn-gz-guian").rtt_ms == 0.4);
  // ...else the same-region defaults, which never charge egress.
  const LinkDefaults d;
  const auto same = net.link("cn-cy-chengdu", "cn-cy-chengdu");
  CHECK(same.a == same.b);
  CHECK(same.rtt_ms == d.same_region_rtt_ms);
  CHECK(same.bandwidth_gbps == d.same_region_bandwidth_gbps);
  CHECK(same.egress_cny_per_gb == 0.0);
  // An unnamed pair gets the between-hub defaults.
  const auto unknown = net.link("cn-cy-chengdu", "cn-csj-shanghai");
  CHECK(unknown.a == "cn-cy-chengdu");
  CHECK(unknown.b == "cn-csj-shanghai");
  CHECK(unknown.rtt_ms == d.between_rtt_ms);
  CHECK(unknown.bandwidth_gbps == d.between_bandwidth_gbps);
  CHECK(unknown.egress_cny_per_gb == d.between_egress_cny_per_gb);

  // Custom defaults are honoured.
  const Network custom({}, LinkDefaults{2, 50, 40, 5, 0.3});
  CHECK(custom.link("x", "y").rtt_ms == 40);
  CHECK(custom.link("x", "y").egress_cny_per_gb == 0.3);
  CHECK(custom.link("x", "x").bandwidth_gbps == 50);
}

TEST_CASE("link JSON round-trips through parse_links", "[model][region]") {
  const auto regions = three_regions();
  const NetworkLink l{"cn-gz-guian", "cn-cy-chengdu", 12.5, 40, 0.05};
  auto back = parse_links(Json::array({to_json(l)}), regions);
  REQUIRE(back);
  CHECK(to_json((*back)[0]) == to_json(l));
}

}  // namespace

TEST_CASE("a region's Chinese name is optional, kept and shown", "[model][region]") {
  auto r = parse_regions(Json{{"regions",
                               {{{"id", "cn-gz-guian"}, {"name", "Gui'an"}, {"name_zh", "贵安"}},
                                {{"id", "cn-cy-chengdu"}, {"name", "Chengdu"}}}}});
  REQUIRE(r);
  CHECK((*r)[0].name_zh == "贵安");
  CHECK(to_json((*r)[0])["name_zh"] == "贵安");
  CHECK_FALSE(to_json((*r)[1]).contains("name_zh"));
  auto bad = parse_regions(Json{{"regions", {{{"id", "x"}, {"name", "X"}, {"name_zh", 3}}}}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "regions[0].name_zh");
}
