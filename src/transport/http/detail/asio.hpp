// The only way Boost.Asio and Boost.Beast enter the build (design/cpp-stack.md §3.1): <utility>
// must precede Boost 1.74's awaitable.hpp, which uses std::exchange without including it.
#pragma once

#include <utility>

#include <string_view>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace arcade_mcp::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

/// Boost 1.74's string_view is not std::string_view.
inline std::string_view to_std(boost::beast::string_view s) noexcept { return {s.data(), s.size()}; }
}  // namespace arcade_mcp::detail
