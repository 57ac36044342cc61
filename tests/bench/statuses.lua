-- Counts responses by status for the report, and shapes the requests. Loaded by tests/bench/run.sh.
--   PATHS (space-separated): each thread's requests go round these paths (a mixed workload).
--   BODY: every request POSTs this url-encoded form (with a fresh one-time key each time, as a
--     browser rendering the form anew would send) to the URL's path; COOKIE gives the session.
--   SIGN_IN (space-separated emails) and PASSWORD: each connection signs in over and over, as a
--     browser does: GET /login (a new anonymous session and its CSRF token), then POST /login as the
--     next account of the list, from a client address of its own (X-Forwarded-For, which the server
--     trusts in the bench), so that the per-address limit measures nothing here. 303 = signed in.
--   SAVES (a file, a line per signed-in issuer: cookie, section path, its form's url-encoded body,
--     tab-separated): each connection saves a section over and over, as a person does: GET the
--     section (its form gives the version it starts from), then POST the form with that
--     base_version and a fresh one-time key, under the cookie of the draft's issuer. 303 = saved, a
--     new version. Thread 1 goes round the first half of the lines, thread 2 the second (run.sh
--     runs two threads), so that two connections rarely hold the same draft at once.
local counted = { 200, 303, 400, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504 }
local threads = {}
local paths = {}
for p in string.gmatch(os.getenv("PATHS") or "", "[^ ]+") do
  table.insert(paths, p)
end
local accounts = {}
for a in string.gmatch(os.getenv("SIGN_IN") or "", "[^ ]+") do
  table.insert(accounts, a)
end
local body = os.getenv("BODY") or ""
local password = os.getenv("PASSWORD") or ""
local pending = {}
-- The section-save targets, by application path (what the section's form names in data-keep-alive).
local saves, by_application = {}, {}
local saves_file = os.getenv("SAVES")
if saves_file and saves_file ~= "" then
  for line in io.lines(saves_file) do
    local cookie, path, form = string.match(line, "^([^\t]*)\t([^\t]*)\t(.*)$")
    if cookie then
      -- The version comes from the page each time, not from the file.
      form = string.sub((string.gsub("&" .. form, "&base_version=[^&]*", "")), 2)
      local target = { cookie = cookie, path = path, body = form }
      table.insert(saves, target)
      by_application[string.match(path, "^(/applications/[^/]+)")] = target
    end
  end
end
local mine = {}
local opened = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
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
  math.randomseed(os.time() * 100 + (id or 0))
  -- This thread's half of the save targets: the first for thread 1, the second for thread 2 (a
  -- single target goes to both).
  local half = math.ceil(#saves / 2)
  for k, target in ipairs(saves) do
    if (k <= half) == ((id or 1) % 2 == 1) or #saves == 1 then
      table.insert(mine, target)
    end
  end
end

local function uuid()
  return string.format("%08x-%04x-4%03x-a%03x-%06x%06x", math.random(0, 0x7fffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff),
    math.random(0, 0xffffff), math.random(0, 0xffffff))
end

local function escape(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  n = n + 1
  if #accounts > 0 then
    local form = table.remove(pending)
    if form == nil then
      return wrk.format("GET", "/login", {}, nil)
    end
    local email = accounts[((n + (id or 0) * 7) % #accounts) + 1]
    local address = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
    return wrk.format("POST", "/login", {
      ["Cookie"] = form.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Forwarded-For"] = address,
    }, "csrf_token=" .. escape(form.token) .. "&idempotency_key=" .. uuid() .. "&email=" .. escape(email)
      .. "&password=" .. escape(password) .. "&next=")
  end
  if #mine > 0 then
    local save = table.remove(pending)
    if save == nil then
      opened = opened + 1
      local target = mine[(opened % #mine) + 1]
      return wrk.format("GET", target.path, { ["Cookie"] = target.cookie }, nil)
    end
    return wrk.format("POST", save.target.path, {
      ["Cookie"] = save.target.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, save.target.body .. "&base_version=" .. save.version .. "&idempotency_key=" .. uuid())
  end
  if body ~= "" then
    local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
    for k, v in pairs(wrk.headers) do
      headers[k] = v
    end
    return wrk.format("POST", wrk.path, headers, body .. "&idempotency_key=" .. uuid())
  end
  if #paths == 0 then
    return wrk.format(nil, nil)
  end
  return wrk.format("GET", paths[(n % #paths) + 1])
end

-- wrk copies each response's body into Lua only when `response` is defined. SKIP_BODIES=1 leaves
-- it undefined for the register's downloads, where the copy of 4 MB into Lua cost more than the
-- server's answer; such a load counts the answers at or above 400 from wrk's own tally instead
-- of by status.
local reads_bodies = os.getenv("SKIP_BODIES") ~= "1" or #accounts > 0 or #saves > 0
if reads_bodies then
  function response(status, headers, body)
    local key = "s" .. status
    if _G[key] ~= nil then
      _G[key] = _G[key] + 1
    end
    if #accounts > 0 and status == 200 then
      local cookie = headers["set-cookie"] or headers["Set-Cookie"]
      local token = body and string.match(body, 'name="csrf_token" value="([^"]*)"')
      if cookie and token then
        table.insert(pending, { cookie = string.match(cookie, "^([^;]*)"), token = token })
      end
    end
    -- wrk does not say which request a response answers: the section page names its application
    -- and the version its form starts from.
    if #mine > 0 and status == 200 and body then
      local target = by_application[string.match(body, 'data%-keep%-alive="([^"]*)"') or ""]
      local version = string.match(body, 'name="base_version" value="(%d+)"')
      if target and version then
        table.insert(pending, { target = target, version = version })
      end
    end
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
  if not reads_bodies then
    local failed = summary.errors.status
    line = { "2xx-3xx=" .. (summary.requests - failed) }
    if failed > 0 then
      table.insert(line, "4xx-5xx=" .. failed)
    end
  end
  io.write(string.format("requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d statuses=%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(line, " ")))
end
