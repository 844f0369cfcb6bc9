// DataMover: the data plane's side of the dispatcher (DESIGN §4): stages a job's input files
// from the blob store to its site before the submit, and collects its outputs after it ended
// into a new sealed dataset of its org, each file checked against its SHA-256 at every hop.
// Its answers are lifecycle inputs (Staged / StagingFailed, Collected / CollectFailed), so
// what a failure means is decided by the lifecycle, not here.
//
// Threading: any executor; the adapter calls run on the site's strand, disk work on DiskWork.
#pragma once

#include <chrono>

#include <boost/asio/awaitable.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/data/blob_store.hpp"
#include "gateway/data/disk_work.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/lifecycle/lifecycle.hpp"
#include "gateway/model/job.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::runtime {

class DataMover {
 public:
  // `transfer_timeout` bounds one staging or collection call (config transfer_timeout_ms).
  DataMover(store::Store& store, federation::SiteDirectory& directory, data::BlobStore& blobs,
            data::DiskWork& disk, IdGenerator& ids, const Clock& clock,
            std::chrono::milliseconds transfer_timeout)
      : store_(store),
        directory_(directory),
        blobs_(blobs),
        disk_(disk),
        ids_(ids),
        clock_(clock),
        transfer_timeout_(transfer_timeout) {}

  // Puts the job's staged inputs into its directory at its site (idempotent).
  boost::asio::awaitable<lifecycle::Input> stage(const model::JobRecord& job);
  // Brings the ended job's outputs back as a sealed dataset of its org (idempotent: a dataset
  // already made for the job is the answer).
  boost::asio::awaitable<lifecycle::Input> collect(const model::JobRecord& job);

 private:
  store::Store& store_;
  federation::SiteDirectory& directory_;
  data::BlobStore& blobs_;
  data::DiskWork& disk_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::chrono::milliseconds transfer_timeout_;
};

}  // namespace suanwang::runtime
