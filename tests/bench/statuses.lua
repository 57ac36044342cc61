-- Counts responses by status for the report, and sends each thread's requests round a list of
-- paths (a mixed workload) when PATHS is set. Loaded by tests/bench/run.sh.
local counted = { 200, 303, 400, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504 }
local threads = {}
local paths = {}
for p in string.gmatch(os.getenv("PATHS") or "", "[^ ]+") do
  table.insert(paths, p)
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local cookie = os.getenv("COOKIE")
  if cookie and cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  for _, s in ipairs(counted) do
    _G["s" .. s] = 0
  end
  n = 0
end

function request()
  if #paths == 0 then
    return wrk.format(nil, nil)
  end
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

function response(status, headers, body)
  local key = "s" .. status
  if _G[key] ~= nil then
    _G[key] = _G[key] + 1
  end
end

function done(summary, latency, requests)
  local line = {}
  for _, s in ipairs(counted) do
    local total = 0
    for _, t in ipairs(threads) do
      total = total + (t:get("s" .. s) or 0)
    end
    if total > 0 then
      table.insert(line, s .. "=" .. total)
    end
  end
  io.write(string.format("requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d statuses=%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(line, " ")))
end
