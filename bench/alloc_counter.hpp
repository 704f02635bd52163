// Heap-allocation counting for the micro-benchmarks (issue #15). alloc_counter.cpp, linked into
// micro_bench only, replaces every global operator new / delete (plain, array, sized, aligned,
// nothrow) and interposes the malloc family (malloc, calloc, realloc, aligned_alloc,
// posix_memalign, memalign, valloc, pvalloc) in that executable; both count per thread (no
// shared cache line on the hot path) and forward to glibc (__libc_malloc & co.). A benchmark
// reads the totals around its timed loop:
//
//     bench::alloc_meter meter;
//     for (auto _ : state) { ... }
//     meter.report(state);   // counters allocs_per_call, alloc_bytes_per_call, malloc_per_call
//
// allocs_per_call counts every heap allocation of one iteration, on every thread (a worker
// pool's too): operator new calls plus malloc-family calls made directly (by C code, OpenSSL,
// glibc). malloc_per_call is the direct malloc-family share of it (operator new does not go
// through malloc here, so nothing is counted twice). realloc counts as one allocation.
// Not built with the sanitizers (bench/ is skipped when ARCADE_MCP_SANITIZE is on).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace bench {

struct alloc_totals {
    std::uint64_t new_calls = 0;     ///< operator new / new[] (every overload)
    std::uint64_t new_bytes = 0;
    std::uint64_t malloc_calls = 0;  ///< malloc-family calls not made by operator new
    std::uint64_t malloc_bytes = 0;
    std::uint64_t allocs() const { return new_calls + malloc_calls; }
    std::uint64_t bytes() const { return new_bytes + malloc_bytes; }
};

/// The totals since the process started, summed over every thread that ever allocated.
alloc_totals alloc_snapshot() noexcept;

/// Allocations between construction and report(), divided by the benchmark's iterations.
class alloc_meter {
public:
    alloc_meter() noexcept : start_(alloc_snapshot()) {}
    void report(benchmark::State& state) const {
        const alloc_totals end = alloc_snapshot();
        const auto iterations = static_cast<double>(state.iterations());
        if (iterations <= 0) return;
        state.counters["allocs_per_call"] = static_cast<double>(end.allocs() - start_.allocs()) / iterations;
        state.counters["alloc_bytes_per_call"] = static_cast<double>(end.bytes() - start_.bytes()) / iterations;
        state.counters["malloc_per_call"] = static_cast<double>(end.malloc_calls - start_.malloc_calls) / iterations;
    }

private:
    alloc_totals start_;
};

}  // namespace bench
