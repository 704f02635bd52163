// W3C Trace Context: parsing and formatting `traceparent`, random trace and span ids from a
// per-thread xoshiro256** generator seeded from the OS CSPRNG, and the current span of a thread.
#include "observe/trace_context.hpp"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <thread>

namespace arcade_mcp::detail::observe {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

/// 0..15 for a lower-case hex digit, else -1 (upper case is refused by the specification).
int lower_hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/// Parses exactly 2 * n lower-case hex digits into `out`.
bool parse_hex(std::string_view text, std::uint8_t* out, std::size_t n) noexcept {
    if (text.size() != 2 * n) return false;
    for (std::size_t i = 0; i < n; ++i) {
        const int hi = lower_hex_value(text[2 * i]);
        const int lo = lower_hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return true;
}

template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& bytes) noexcept {
    for (const auto b : bytes)
        if (b != 0) return false;
    return true;
}

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// xoshiro256** (Blackman and Vigna): fast, good statistical quality; ids only, not secrets.
class id_generator {
public:
    id_generator() noexcept {
        std::uint64_t seed[4] = {};
        if (!fill_from_os(seed, sizeof seed)) {
            // No CSPRNG (a seccomp filter refusing getrandom?): ids stay distinct, if guessable.
            std::uint64_t x = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
            x ^= static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) << 1;
            x ^= static_cast<std::uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id()));
            x ^= reinterpret_cast<std::uintptr_t>(&seed);
            for (auto& s : seed) s = splitmix64(x);
        }
        // Mixed through splitmix64 so that the state is never all zero.
        std::uint64_t x = seed[0] ^ seed[1] ^ seed[2] ^ seed[3];
        for (std::size_t i = 0; i < 4; ++i) state_[i] = seed[i] ^ splitmix64(x);
        if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;
    }

    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    static bool fill_from_os(void* buffer, std::size_t size) noexcept {
        auto* p = static_cast<unsigned char*>(buffer);
        std::size_t done = 0;
        while (done < size) {
            const ssize_t n = ::getrandom(p + done, size - done, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    std::uint64_t state_[4] = {};
};

id_generator& generator() noexcept {
    thread_local id_generator g;
    return g;
}

void store_big_endian(std::uint64_t v, std::uint8_t* out) noexcept {
    for (int i = 7; i >= 0; --i) {
        out[i] = static_cast<std::uint8_t>(v & 0xFF);
        v >>= 8;
    }
}

thread_local const span_context* current = nullptr;

}  // namespace

bool span_context::valid() const noexcept {
    return !all_zero(trace_id) && !all_zero(span_id);
}

std::optional<span_context> parse_traceparent(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    // version "-" trace-id "-" parent-id "-" trace-flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 = 55.
    constexpr std::size_t v00_size = 55;
    if (value.size() < v00_size) return std::nullopt;
    std::uint8_t version = 0;
    if (!parse_hex(value.substr(0, 2), &version, 1) || version == 0xFF) return std::nullopt;
    if (version == 0 ? value.size() != v00_size : (value.size() > v00_size && value[v00_size] != '-'))
        return std::nullopt;
    if (value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
    span_context context;
    std::uint8_t flags = 0;
    if (!parse_hex(value.substr(3, 32), context.trace_id.data(), context.trace_id.size()) ||
        !parse_hex(value.substr(36, 16), context.span_id.data(), context.span_id.size()) ||
        !parse_hex(value.substr(53, 2), &flags, 1))
        return std::nullopt;
    if (!context.valid()) return std::nullopt;
    context.sampled = (flags & 0x01) != 0;
    return context;
}

void append_hex(std::string& out, const std::uint8_t* bytes, std::size_t n) {
    const std::size_t at = out.size();
    out.resize(at + 2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out[at + 2 * i] = hex_digits[bytes[i] >> 4];
        out[at + 2 * i + 1] = hex_digits[bytes[i] & 0x0F];
    }
}

std::string hex(const trace_id_bytes& id) {
    std::string out;
    append_hex(out, id.data(), id.size());
    return out;
}

std::string hex(const span_id_bytes& id) {
    std::string out;
    append_hex(out, id.data(), id.size());
    return out;
}

std::string format_traceparent(const span_context& context) {
    std::string out;
    out.reserve(55);
    out.append("00-");
    append_hex(out, context.trace_id.data(), context.trace_id.size());
    out.push_back('-');
    append_hex(out, context.span_id.data(), context.span_id.size());
    out.append(context.sampled ? "-01" : "-00");
    return out;
}

trace_id_bytes new_trace_id() noexcept {
    trace_id_bytes id{};
    auto& g = generator();
    do {
        store_big_endian(g.next(), id.data());
        store_big_endian(g.next(), id.data() + 8);
    } while (all_zero(id));
    return id;
}

span_id_bytes new_span_id() noexcept {
    span_id_bytes id{};
    auto& g = generator();
    do {
        store_big_endian(g.next(), id.data());
    } while (all_zero(id));
    return id;
}

const span_context* current_span() noexcept {
    return current;
}

current_span_scope::current_span_scope(const span_context* context) noexcept : previous_(current) {
    current = context;
}

current_span_scope::~current_span_scope() {
    current = previous_;
}

}  // namespace arcade_mcp::detail::observe
