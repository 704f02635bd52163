// Golden transcripts: a file of client lines and the server lines expected back, replayed
// through the dispatcher with the stdio line handling, and compared as JSON (member order and
// whitespace do not matter; ids, values and message order do).
//
// File format:
//   # prose header: the behaviour pinned and why
//   #! server=fixture            (optional; default: the arcade-eval-ref tools)
//   -- client --
//   {one JSON-RPC message or raw text per line}
//   -- server --
//   {expected messages, in order}
//
// MCP 2026-07-28 request state is not deterministic (an expiry and a per-process key), so the
// string "<requestState>" stands for it: as a value in an expected server line it matches any
// string; in a client line it is replaced by the last requestState the server sent.
//
// Servers: "eval-ref" (the arcade-eval-ref tools), "fixture" (the Fixture toolkit, 2 tools per
// page), "fixture-eliciting" (the Fixture toolkit and its tools that ask the client),
// "error-kinds" (the Errors toolkit: every Arcade error kind, tests/error_kind_tools.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace transcript {

struct transcript_file {
    std::string server = "eval-ref";
    std::vector<std::string> client;
    std::vector<std::string> server_lines;
};

transcript_file parse(const std::filesystem::path& file);
/// Replays the client lines one by one (each finished before the next) and returns every line
/// the server sent, compact JSON.
std::vector<std::string> replay(const transcript_file& t);

inline constexpr std::string_view request_state_placeholder = "<requestState>";

/// True when `actual` equals `expected`, where an expected string "<requestState>" matches any
/// string value.
bool matches(const arcade_mcp::json& expected, const arcade_mcp::json& actual);

}  // namespace transcript
