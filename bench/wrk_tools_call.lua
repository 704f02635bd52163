-- wrk script kept under its old name: tools/call of ArcadeEvalRef_Echo on one MCP session
-- (MCP_SESSION). It is lua/tools_call_echo.lua, which checks every answer and counts wrong ones
-- across threads (lua/common.lua); bench/run.sh uses the scripts in lua/ directly.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lua/tools_call_echo.lua")
