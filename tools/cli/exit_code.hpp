// The CLI's exit codes and the one mapping from error codes (and HTTP statuses) to them. Scripts
// branch on these numbers, so they are part of the CLI's contract (`suanwang help` lists them).
#pragma once

#include "gateway/core/result.hpp"

namespace suanwang::cli {

enum class ExitCode : int {
  ok = 0,
  error = 1,          // the server failed, answered something unexpected, or local I/O failed
  usage = 2,          // bad command line, or the server found the request invalid (400/413/415)
  not_found = 3,      // no such job or org (or not visible to this key)
  auth = 4,           // no usable API key, key rejected (401) or not allowed (403)
  conflict = 5,       // the object's state does not allow it now (409)
  unsatisfiable = 6,  // no site can run the job (422), or the org's budget or credit is short (402)
  unavailable = 7,    // the server cannot be reached, timed out, or is unavailable (503)
  job_failed = 8,     // --wait: the job ended failed or canceled
};

inline int to_int(ExitCode c) {
  return static_cast<int>(c);
}

ExitCode exit_code_for(Errc code);

// The inverse of the server's status mapping (gateway/api/api.cpp), for problem+json answers.
Errc errc_for_status(int http_status);

// The table printed by `suanwang help` and every client command's --help.
inline constexpr const char* kExitCodeHelp = R"(exit codes:
  0  success
  1  error: the server failed or answered unexpectedly, or a local I/O error
  2  usage: bad command line, or the server rejected the request as invalid (400)
  3  not found (404)
  4  authentication: no API key, key rejected (401) or not allowed (403)
  5  conflict: the job's or the account's state does not allow it now (409)
  6  the job cannot be run: no site can run it (422), or it is over the org's budget or
     prepaid credit (402)
  7  the server is unreachable, timed out, or unavailable (503)
  8  --wait: the job ended failed or canceled
)";

}  // namespace suanwang::cli
