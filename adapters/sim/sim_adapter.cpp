// SiteAdapter over SimEngine: each call reads the injected clock and hands the engine `now`.
// The engine never suspends, so a caller's timeout can only abandon a call before or after
// it ran, never half-way.
#include "adapters/sim/sim_adapter.hpp"

#include "adapters/sim/sim_engine.hpp"

namespace suanwang::adapters::sim {
namespace {

class SimAdapter final : public SiteAdapter {
 public:
  SimAdapter(SimOptions options, const AdapterContext& context)
      : engine_(std::move(options), context.seed), now_(context.now) {}

  Description describe() const override { return engine_.describe(); }

  boost::asio::awaitable<AdapterResult<Capacity>> capacity() override {
    co_return engine_.capacity(now_());
  }

  boost::asio::awaitable<AdapterResult<SubmitResult>> submit(const JobRequest& job) override {
    co_return engine_.submit(job, now_());
  }

  boost::asio::awaitable<AdapterResult<std::vector<RemoteStatus>>> status(
      const std::vector<std::string>& remote_ids) override {
    co_return engine_.status(remote_ids, now_());
  }

  boost::asio::awaitable<AdapterResult<void>> cancel(const std::string& remote_id) override {
    co_return engine_.cancel(remote_id, now_());
  }

  boost::asio::awaitable<AdapterResult<LogChunk>> logs(const std::string& remote_id, int64_t offset,
                                                       int64_t max_bytes) override {
    co_return engine_.logs(remote_id, offset, max_bytes, now_());
  }

  boost::asio::awaitable<AdapterResult<Health>> health() override { co_return engine_.health(); }

 private:
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
