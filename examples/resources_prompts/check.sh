#!/usr/bin/env bash
# CI check of the resources_prompts example over stdio: resources/list, resources/read (fixed URI,
# template URI, an unknown topic -> -32002), resources/templates/list, prompts/list, prompts/get
# (filled in, embedded page; a missing required argument or an unknown topic -> -32602), and completion/complete of
# the prompt argument and of the template variable.
set -euo pipefail
bin=$1
err=$(mktemp)
trap 'rm -f "$err"' EXIT
req() { printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":%s}\n' "$1" "$2" "$3"; }
out=$({
  req 1 initialize '{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"check","version":"1"}}'
  echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  req 2 resources/list '{}'
  req 3 resources/read '{"uri":"docs://index"}'
  req 4 resources/templates/list '{}'
  req 5 resources/read '{"uri":"docs://topics/prompts"}'
  req 6 resources/read '{"uri":"docs://topics/nope"}'
  req 7 prompts/list '{}'
  req 8 prompts/get '{"name":"explain_topic","arguments":{"topic":"tools","audience":"a manager"}}'
  req 9 prompts/get '{"name":"explain_topic","arguments":{}}'
  req 10 completion/complete '{"ref":{"type":"ref/prompt","name":"explain_topic"},"argument":{"name":"topic","value":"re"}}'
  req 11 completion/complete '{"ref":{"type":"ref/resource","uri":"docs://topics/{topic}"},"argument":{"name":"topic","value":"p"}}'
  req 13 prompts/get '{"name":"explain_topic","arguments":{"topic":"nope"}}'
  req 12 completion/complete '{"ref":{"type":"ref/prompt","name":"explain_topic"},"argument":{"name":"audience","value":"a "}}'
} | timeout 10 "$bin" 2>"$err")
echo "$out"
answer() { grep "\"id\":$1[,}]" <<<"$out" || { echo "no answer to request $1" >&2; cat "$err" >&2; exit 1; }; }
expect() {  # id fixed-string...
  local id=$1 a
  shift
  a=$(answer "$id")
  for s in "$@"; do grep -qF -- "$s" <<<"$a" || { echo "FAIL: answer $id lacks $s" >&2; exit 1; }; done
}
expect 1 '"resources":{' '"prompts":{' '"completions":{'
expect 2 '"uri":"docs://index"' '"title":"Table of contents"' '"mimeType":"text/markdown"'
expect 3 '"text":"# Topics\n- docs://topics/prompts\n- docs://topics/resources\n- docs://topics/tools\n"'
expect 4 '"uriTemplate":"docs://topics/{topic}"' '"name":"topic"'
expect 5 '"text":"Prompts are message templates the user picks."' '"uri":"docs://topics/prompts"'
expect 6 '"code":-32002' 'docs://topics/nope'
expect 7 '"name":"explain_topic"' '{"description":"What to explain","name":"topic","required":true}' \
  '{"description":"Who the explanation is for","name":"audience","required":false}'
expect 8 '"description":"Explains tools"' '"type":"resource"' '"text":"Tools are typed functions the model calls."' \
  '"text":"Explain this to a manager in two sentences."'
expect 9 '"code":-32602' "missing required argument 'topic'"
expect 13 '"code":-32602' 'No such topic: nope'
expect 10 '"values":["resources"]'
expect 11 '"values":["prompts"]'
expect 12 '"values":["a developer","a manager","a student"]'
echo "resources_prompts: ok"
