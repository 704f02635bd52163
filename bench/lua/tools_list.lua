-- wrk: tools/list on the session MCP_SESSION; every answer must be 200 and list the three tools.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local headers = bench.mcp_headers()

function request()
  return wrk.format("POST", "/mcp", headers, '{"jsonrpc":"2.0","id":"' .. bench.next_id() .. '","method":"tools/list"}')
end

function check(status, h, body)
  return status == 200 and bench.has(body, '"ArcadeEvalRef_Echo"') and bench.has(body, '"ArcadeEvalRef_Add"')
    and bench.has(body, '"ArcadeEvalRef_Whoami"') and bench.no_error(body)
end
