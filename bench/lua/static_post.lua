-- wrk without Lua work per request: one fixed tools/call Echo POST sent as wrk's static request,
-- answers not parsed or checked (wrk still counts socket errors and HTTP statuses >= 400). Run
-- against nginx only, to show how much of the ceiling the checking scripts themselves cost.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
response = nil

wrk.method = "POST"
wrk.path = "/mcp"
wrk.body = '{"jsonrpc":"2.0","id":"w1","method":"tools/call","params":{"name":"ArcadeEvalRef_Echo","arguments":{"message":"hello"}}}'
for k, v in pairs(bench.mcp_headers()) do wrk.headers[k] = v end
