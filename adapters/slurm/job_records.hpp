// What the slurm adapter remembers of its jobs on the gateway's side, under the site's
// work_dir, so that it survives a gateway restart and outlives slurmctld's memory (MinJobAge):
//   keys/<key>       "<slurm job id>": the job submitted for a gateway key (idempotent submit)
//   jobs/<id>.json   {"key", "final": {...}}: the job's key, and its final state once seen
// Small synchronous file operations (well under a millisecond) on the adapter's strand; writes
// are atomic (temp file + rename), reads are size-bounded, and corrupt files read as absent.
#pragma once

#include "adapters/common/small_file.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::slurm {

struct JobRecord {
  std::string key;
  std::optional<RemoteStatus> final_status;
};

class JobRecords {
 public:
  explicit JobRecords(std::filesystem::path work_dir);

  // Creates the directories; an error names the path.
  AdapterResult<void> init() const;

  std::optional<int64_t> find_key(const std::string& key) const;
  std::optional<JobRecord> find_job(int64_t job_id) const;
  AdapterResult<void> remember_submit(const std::string& key, int64_t job_id) const;
  AdapterResult<void> remember_final(int64_t job_id, const RemoteStatus& status) const;

 private:
  std::filesystem::path keys_;
  std::filesystem::path jobs_;
};

}  // namespace suanwang::adapters::slurm
