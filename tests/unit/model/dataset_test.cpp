// Dataset registration parsing and JSON form.
#include <catch2/catch.hpp>

#include "gateway/model/dataset.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::model;

TEST_CASE("a dataset needs a name, a size and at least one replica", "[model][dataset]") {
  auto d = parse_dataset(Json{{"name", "imagenet"},
                              {"size_bytes", 150'000'000'000},
                              {"replicas", {{{"region", "cn-gz-guian"}}, {{"site", "site_a"}}}}});
  REQUIRE(d);
  CHECK(d->name == "imagenet");
  CHECK(d->size_bytes == 150'000'000'000);
  REQUIRE(d->replicas.size() == 2);
  CHECK(d->replicas[0].region == "cn-gz-guian");
  CHECK(d->replicas[0].site.empty());
  CHECK(d->replicas[1].site == "site_a");
  CHECK(d->replicas[1].region.empty());  // the caller fills a site replica's region

  auto field_of = [](const Json& body) {
    auto r = parse_dataset(body);
    INFO(body.dump());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_argument);
    return r.error().field;
  };
  const Json reps = {{{"region", "r"}}};
  CHECK(field_of(Json{{"size_bytes", 1}, {"replicas", reps}}) == "name");
  CHECK(field_of(Json{{"name", "n"}, {"replicas", reps}}) == "size_bytes");
  CHECK(field_of(Json{{"name", "n"}, {"size_bytes", -1}, {"replicas", reps}}) == "size_bytes");
  CHECK(field_of(Json{{"name", "n"}, {"size_bytes", 1}}) == "replicas");
  CHECK(field_of(Json{{"name", "n"}, {"size_bytes", 1}, {"replicas", Json::array()}}) ==
        "replicas");
  CHECK(field_of(Json{{"name", "n"}, {"size_bytes", 1}, {"replicas", {{"region", "r"}}}}) ==
        "replicas");  // an object, not an array
  CHECK(field_of(Json{{"name", "n"}, {"size_bytes", 1}, {"replicas", {Json::object()}}}) ==
        "replicas[0].region");
  CHECK(field_of(Json{{"name", "n"}, {"size_bytes", 1}, {"replicas", {{{"zone", "z"}}}}}) ==
        "replicas[0].zone");
  CHECK(field_of(Json{{"name", "n"}, {"size_bytes", 1}, {"replicas", reps}, {"owner", "x"}}) ==
        "owner");
}

TEST_CASE("dataset JSON shows replicas, with a site only when there is one", "[model][dataset]") {
  Dataset d;
  d.id = "ds_1";
  d.name = "n";
  d.size_bytes = 42;
  d.replicas = {{"cn-gz-guian", ""}, {"cn-csj-shanghai", "site_a"}};
  d.created_at = from_unix_ms(0);
  const Json j = to_json(d);
  CHECK(j["id"] == "ds_1");
  CHECK(j["size_bytes"] == 42);
  CHECK(j["replicas"][0] == Json{{"region", "cn-gz-guian"}});
  CHECK(j["replicas"][1] == Json{{"region", "cn-csj-shanghai"}, {"site", "site_a"}});
  CHECK(j["created_at"] == "1970-01-01T00:00:00.000Z");
}

}  // namespace
