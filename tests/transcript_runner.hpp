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
#pragma once

#include <filesystem>
#include <string>
#include <vector>

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

}  // namespace transcript
