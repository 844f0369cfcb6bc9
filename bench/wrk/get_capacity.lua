-- GET /api/v1/capacity: national, by region, by accelerator model and per site.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")
wrk.method = "GET"
wrk.path = "/api/v1/capacity"
wrk.headers = common.headers()
