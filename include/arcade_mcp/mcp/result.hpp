/// @file result.hpp
/// `result<T>`: what a tool handler returns when it can fail, a value or a `tool_error`.
/// A handler may also return a plain `T` (never fails) or throw.
///
/// Example:
///   result<std::int64_t> add(tool_context&, const add_args& in) {
///       if (overflows(in.a, in.b)) return tool_error::fatal("overflow");
///       return in.a + in.b;
///   }
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "arcade_mcp/mcp/tool_error.hpp"

namespace arcade_mcp {

template <class T>
class result {
public:
    using value_type = T;

    result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    result(tool_error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    const tool_error& error() const& { return std::get<1>(state_); }
    tool_error&& error() && { return std::get<1>(std::move(state_)); }

private:
    std::variant<T, tool_error> state_;
};

template <class T>
struct is_result : std::false_type {};
template <class T>
struct is_result<result<T>> : std::true_type {};

/// What a handler returning R produces when it succeeds: T for result<T>, else R itself.
template <class R>
struct success_type {
    using type = R;
};
template <class T>
struct success_type<result<T>> {
    using type = T;
};

}  // namespace arcade_mcp
