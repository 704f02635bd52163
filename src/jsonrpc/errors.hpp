// Short constructors for the JSON-RPC errors the method handlers answer with most often.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "arcade_mcp/jsonrpc/message.hpp"

namespace arcade_mcp::detail {

/// -32602 with `message` and no data: a request whose params do not fit the method.
inline jsonrpc::error invalid_params(std::string message) {
    return jsonrpc::error{jsonrpc::error_code::invalid_params, std::move(message), std::nullopt};
}

}  // namespace arcade_mcp::detail
