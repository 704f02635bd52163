-- wrk: the Arcade engine's POST /worker/tools/invoke of Echo with the HS256 token BENCH_JWT;
-- every answer must be 200 with success true and the echoed value.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local message = bench.message()
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. bench.env("BENCH_JWT", ""),
}
local prefix = '{"run_id":"bench","execution_id":"'
local suffix = '","created_at":"2026-01-01T00:00:00Z","tool":{"name":"Echo","toolkit":"ArcadeEvalRef","version":"1.0.0"},' ..
  '"inputs":{"message":"' .. message .. '"},"context":{"authorization":null,"secrets":[],"metadata":[],"user_id":"bench-user"}}'
local expect = '"value":"' .. message .. '"'

function request()
  return wrk.format("POST", "/worker/tools/invoke", headers, prefix .. bench.next_id() .. suffix)
end

function check(status, h, body)
  return status == 200 and bench.has(body, '"success":true') and bench.has(body, expect)
end
