// SiteAdapter over SimEngine: each call reads the injected clock and hands the engine `now`.
// The engine never suspends, so a caller's timeout can only abandon a call before or after
// it ran, never half-way.
#include "adapters/sim/sim_adapter.hpp"

#include <sstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/common/small_file.hpp"
#include "adapters/sim/sim_engine.hpp"

namespace suanwang::adapters::sim {
namespace {

class SimAdapter final : public SiteAdapter {
 public:
  SimAdapter(SimOptions options, const AdapterContext& context)
      : fault_file_(options.fault_injection && !context.work_dir.empty()
                        ? std::filesystem::path(context.work_dir) / "fault"
                        : std::filesystem::path()),
        engine_(std::move(options), context.seed),
        now_(context.now) {}

  Description describe() const override { return engine_.describe(); }

  boost::asio::awaitable<AdapterResult<Capacity>> capacity() override {
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    co_return engine_.capacity(now_());
  }

  boost::asio::awaitable<AdapterResult<SubmitResult>> submit(const JobRequest& job) override {
    const JobRequest copy = job;  // the caller's reference may not outlive a suspension
    if (auto f = co_await fault(true)) co_return std::unexpected(std::move(*f));
    co_return engine_.submit(copy, now_());
  }

  boost::asio::awaitable<AdapterResult<std::vector<RemoteStatus>>> status(
      const std::vector<std::string>& remote_ids) override {
    const std::vector<std::string> ids = remote_ids;
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    co_return engine_.status(ids, now_());
  }

  boost::asio::awaitable<AdapterResult<void>> cancel(const std::string& remote_id) override {
    const std::string id = remote_id;
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    co_return engine_.cancel(id, now_());
  }

  boost::asio::awaitable<AdapterResult<LogChunk>> logs(const std::string& remote_id, int64_t offset,
                                                       int64_t max_bytes) override {
    const std::string id = remote_id;
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    co_return engine_.logs(id, offset, max_bytes, now_());
  }

  boost::asio::awaitable<AdapterResult<Health>> health() override {
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    co_return engine_.health();
  }

 private:
  // The injected fault for this call (see sim_adapter.hpp): an error to return, or nothing
  // (after the delay of "slow").
  boost::asio::awaitable<std::optional<AdapterError>> fault(bool is_submit) {
    if (fault_file_.empty()) co_return std::nullopt;
    const auto text = read_small_file(fault_file_, 256);
    if (!text) co_return std::nullopt;
    std::istringstream in(*text);
    std::string mode;
    int64_t ms = 0;
    in >> mode >> ms;
    if (mode == "unreachable") {
      co_return AdapterError{AdapterErrc::unreachable, "sim: injected fault: unreachable"};
    }
    if (mode == "refuse" && is_submit) {
      co_return AdapterError{AdapterErrc::refused, "sim: injected fault: refusing jobs"};
    }
    if (mode != "dark" && mode != "slow") co_return std::nullopt;
    // "dark" waits for the caller's timeout to cancel it (bounded anyway, at ten minutes).
    const auto delay =
        std::chrono::milliseconds(mode == "dark" ? 600'000 : std::clamp<int64_t>(ms, 0, 600'000));
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec || mode == "dark") {
      co_return AdapterError{AdapterErrc::timeout, "sim: injected fault: no answer"};
    }
    co_return std::nullopt;
  }

  std::filesystem::path fault_file_;  // empty: no fault injection
  SimEngine engine_;
  std::function<TimePoint()> now_;
};

AdapterResult<void> validate(const AdapterConfig& config) {
  auto options = parse_sim_options(config.options);
  if (!options) return std::unexpected(options.error());
  return {};
}

AdapterResult<std::unique_ptr<SiteAdapter>> create(const AdapterConfig& config,
                                                   const AdapterContext& context) {
  auto options = parse_sim_options(config.options);
  if (!options) return std::unexpected(options.error());
  if (!context.now) {
    return adapter_fail(AdapterErrc::internal, "sim adapter needs a clock (context.now)");
  }
  return std::make_unique<SimAdapter>(std::move(*options), context);
}

}  // namespace

AdapterFactory factory() {
  return AdapterFactory{"sim", "an emulated compute center on an injectable clock", &validate,
                        &create};
}

}  // namespace suanwang::adapters::sim
