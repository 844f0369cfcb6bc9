// The peer adapter's records of job keys (see peer_records.hpp).
#include "adapters/peer/peer_records.hpp"

#include <nlohmann/json.hpp>

#include "adapters/common/small_file.hpp"
#include "adapters/peer/peer_api.hpp"

namespace suanwang::adapters::peer {

namespace fs = std::filesystem;
using nlohmann::json;

PeerRecords::PeerRecords(fs::path work_dir)
    : keys_(work_dir.empty() ? fs::path() : work_dir / "keys") {}

std::optional<KeyRecord> PeerRecords::find(const std::string& key) const {
  if (keys_.empty() || !is_peer_job_id(key)) return std::nullopt;
  auto text = read_small_file(keys_ / (key + ".json"), 64 * 1024);
  if (!text) return std::nullopt;
  const json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  KeyRecord r;
  auto id_at = [&](const char* name) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::string();
    const auto& s = it->get_ref<const std::string&>();
    return is_peer_job_id(s) ? s : std::string();
  };
  r.inputs = id_at("inputs");
  r.remote_id = id_at("remote_id");
  auto creating = j.find("creating");
  r.creating = creating != j.end() && creating->is_boolean() && creating->get<bool>();
  return r;
}

AdapterResult<void> PeerRecords::save(const std::string& key, const KeyRecord& record) const {
  if (keys_.empty()) return {};
  if (!is_peer_job_id(key)) {
    return adapter_fail(AdapterErrc::internal,
                        "peer: key '" + key.substr(0, 64) + "' is not a job id");
  }
  std::error_code ec;
  fs::create_directories(keys_, ec);
  if (ec) {
    return adapter_fail(AdapterErrc::internal,
                        "cannot create " + keys_.string() + ": " + ec.message());
  }
  const json j = {
      {"inputs", record.inputs}, {"creating", record.creating}, {"remote_id", record.remote_id}};
  return write_file_durably(keys_ / (key + ".json"), j.dump());
}

}  // namespace suanwang::adapters::peer
