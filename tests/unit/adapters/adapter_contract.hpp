// The one contract every SiteAdapter passes (DESIGN §4), as a function each suite calls from
// its own test case with a harness for its adapter: unit tests (sim, local), sites (slurm),
// integration (peer). A harness has the members of SimHarness in contract_test.cpp: kAdapter,
// kMaxPolls, kExclusive (false for a site shared with other users, such as a real Slurm: the
// checks that count every job on the site are skipped), config(), bad_options(), make(),
// quick_job(key), long_job(key), expected_output(), pass_time(), now() and an `io` context.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "unit/adapters/adapter_test_support.hpp"

namespace suanwang::testing {

// An invalid options object and the option the error must name.
struct BadOptions {
  nlohmann::json options;
  std::string names;
};

template <class TestType>
void check_adapter_contract() {
  using namespace suanwang::adapters;

  TestType h;
  auto adapter = h.make();
  auto& io = h.io;
  const auto pass = [&] { h.pass_time(); };
  const auto final_state = [](const RemoteStatus& s) { return is_final(s.state); };

  SECTION("describe names the adapter") {
    const auto d = adapter->describe();
    CHECK(d.adapter == TestType::kAdapter);
    CHECK(d.supports_scripts);
    CHECK(d.max_walltime_s >= 0);
  }

  SECTION("capacity is sane") {
    auto cap = run_sync(io, adapter->capacity());
    REQUIRE(cap);
    REQUIRE_FALSE(cap->pools.empty());
    for (const auto& p : cap->pools) {
      CHECK_FALSE(p.name.empty());
      CHECK(p.cpus_total > 0);
      CHECK(p.cpus_free >= 0);
      CHECK(p.cpus_free <= p.cpus_total);
      CHECK(p.memory_gb_total > 0);
      CHECK(p.memory_gb_free >= 0);
      CHECK(p.memory_gb_free <= p.memory_gb_total);
      for (const auto& [model, n] : p.accelerators) {
        CHECK(n.free >= 0);
        CHECK(n.free <= n.total);
      }
    }
    CHECK(cap->running_jobs >= 0);
    CHECK(cap->queued_jobs >= 0);
    CHECK(cap->queued_work_core_s >= 0);
    CHECK(cap->est_queue_wait_s >= 0);
    if (TestType::kExclusive) {
      CHECK(cap->running_jobs == 0);
      CHECK(cap->queued_jobs == 0);
      CHECK(cap->est_queue_wait_s == 0);
    }
    CHECK(std::chrono::abs(cap->observed_at - h.now()) < std::chrono::seconds(5));
  }

  SECTION("health answers") {
    auto health = run_sync(io, adapter->health());
    REQUIRE(health);
    CHECK(health->reachable);
    CHECK(health->rtt_ms >= 0);
  }

  SECTION("a submitted job runs to success and its output can be read") {
    auto sub = run_sync(io, adapter->submit(h.quick_job("job_contract_1")));
    REQUIRE(sub);
    CHECK_FALSE(sub->already_existed);
    CHECK_FALSE(sub->remote_id.empty());
    auto s = poll_status(io, *adapter, sub->remote_id, final_state, pass, TestType::kMaxPolls);
    CHECK(s.remote_id == sub->remote_id);
    REQUIRE(s.state == RemoteState::succeeded);
    CHECK(s.exit_code == 0);
    REQUIRE(s.started_at);
    REQUIRE(s.finished_at);
    CHECK(*s.started_at <= *s.finished_at);

    const auto all = read_all_logs(io, *adapter, sub->remote_id);
    CHECK_THAT(all, Catch::Contains(h.expected_output()));
    // Reading in small chunks gives the same bytes, and the last chunk says eof.
    CHECK(read_all_logs(io, *adapter, sub->remote_id, 7) == all);
    auto tail = run_sync(io, adapter->logs(sub->remote_id, static_cast<int64_t>(all.size()), 100));
    REQUIRE(tail);
    CHECK(tail->data.empty());
    CHECK(tail->eof);
    CHECK(tail->next_offset == static_cast<int64_t>(all.size()));

    SECTION("cancelling a finished job succeeds and changes nothing") {
      REQUIRE(run_sync(io, adapter->cancel(sub->remote_id)));
      CHECK(status_one(io, *adapter, sub->remote_id).state == RemoteState::succeeded);
    }
    SECTION("a resubmit after the end starts nothing") {
      auto again = run_sync(io, adapter->submit(h.quick_job("job_contract_1")));
      REQUIRE(again);
      CHECK(again->already_existed);
      CHECK(again->remote_id == sub->remote_id);
      CHECK(status_one(io, *adapter, sub->remote_id).state == RemoteState::succeeded);
    }
  }

  SECTION("submit is idempotent by key") {
    auto first = run_sync(io, adapter->submit(h.long_job("job_contract_2")));
    auto second = run_sync(io, adapter->submit(h.long_job("job_contract_2")));
    REQUIRE(first);
    REQUIRE(second);
    CHECK_FALSE(first->already_existed);
    CHECK(second->already_existed);
    CHECK(second->remote_id == first->remote_id);
    if (TestType::kExclusive) {
      auto cap = run_sync(io, adapter->capacity());
      REQUIRE(cap);
      CHECK(cap->running_jobs + cap->queued_jobs == 1);
    }
    REQUIRE(run_sync(io, adapter->cancel(first->remote_id)));
    poll_status(io, *adapter, first->remote_id, final_state, pass, TestType::kMaxPolls);
  }

  SECTION("a running job can be cancelled, and cancel is idempotent") {
    auto sub = run_sync(io, adapter->submit(h.long_job("job_contract_3")));
    REQUIRE(sub);
    auto running = poll_status(
        io, *adapter, sub->remote_id,
        [](const RemoteStatus& s) { return s.state != RemoteState::queued; }, pass,
        TestType::kMaxPolls);
    REQUIRE(running.state == RemoteState::running);
    CHECK(running.started_at);
    REQUIRE(run_sync(io, adapter->cancel(sub->remote_id)));
    REQUIRE(run_sync(io, adapter->cancel(sub->remote_id)));
    auto s = poll_status(io, *adapter, sub->remote_id, final_state, pass, TestType::kMaxPolls);
    CHECK(s.state == RemoteState::canceled);
    REQUIRE(run_sync(io, adapter->cancel(sub->remote_id)));
    CHECK(status_one(io, *adapter, sub->remote_id).state == RemoteState::canceled);
    if (TestType::kExclusive) {
      auto cap = run_sync(io, adapter->capacity());
      REQUIRE(cap);
      CHECK(cap->running_jobs == 0);
      CHECK(cap->pools.front().cpus_free == cap->pools.front().cpus_total);
    }
  }

  SECTION("ids the site does not know are lost; cancel and logs say not_found") {
    auto statuses = run_sync(io, adapter->status({"no-such-job", "job_never_submitted"}));
    REQUIRE(statuses);
    REQUIRE(statuses->size() == 2);
    for (const auto& s : *statuses) {
      CHECK(s.state == RemoteState::lost);
      CHECK(s.reason == "unknown to site");
    }
    CHECK((*statuses)[0].remote_id == "no-such-job");
    auto c = run_sync(io, adapter->cancel("no-such-job"));
    REQUIRE_FALSE(c);
    CHECK(c.error().code == AdapterErrc::not_found);
    auto l = run_sync(io, adapter->logs("no-such-job", 0, 100));
    REQUIRE_FALSE(l);
    CHECK(l.error().code == AdapterErrc::not_found);
  }

  SECTION("a job with more cpus than the site has is refused") {
    auto job = h.quick_job("job_contract_huge");
    job.cpus = 1'000'000;
    auto sub = run_sync(io, adapter->submit(job));
    REQUIRE_FALSE(sub);
    CHECK(sub.error().code == AdapterErrc::refused);
  }

  SECTION("validate accepts good options and names the field of bad ones") {
    const auto registry = AdapterRegistry::builtin();
    CHECK(registry.validate(h.config()));
    for (const auto& bad : h.bad_options()) {
      AdapterConfig c = h.config();
      c.options = bad.options;
      auto v = registry.validate(c);
      INFO(bad.options.dump());
      REQUIRE_FALSE(v);
      CHECK(v.error().code == AdapterErrc::invalid_config);
      CHECK_THAT(v.error().message, Catch::StartsWith(bad.names));
    }
    AdapterConfig typo = h.config();
    typo.options["no_such_option"] = 1;
    auto v = registry.validate(typo);
    REQUIRE_FALSE(v);
    CHECK_THAT(v.error().message, Catch::Contains("options.no_such_option"));
  }
}

}  // namespace suanwang::testing
