// Dataset: a named, immutable set of files (DESIGN §2). A `files` dataset holds real bytes in
// the gateway's blob store: it is open while files are uploaded, then sealed; its size is the
// sum of its files, measured. A `declared` dataset is data that lives outside the network,
// known by a size and the regions or sites that hold it: placement weighs it, nothing stages it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/json.hpp"

namespace suanwang::model {

struct Replica {
  std::string region;  // always set (a site replica carries its site's region)
  std::string site;    // optional: the replica sits at this site
};

enum class DatasetKind { declared, files };
const char* dataset_kind_name(DatasetKind k);

struct Dataset {
  std::string id;
  std::string org_id;
  std::string name;
  DatasetKind kind = DatasetKind::declared;
  int64_t size_bytes = 0;
  int64_t file_count = 0;
  std::vector<Replica> replicas;
  std::optional<TimePoint> sealed_at;  // files: no more changes from then on
  std::string job_id;                  // set on the dataset of a job's collected outputs
  TimePoint created_at{};

  bool sealed() const { return kind == DatasetKind::declared || sealed_at.has_value(); }
};

// One file of a `files` dataset; its bytes are the blob named by sha256.
struct DatasetFile {
  std::string path;  // relative, checked by data::check_file_path
  int64_t size_bytes = 0;
  std::string sha256;  // hex
  TimePoint created_at{};
};

// A resumable upload (tus 1.0) of one file into an open dataset: `offset` bytes are committed.
struct Upload {
  std::string id;
  std::string org_id;
  std::string dataset_id;
  std::string path;
  int64_t length = 0;
  int64_t offset = 0;
  std::string metadata;  // the client's Upload-Metadata header, as sent (tus)
  std::string sha256;    // set once every byte is committed (hex)
  TimePoint created_at{};
  TimePoint expires_at{};
};

Json to_json(const DatasetFile& f);

// A create body -> a Dataset without id/org/timestamps: {"name"} alone makes an open `files`
// dataset; with size_bytes and replicas a `declared` one. The caller checks that regions and
// sites exist and fills a site replica's region.
Result<Dataset> parse_dataset(const Json& body);
Json to_json(const Dataset& d);

}  // namespace suanwang::model
