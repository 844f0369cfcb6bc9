// SiteDirectory's version and shared snapshot: every change a view shows moves the version and
// yields a new snapshot; reads without a change share one.
#include <catch2/catch.hpp>

#include <sstream>

#include "gateway/federation/site_directory.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang;

model::Site sim_site(std::string id) {
  model::Site s;
  s.id = std::move(id);
  s.org_id = "org_op";
  s.name = s.id;
  s.region = "r";
  s.adapter.type = "sim";
  s.adapter.options = {{"pools", {{{"name", "cpu"}, {"cpus", 8}, {"memory_gb", 32}}}}};
  return s;
}

// A directory of sim sites on a manual clock, its log kept in memory.
struct DirectoryFixture {
  boost::asio::io_context io;
  const adapters::AdapterRegistry registry = adapters::AdapterRegistry::builtin();
  ManualClock clock;
  std::ostringstream out;
  Logger log{out};
  testing::TempDir dir;
  federation::SiteDirectory directory{io, registry, clock, dir.path(), std::chrono::seconds(1),
                                      log};
};

}  // namespace

TEST_CASE_METHOD(DirectoryFixture,
                 "the directory's snapshot is shared until something it shows changes",
                 "[federation][directory]") {

  const auto v0 = directory.version();
  REQUIRE(directory.upsert(sim_site("site_a")));
  REQUIRE(directory.upsert(sim_site("site_b")));
  CHECK(directory.version() > v0);

  auto first = directory.snapshot();
  REQUIRE(first->size() == 2);
  CHECK(directory.snapshot() == first);  // nothing changed: the same one
  CHECK(directory.snapshot()->size() == 2);

  // Each kind of change moves the version and shows in the next snapshot.
  auto changed = [&](auto&& change) {
    const auto before = directory.version();
    change();
    CHECK(directory.version() != before);
    auto next = directory.snapshot();
    CHECK(next != first);
    first = next;
  };
  changed([&] {
    model::SiteCapacity c;
    c.pools = {model::PoolCapacity{"p", 8, 4, 16, 8, {}, 0}};
    directory.record_capacity("site_a", c, 3.0);
  });
  CHECK(directory.view("site_a")->capacity->pools.at(0).cpus_free == 4);
  changed([&] { directory.record_failure("site_b", "timed out", 1, 3); });
  CHECK((*first)[1].site.status == model::SiteStatus::degraded);
  changed([&] { directory.record_success("site_b"); });
  CHECK((*first)[1].site.status == model::SiteStatus::online);
  changed([&] {
    auto s = sim_site("site_a");
    s.drained = true;
    directory.update_config(s);
  });
  CHECK((*first)[0].site.drained);
  changed([&] { directory.remove("site_b"); });
  CHECK(first->size() == 1);

  // A success on a healthy site changes nothing anyone sees: the snapshot stays.
  const auto before = directory.version();
  directory.record_success("site_a");
  CHECK(directory.version() == before);
  CHECK(directory.snapshot() == first);
}

TEST_CASE_METHOD(DirectoryFixture,
                 "a checking site turns online at its first success, or offline, never degraded",
                 "[federation][directory]") {
  for (const char* id : {"site_answers", "site_silent"}) {
    auto s = sim_site(id);
    s.status = model::SiteStatus::checking;
    REQUIRE(directory.upsert(s));
  }
  // One success: online, and the change is returned for the caller to persist.
  auto online = directory.record_success("site_answers");
  REQUIRE(online);
  CHECK(online->status == model::SiteStatus::online);

  // Failures past until_degraded leave it checking; at until_offline it is offline.
  CHECK_FALSE(directory.record_failure("site_silent", "unreachable", 1, 3));
  CHECK_FALSE(directory.record_failure("site_silent", "unreachable", 1, 3));
  CHECK(directory.view("site_silent")->site.status == model::SiteStatus::checking);
  auto offline = directory.record_failure("site_silent", "unreachable", 1, 3);
  REQUIRE(offline);
  CHECK(offline->status == model::SiteStatus::offline);
  // And it comes online when it answers at last.
  auto back = directory.record_success("site_silent");
  REQUIRE(back);
  CHECK(back->status == model::SiteStatus::online);
}
