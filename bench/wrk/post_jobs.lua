-- POST /api/v1/jobs: durable submissions (201 after the commit), each a new job.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")
wrk.method = "POST"
wrk.path = "/api/v1/jobs"
wrk.body = '{"name":"bench","command":"true","resources":{"cpus":1,"walltime_s":60},' ..
           '"expected_runtime_s":1,"routing":{"policy":"cheapest"}}'
wrk.headers = common.headers({["Content-Type"] = "application/json"})
local bad = 0
function response(status) if status ~= 201 then bad = bad + 1 end end
function done() if bad > 0 then io.stderr:write("post_jobs: " .. bad .. " non-201 answers\n") end end
