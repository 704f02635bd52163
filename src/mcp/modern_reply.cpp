// Result shaping of 2026-07-28 answers (see modern_reply.hpp).
#include "mcp/modern_reply.hpp"

#include "arcade_mcp/jsonrpc/message.hpp"
#include "mcp/request_meta.hpp"

namespace arcade_mcp::detail {

void add_cache_hint(json& result, const cache_hint& hint) {
    if (!result.contains("ttlMs")) result["ttlMs"] = static_cast<std::int64_t>(hint.ttl.count());
    if (!result.contains("cacheScope")) result["cacheScope"] = hint.scope == cache_scope::shared ? "public" : "private";
}

void modern_reply_sink::finish(std::optional<json> reply) {
    if (reply && reply->is_object()) {
        if (auto result = reply->find("result"); result != reply->end() && result->is_object()) {
            auto type = result->find("resultType");
            if (type == result->end()) type = result->emplace("resultType", "complete").first;
            if (hint_ && type->is_string() && type->get_ref<const std::string&>() == "complete")
                add_cache_hint(*result, *hint_);
            json& meta = (*result)["_meta"];
            if (!meta.is_object()) meta = json::object();
            if (!meta.contains(meta_server_info)) meta[std::string(meta_server_info)] = *server_info_;
        } else if (auto error = reply->find("error"); error != reply->end() && error->is_object()) {
            if (error->value("code", 0) == resource_not_found_code)
                (*error)["code"] = jsonrpc::error_code::invalid_params;
        }
    }
    outer_->finish(std::move(reply));
}

}  // namespace arcade_mcp::detail
