-- wrk script: tools/call of ArcadeEvalRef_Echo on one MCP session (MCP_SESSION), with ids unique
-- per thread and request; counts non-200 answers and answers without the echoed text.
local counter = 0
local bad = 0
local session = os.getenv("MCP_SESSION")

function request()
  counter = counter + 1
  local body = '{"jsonrpc":"2.0","id":"w' .. counter .. '","method":"tools/call","params":{"name":"ArcadeEvalRef_Echo","arguments":{"message":"hello"}}}'
  return wrk.format("POST", "/mcp", {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["Mcp-Session-Id"] = session,
    ["MCP-Protocol-Version"] = "2025-11-25",
  }, body)
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"text":"hello"', 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("checked answers: %d requests, %d wrong\n", summary.requests, bad))
end
