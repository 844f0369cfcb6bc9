// SiteAdapter over SimEngine: each call reads the injected clock and hands the engine `now`.
// The engine never suspends, so a caller's timeout can only abandon a call before or after
// it ran, never half-way; a call that changed the site saves it before it answers, in the same
// synchronous stretch.
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

// Bounds the read of a saved state: about 200 bytes a job, so a million jobs.
constexpr size_t kMaxStateBytes = size_t{256} << 20;

class SimAdapter final : public SiteAdapter {
 public:
  SimAdapter(SimOptions options, const AdapterContext& context)
      : fault_file_(options.fault_injection && !context.work_dir.empty()
                        ? std::filesystem::path(context.work_dir) / "fault"
                        : std::filesystem::path()),
        state_file_(context.work_dir.empty()
                        ? std::filesystem::path()
                        : std::filesystem::path(context.work_dir) / "sim-state.json"),
        engine_(std::move(options), context.seed),
        now_(context.now) {}

  // A save that failed is tried once more; nobody is left to hear of an error.
  ~SimAdapter() override { (void)save(); }

  // Takes up the site where the last adapter over this work dir left it. A state that cannot
  // be read or no longer fits the options is kept aside as sim-state.json.unreadable and the
  // site starts empty (as every sim site did before it kept its state); health() says why.
  void load() {
    if (state_file_.empty()) return;
    std::error_code ec;
    if (!std::filesystem::exists(state_file_, ec)) return;
    auto restored = [&]() -> AdapterResult<void> {
      auto text = read_small_file(state_file_, kMaxStateBytes);
      if (!text) {
        return adapter_fail(AdapterErrc::internal, "sim state: unreadable or over " +
                                                       std::to_string(kMaxStateBytes) + " bytes");
      }
      auto snapshot = snapshot_from_text(*text);
      if (!snapshot) return std::unexpected(snapshot.error());
      return engine_.restore(*snapshot);
    }();
    if (restored) {
      saved_changes_ = engine_.changes();
      return;
    }
    auto aside = state_file_;
    aside += ".unreadable";
    std::filesystem::rename(state_file_, aside, ec);
    load_problem_ = restored.error().message + " (kept as " + aside.filename().string() +
                    "; the site started empty)";
  }

  Description describe() const override {
    Description d = engine_.describe();
    d.supports_staging = true;
    return d;
  }

  // An emulated center moves no bytes: staging and collection report the time the files would
  // take at kModelledBytesPerSecond (a 10 Gbit/s path into the center) and succeed.
  static constexpr double kModelledBytesPerSecond = 1.25e9;
  boost::asio::awaitable<AdapterResult<TransferReport>> stage(
      const std::string& key, const std::vector<StageFile>& files) override {
    (void)key;
    TransferReport r;
    r.modelled = true;
    for (const auto& f : files) {
      r.bytes += f.size_bytes;
      ++r.files;
    }
    r.seconds = static_cast<double>(r.bytes) / kModelledBytesPerSecond;
    co_return r;
  }
  boost::asio::awaitable<AdapterResult<Collection>> collect(
      const std::string& key, const std::vector<std::string>& globs,
      const std::string& into_dir) override {
    (void)key;
    (void)globs;
    (void)into_dir;
    Collection c;  // emulated jobs write nothing
    c.report.modelled = true;
    co_return c;
  }

  boost::asio::awaitable<AdapterResult<Capacity>> capacity() override {
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    co_return engine_.capacity(now_());
  }

  boost::asio::awaitable<AdapterResult<SubmitResult>> submit(const JobRequest& job) override {
    const JobRequest copy = job;  // the caller's reference may not outlive a suspension
    if (auto f = co_await fault(true)) co_return std::unexpected(std::move(*f));
    auto result = engine_.submit(copy, now_());
    if (auto saved = save(); !saved) {
      if (!result) co_return result;
      // As a real site that started the job but could not note it: a retry finds it by key.
      co_return adapter_fail(
          saved.error().code,
          "sim: job " + result->remote_id + " accepted but not saved: " + saved.error().message);
    }
    co_return result;
  }

  boost::asio::awaitable<AdapterResult<std::vector<RemoteStatus>>> status(
      const std::vector<std::string>& remote_ids) override {
    const std::vector<std::string> ids = remote_ids;
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    auto result = engine_.status(ids, now_());
    (void)save();  // only retries an earlier failed save: status changes nothing saved
    co_return result;
  }

  boost::asio::awaitable<AdapterResult<void>> cancel(const std::string& remote_id) override {
    const std::string id = remote_id;
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    auto result = engine_.cancel(id, now_());
    if (!result) co_return result;
    if (auto saved = save(); !saved) {
      co_return adapter_fail(saved.error().code,
                             "sim: " + id + " canceled but not saved: " + saved.error().message);
    }
    co_return result;
  }

  boost::asio::awaitable<AdapterResult<LogChunk>> logs(const std::string& remote_id, int64_t offset,
                                                       int64_t max_bytes) override {
    const std::string id = remote_id;
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    co_return engine_.logs(id, offset, max_bytes, now_());
  }

  boost::asio::awaitable<AdapterResult<Health>> health() override {
    if (auto f = co_await fault(false)) co_return std::unexpected(std::move(*f));
    Health h = engine_.health();
    if (!load_problem_.empty()) h.detail += "; " + load_problem_;
    co_return h;
  }

 private:
  // Writes the site's state when it changed since the last write (SimEngine::changes); a
  // no-op without a work dir, so sites that never take a job write nothing.
  AdapterResult<void> save() {
    if (state_file_.empty() || engine_.changes() == saved_changes_) return {};
    std::error_code ec;
    std::filesystem::create_directories(state_file_.parent_path(), ec);  // the write reports it
    auto written = write_file_durably(state_file_, snapshot_to_text(engine_.snapshot()));
    if (!written) return written;
    saved_changes_ = engine_.changes();
    return {};
  }

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
  std::filesystem::path state_file_;  // empty: the site is not kept across restarts
  SimEngine engine_;
  uint64_t saved_changes_ = 0;  // engine_.changes() at the last save or load
  std::string load_problem_;    // why the saved state was not taken up, for health()
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
  auto adapter = std::make_unique<SimAdapter>(std::move(*options), context);
  adapter->load();
  return adapter;
}

}  // namespace

AdapterFactory factory() {
  return AdapterFactory{"sim", "an emulated compute center on an injectable clock", &validate,
                        &create};
}

}  // namespace suanwang::adapters::sim
