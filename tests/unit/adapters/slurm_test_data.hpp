// The recorded slurmrestd data the slurm tests read from the repository (tests/data, see its
// PROVENANCE.md files): Slurm 25.05.8 exchanges and specifications of v0.0.40 to v0.0.44.
#pragma once

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/replay_http_server.hpp"
#include "unit/adapters/adapter_test_support.hpp"

namespace suanwang::testing {

inline std::filesystem::path slurm_data_dir() {
  return std::filesystem::path(SUANWANG_TEST_DATA_DIR);
}

// A file of tests/data as text; fails the test when it is missing or empty.
inline std::string slurm_data_text(const std::filesystem::path& path) {
  std::string text = read_file(path);
  INFO(path.string());
  REQUIRE_FALSE(text.empty());
  return text;
}

// One recorded exchange: {"version","method","path","request_body","status",
// "response_headers","response_body"}.
inline nlohmann::json slurm_recording(const std::string& version, const std::string& name) {
  return nlohmann::json::parse(slurm_data_text(slurm_data_dir() / "slurm-25.05" / "recordings" /
                                               version / (name + ".json")));
}

// The OpenAPI specification of `version` (v0.0.40 to v0.0.44).
inline nlohmann::json slurm_spec(const std::string& version) {
  const auto path = version == "v0.0.44"
                        ? slurm_data_dir() / "slurm-openapi-master" / "v0.0.44.json"
                        : slurm_data_dir() / "slurm-25.05" / "openapi" / (version + ".json");
  return nlohmann::json::parse(slurm_data_text(path));
}

// Makes `server` a slurmrestd serving `version` with its recorded ping, partitions, nodes (two
// of four GPUs in use) and final job list.
inline void serve_recorded_slurm(ReplayHttpServer& server, const std::string& version) {
  for (const char* name : {"01-ping", "05-partitions", "14-nodes-gpu-allocated"}) {
    server.answer_record(slurm_recording(version, name));
  }
  server.answer("GET", "/slurm/" + version + "/jobs",
                replay_answer(slurm_recording(version, "60-jobs-final")));
}

}  // namespace suanwang::testing
