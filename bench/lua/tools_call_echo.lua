-- wrk: tools/call ArcadeEvalRef_Echo with BENCH_MESSAGE_BYTES characters (default "hello") on
-- the session MCP_SESSION (or none: stateless servers). Every answer must be 200 and carry the
-- echoed text without an error. Against nginx the fixed body is that answer.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local message = bench.message()
local headers = bench.mcp_headers()
local prefix = '{"jsonrpc":"2.0","id":"'
local suffix = '","method":"tools/call","params":{"name":"ArcadeEvalRef_Echo","arguments":{"message":"' .. message .. '"}}}'
local expect = '"text":"' .. message .. '"'
local path = bench.env("BENCH_PATH", "/mcp")

function request()
  return wrk.format("POST", path, headers, prefix .. bench.next_id() .. suffix)
end

function check(status, h, body)
  return status == 200 and bench.has(body, expect) and bench.no_error(body)
end
