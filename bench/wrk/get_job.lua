-- GET /api/v1/jobs/{id} of one existing job (BENCH_JOB).
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")
wrk.method = "GET"
wrk.path = "/api/v1/jobs/" .. (os.getenv("BENCH_JOB") or "none")
wrk.headers = common.headers()
