-- Shared by the scripts of scripts/bench: the API key comes from the environment (never a
-- command-line value), and every response that is not the expected status is counted.
local M = {}
function M.headers(extra)
  local h = {["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "")}
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end
return M
