-- Shared by the wrk scripts of bench/ (loaded with dofile by each): counts every answer, checks
-- each one with the script's check(status, headers, body) -> true | false (a script that sets
-- response = nil checks nothing; "checked" is then 0), and at the end writes
-- one JSON object (counts, wrk's errors, latency percentiles in microseconds) to the file named by
-- BENCH_WRK_OUT (when set) and one summary line to stdout.
--
-- wrk runs the script once in the main Lua state (setup, done) and once per thread (init,
-- request, response); the counters live in the thread states and are read back with thread:get.

bench = {}
local threads = {}
local thread_count = 0

-- Environment helpers (thread states see the same environment).
function bench.env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

-- The Echo message: BENCH_MESSAGE_BYTES characters of "x", or "hello" when unset.
function bench.message()
  local n = tonumber(bench.env("BENCH_MESSAGE_BYTES", ""))
  if n == nil then return "hello" end
  return string.rep("x", n)
end

-- MCP request headers; Mcp-Session-Id only when MCP_SESSION is set, Authorization: Bearer only
-- when BENCH_BEARER is set (the OAuth access token of the ours-auth server).
function bench.mcp_headers()
  local h = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["MCP-Protocol-Version"] = "2025-11-25",
  }
  local session = bench.env("MCP_SESSION", nil)
  if session then h["Mcp-Session-Id"] = session end
  local bearer = bench.env("BENCH_BEARER", nil)
  if bearer then h["Authorization"] = "Bearer " .. bearer end
  return h
end

function bench.has(body, text) return body ~= nil and string.find(body, text, 1, true) ~= nil end

-- A JSON-RPC answer without an error object and without isError:true.
function bench.no_error(body)
  return not bench.has(body, '"error":{') and not bench.has(body, '"isError":true')
end

function bench.header(headers, name)
  local lname = string.lower(name)
  for k, v in pairs(headers) do
    if string.lower(k) == lname then return v end
  end
  return nil
end

-- Thread-state counters (globals so that thread:get can read them).
checked = 0
bad = 0
first_bad = ""
tid = 0
counter = 0

function bench.next_id()
  counter = counter + 1
  return "w" .. tid .. "-" .. counter
end

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

function response(status, headers, body)
  checked = checked + 1
  if not check(status, headers, body) then
    bad = bad + 1
    if first_bad == "" then
      first_bad = "HTTP " .. tostring(status) .. ": " .. string.sub(body or "", 1, 300)
    end
  end
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local total_checked, total_bad, sample = 0, 0, ""
  for _, t in ipairs(threads) do
    total_checked = total_checked + (t:get("checked") or 0)
    total_bad = total_bad + (t:get("bad") or 0)
    local fb = t:get("first_bad") or ""
    if sample == "" and fb ~= "" then sample = fb end
  end
  local e = summary.errors
  local out = string.format(
    '{"duration_us":%d,"requests":%d,"bytes":%d,"checked":%d,"bad":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},' ..
    '"first_bad":%s}\n',
    summary.duration, summary.requests, summary.bytes, total_checked, total_bad,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    json_string(sample))
  local path = os.getenv("BENCH_WRK_OUT")
  if path and path ~= "" then
    local f = assert(io.open(path, "w"))
    f:write(out)
    f:close()
  end
  io.write(string.format("checked answers: %d of %d requests, %d wrong; socket errors: connect %d, read %d, write %d, timeout %d\n",
    total_checked, summary.requests, total_bad, e.connect, e.read, e.write, e.timeout))
  if sample ~= "" then io.write("first wrong answer: " .. sample .. "\n") end
end
