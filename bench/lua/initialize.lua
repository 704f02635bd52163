-- wrk: initialize without a session (each answer opens a new session on a stateful server).
-- Every answer must be 200 with protocolVersion 2025-11-25 and serverInfo; with
-- BENCH_EXPECT_SESSION=1 it must also carry an Mcp-Session-Id header.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local headers = bench.mcp_headers()
headers["Mcp-Session-Id"] = nil
local expect_session = bench.env("BENCH_EXPECT_SESSION", "0") == "1"
local suffix = '","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}'

function request()
  return wrk.format("POST", "/mcp", headers, '{"jsonrpc":"2.0","id":"' .. bench.next_id() .. suffix)
end

function check(status, h, body)
  if expect_session and not bench.header(h, "Mcp-Session-Id") then return false end
  return status == 200 and bench.has(body, '"protocolVersion":"2025-11-25"') and bench.has(body, '"serverInfo"')
    and bench.no_error(body)
end
