// Shapes the answer of a 2026-07-28 request as the revision requires, as a last step after the
// era-agnostic handlers: every result gets `resultType` ("complete" unless the handler's outcome
// was input_required) and `_meta["io.modelcontextprotocol/serverInfo"]`; complete results of
// cacheable methods get `ttlMs` and `cacheScope` (unless the handler set its own); a missing
// resource is -32602 (never the 2025 era's -32002).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "arcade_mcp/mcp/caching.hpp"
#include "mcp/outbound_sink.hpp"

namespace arcade_mcp::detail {

/// `{"ttlMs": ..., "cacheScope": "public"|"private"}` members for a result.
void add_cache_hint(json& result, const cache_hint& hint);

class modern_reply_sink final : public outbound_sink {
public:
    /// `server_info`: {name, version, ...}; `hint`: the caching hint of the method, if cacheable.
    modern_reply_sink(std::shared_ptr<outbound_sink> outer, std::shared_ptr<const json> server_info,
                      std::optional<cache_hint> hint)
        : outer_(std::move(outer)), server_info_(std::move(server_info)), hint_(hint) {}

    void send(json message) override { outer_->send(std::move(message)); }
    void finish(std::optional<json> reply) override;
    /// SSE polling (SEP-1699) does not exist in 2026-07-28: a modern stream is never resumed.
    void close_stream() override {}

private:
    std::shared_ptr<outbound_sink> outer_;
    std::shared_ptr<const json> server_info_;
    std::optional<cache_hint> hint_;
};

}  // namespace arcade_mcp::detail
