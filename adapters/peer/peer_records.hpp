// What the peer adapter remembers of a job key on the gateway's side, under the site's
// work_dir, so that a restarted gateway finds again the peer's dataset of the job's inputs and
// the peer's job (collect() is given only the key):
//   keys/<key>.json  {"inputs": "<peer dataset id>", "creating": true|false,
//                     "remote_id": "<peer job id>"}
// "creating" is written before the peer is asked to make the dataset: a gateway that stops
// before it learns the id looks the dataset up by its name instead of making a second one.
// Small synchronous file operations (well under a millisecond) on the adapter's strand, as the
// slurm adapter's records; writes are durable and atomic, corrupt files read as absent.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::peer {

struct KeyRecord {
  std::string inputs;     // the peer's dataset of the staged inputs, "" when none is known
  bool creating = false;  // a dataset was being made when this was written
  std::string remote_id;  // the peer's job, "" before the submit
};

class PeerRecords {
 public:
  // An empty work_dir keeps nothing on disk (find() never finds, save() does nothing).
  explicit PeerRecords(std::filesystem::path work_dir);

  // REQUIRES: is_peer_job_id(key) (the key is a file name).
  std::optional<KeyRecord> find(const std::string& key) const;
  AdapterResult<void> save(const std::string& key, const KeyRecord& record) const;
  // Whether records are kept on disk (a work_dir was given).
  bool kept() const { return !keys_.empty(); }

 private:
  std::filesystem::path keys_;
};

}  // namespace suanwang::adapters::peer
