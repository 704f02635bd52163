// The engine check: replays what the Arcade engine and `arcade deploy` do against a worker
// (spec/arcade-worker-protocol.md §4–§6, §13.2, §14) and reports one verdict per step.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_client.hpp"

#if __has_include("arcade/jwt.hpp")
#include "arcade/jwt.hpp"
#else
namespace arcade_mcp::detail {
/// HS256 worker token {"aud":"worker","ver":"1","iat":now,"exp":now+ttl} (src/arcade/jwt.hpp).
std::string mint_worker_token(std::string_view secret, std::int64_t now_seconds,
                              std::optional<std::int64_t> ttl_seconds);
}  // namespace arcade_mcp::detail
#endif

namespace arcade_worker_check {

enum class verdict { pass, warn, fail };

struct step_result {
    verdict outcome = verdict::pass;
    std::string step;  ///< "resolve", "public-only", "health", "tools", "tools-auth", "invoke", "mcp-initialize"
    double ms = 0;
    std::string detail;  ///< never contains the secret or a token
};

struct engine_check_options {
    parsed_url url;
    std::string secret;
    std::string user_id = "engine-check-user";
    std::chrono::milliseconds timeout{10'000};
    bool insecure = false;
};

/// Runs every step in order and calls `report` as soon as a step has a verdict (a step may report
/// several lines, e.g. one WARN per internal address). Returns all results.
std::vector<step_result> run_engine_check(const engine_check_options& options,
                                          const std::function<void(const step_result&)>& report);

/// "PASS health (12 ms): ..." — one output line.
std::string format_step(const step_result& r);
/// "summary: 6 PASS, 1 WARN, 0 FAIL -> ..." — the last output line.
std::string format_summary(const std::vector<step_result>& results);
/// True when no step failed (warnings allowed).
bool all_passed(const std::vector<step_result>& results);

/// Current time in whole seconds since the epoch (for token iat/exp).
std::int64_t unix_now();

}  // namespace arcade_worker_check
