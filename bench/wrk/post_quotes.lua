-- POST /api/v1/quotes: a placement decision over the whole federation, holding nothing.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")
wrk.method = "POST"
wrk.path = "/api/v1/quotes"
wrk.body = '{"command":"python train.py","resources":{"cpus":16,"walltime_s":3600,' ..
           '"accelerators":{"model":"Ascend910B","count":8}},"expected_runtime_s":1800}'
wrk.headers = common.headers({["Content-Type"] = "application/json"})
