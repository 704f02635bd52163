#!/usr/bin/env bash
# CI check of the tasks example over stdio, MCP 2025-11-25: a task-augmented tools/call answers
# with a task at once; tasks/get shows it working with the handler's status message, then
# completed; tasks/result gives the tool's result. A second, long task is cancelled with
# tasks/cancel (cancelled; its handler stops; cancelling again is -32602). A plain call of the
# same tool gets progress notifications instead. The server runs as a coprocess.
set -euo pipefail
bin=$1
command -v jq >/dev/null || { echo "this check needs jq" >&2; exit 1; }
dir=$(mktemp -d)
export ARCADE_SERVER_TRANSPORT=stdio ARCADE_LOG_FORMAT=text ARCADE_LOG_LEVEL=info
coproc SRV { exec timeout 60 "$bin" 2>"$dir/err"; }
pid=$SRV_PID
in=${SRV[1]}
out=${SRV[0]}
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- server stderr:" >&2
  cat "$dir/err" >&2
  exit 1
}

next_id=0
: >"$dir/notes"
# rpc METHOD PARAMS: sends a request and sets $reply to its response (not in a subshell, so that
# ids keep counting); other messages (notifications) go to $dir/notes. Reads wait 10 s at most.
rpc() {
  next_id=$((next_id + 1))
  printf '{"jsonrpc":"2.0","id":%d,"method":"%s","params":%s}\n' "$next_id" "$1" "$2" >&"$in"
  local line
  while IFS= read -r -t 10 -u "$out" line || fail "no answer to $1 within 10 s"; do
    if jq -e --argjson id "$next_id" '.id == $id and (has("method") | not)' <<<"$line" >/dev/null; then
      reply=$line
      return
    fi
    printf '%s\n' "$line" >>"$dir/notes"
  done
}
# expect JSON FILTER WHAT: fails unless the jq filter holds for JSON.
expect() { jq -e "$2" <<<"$1" >/dev/null || fail "$3: $1"; }

rpc initialize '{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"check","version":"1"}}'
expect "$reply" '.result.capabilities.tasks.requests.tools.call != null' "initialize declares tasks for tools/call"
printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&"$in"
rpc tools/list '{}'
expect "$reply" '.result.tools[0].execution.taskSupport == "optional"' "tools/list shows taskSupport"

# 1. A task that completes: created at once, polled until completed, then its result.
rpc tools/call '{"name":"Reports_Build","arguments":{"name":"q3","steps":5,"step_ms":100},"task":{"ttl":60000}}'
created=$reply
echo "created: $created"
expect "$created" '.result.task.status == "working"' "a task-augmented call answers with a working task"
task=$(jq -r .result.task.taskId <<<"$created")
messages=""
status=""
for _ in $(seq 100); do
  rpc tasks/get "{\"taskId\":\"$task\"}"
  got=$reply
  status=$(jq -r .result.status <<<"$got")
  messages+="$(jq -r '.result.statusMessage // empty' <<<"$got")"$'\n'
  [ "$status" = completed ] && break
  [ "$status" = working ] || fail "unexpected status: $got"
  sleep 0.1
done
echo "last tasks/get: $got"
[ "$status" = completed ] || fail "task not completed within 10 s"
grep -q 'of 5 steps' <<<"$messages" || fail "no status message seen while working: $messages"
rpc tasks/result "{\"taskId\":\"$task\"}"
result=$reply
echo "result: $result"
expect "$result" '.result.structuredContent.result == "report q3 built in 5 steps (as a task)"' "tasks/result"
jq -e --arg t "$task" '.result._meta["io.modelcontextprotocol/related-task"].taskId == $t' <<<"$result" >/dev/null ||
  fail "tasks/result lacks the related-task _meta: $result"
# Each change the handler made was also pushed as notifications/tasks/status.
jq -e --arg t "$task" 'select(.method == "notifications/tasks/status" and .params.taskId == $t
  and .params.status == "completed" and .params.statusMessage == "5 of 5 steps")' "$dir/notes" >/dev/null ||
  fail "no notifications/tasks/status for the completed task"

# 2. A long task (1000 steps of 100 ms), cancelled once it has started working.
rpc tools/call '{"name":"Reports_Build","arguments":{"name":"big","steps":1000},"task":{}}'
created=$reply
long_call=$next_id
task=$(jq -r .result.task.taskId <<<"$created")
for _ in $(seq 50); do
  rpc tasks/get "{\"taskId\":\"$task\"}"
  got=$reply
  jq -e '.result.statusMessage // "" | test("of 1000 steps")' <<<"$got" >/dev/null && break
  sleep 0.1
done
expect "$got" '.result.status == "working" and (.result.statusMessage | test("of 1000 steps"))' "long task running"
rpc tasks/cancel "{\"taskId\":\"$task\"}"
cancelled=$reply
echo "cancel: $cancelled"
expect "$cancelled" '.result.status == "cancelled"' "tasks/cancel answers the cancelled task"
rpc tasks/get "{\"taskId\":\"$task\"}"
expect "$reply" '.result.status == "cancelled"' "tasks/get after cancel"
rpc tasks/cancel "{\"taskId\":\"$task\"}"
expect "$reply" '.error.code == -32602' "cancelling a terminal task"

# 3. The same tool as a plain call: progress notifications, no task.
rpc tools/call '{"name":"Reports_Build","arguments":{"name":"p","steps":2,"step_ms":0},"_meta":{"progressToken":"t1"}}'
plain=$reply
echo "plain: $plain"
expect "$plain" '.result.structuredContent.result == "report p built in 2 steps (plain call)"' "plain call"
[ "$(grep -c '"method":"notifications/progress"' "$dir/notes")" -eq 2 ] || fail "expected 2 progress notifications"

# End of input: the server stops; the cancelled handler has honoured its stop token by then.
exec {in}>&-
for _ in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "server still running 10 s after end of input"
wait "$pid" || fail "server exited with $?"
cat "$dir/err"
# The cancelled handler saw its stop token and returned (outcome "stopped"), long before 100 s.
grep -q "tool call tool=Reports.Build request_id=$long_call .*outcome=stopped" "$dir/err" ||
  fail "the cancelled handler did not stop"
echo "tasks example: OK"
