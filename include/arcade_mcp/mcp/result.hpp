/// @file result.hpp
/// `result<T>`: what a tool handler returns when it can fail, a value or a `tool_error`.
/// A handler may also return a plain `T` (never fails) or throw.
///
/// Example:
/// @code
/// result<std::int64_t> add(tool_context&, const add_args& in) {
///     if (overflows(in.a, in.b)) return tool_error::fatal("overflow");
///     return in.a + in.b;
/// }
/// @endcode
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "arcade_mcp/mcp/tool_error.hpp"

namespace arcade_mcp {

/// A value of type T or the tool_error that took its place. Both convert implicitly, so a
/// handler simply returns either.
template <class T>
class result {
public:
    using value_type = T;  ///< T

    /// A success.
    result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    /// A failure.
    result(tool_error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    /// True when it holds a value.
    bool has_value() const noexcept { return state_.index() == 0; }
    /// has_value().
    explicit operator bool() const noexcept { return has_value(); }

    /// The value; throws std::bad_variant_access when it holds an error.
    T& value() & { return std::get<0>(state_); }
    /// @copydoc value()
    const T& value() const& { return std::get<0>(state_); }
    /// The value, moved out; throws std::bad_variant_access when it holds an error.
    T&& value() && { return std::get<0>(std::move(state_)); }
    /// The error; throws std::bad_variant_access when it holds a value.
    const tool_error& error() const& { return std::get<1>(state_); }
    /// The error, moved out; throws std::bad_variant_access when it holds a value.
    tool_error&& error() && { return std::get<1>(std::move(state_)); }

private:
    std::variant<T, tool_error> state_;
};

/// True for `result<T>`.
template <class T>
struct is_result : std::false_type {};
/// @copydoc is_result
template <class T>
struct is_result<result<T>> : std::true_type {};

/// What a handler returning R produces when it succeeds: T for result<T>, else R itself.
template <class R>
struct success_type {
    using type = R;  ///< R
};
/// @copydoc success_type
template <class T>
struct success_type<result<T>> {
    using type = T;  ///< T
};

}  // namespace arcade_mcp
