// The counting allocator of the micro-benchmarks (issue #15; see alloc_counter.hpp): global
// operator new / delete replaced in every standard form, and the malloc family interposed in the
// micro_bench executable (an executable's definitions take precedence over libc's for every
// library it loads). Everything forwards to glibc's own allocator through its exported
// __libc_malloc / __libc_calloc / __libc_realloc / __libc_memalign / __libc_valloc /
// __libc_pvalloc / __libc_free, so no call recurses and memory from either side may be freed by
// the other. Counts live in one cache-line slot per thread (owner-only load + store, no locked
// instruction on the hot path); alloc_snapshot() sums the slots. Slots are never reused; past
// kSlots threads the rest share one slot updated with atomic adds.
#include "alloc_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <new>

extern "C" {
void* __libc_malloc(std::size_t) noexcept;
void* __libc_calloc(std::size_t, std::size_t) noexcept;
void* __libc_realloc(void*, std::size_t) noexcept;
void* __libc_memalign(std::size_t, std::size_t) noexcept;
void* __libc_valloc(std::size_t) noexcept;
void* __libc_pvalloc(std::size_t) noexcept;
void __libc_free(void*) noexcept;
}

namespace {

struct alignas(64) slot {
    std::atomic<std::uint64_t> new_calls{0};
    std::atomic<std::uint64_t> new_bytes{0};
    std::atomic<std::uint64_t> malloc_calls{0};
    std::atomic<std::uint64_t> malloc_bytes{0};
};

constexpr std::size_t kSlots = 4096;
slot g_slots[kSlots];
slot g_shared;  // threads past kSlots, and allocations made while a thread takes its slot
std::atomic<std::size_t> g_used{0};
thread_local slot* t_slot = nullptr;  // constant-initialized: no TLS guard, no allocation

slot& my_slot() noexcept {
    if (t_slot) return *t_slot;
    const std::size_t i = g_used.fetch_add(1, std::memory_order_relaxed);
    t_slot = i < kSlots ? &g_slots[i] : &g_shared;
    return *t_slot;
}

void bump(slot& s, std::atomic<std::uint64_t>& counter, std::uint64_t by) noexcept {
    if (&s == &g_shared)
        counter.fetch_add(by, std::memory_order_relaxed);
    else  // only this thread writes its slot; readers see a value that is at most a little stale
        counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

void count_new(std::size_t n) noexcept {
    slot& s = my_slot();
    bump(s, s.new_calls, 1);
    bump(s, s.new_bytes, n);
}

void count_malloc(std::size_t n) noexcept {
    slot& s = my_slot();
    bump(s, s.malloc_calls, 1);
    bump(s, s.malloc_bytes, n);
}

void* counted_new(std::size_t n, std::size_t align) {
    if (n == 0) n = 1;
    for (;;) {
        void* p = align > __STDCPP_DEFAULT_NEW_ALIGNMENT__ ? __libc_memalign(align, n) : __libc_malloc(n);
        if (p) {
            count_new(n);
            return p;
        }
        std::new_handler handler = std::get_new_handler();
        if (!handler) throw std::bad_alloc();
        handler();
    }
}

void* counted_new_nothrow(std::size_t n, std::size_t align) noexcept {
    try {
        return counted_new(n, align);
    } catch (...) {
        return nullptr;
    }
}

}  // namespace

namespace bench {

alloc_totals alloc_snapshot() noexcept {
    alloc_totals t;
    const auto add = [&t](const slot& s) {
        t.new_calls += s.new_calls.load(std::memory_order_relaxed);
        t.new_bytes += s.new_bytes.load(std::memory_order_relaxed);
        t.malloc_calls += s.malloc_calls.load(std::memory_order_relaxed);
        t.malloc_bytes += s.malloc_bytes.load(std::memory_order_relaxed);
    };
    std::atomic_thread_fence(std::memory_order_acquire);
    const std::size_t used = g_used.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < used && i < kSlots; ++i) add(g_slots[i]);
    add(g_shared);
    return t;
}

}  // namespace bench

// ---- operator new / delete, every replaceable form -----------------------------------------

void* operator new(std::size_t n) { return counted_new(n, 0); }
void* operator new[](std::size_t n) { return counted_new(n, 0); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_new_nothrow(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_new_nothrow(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_new(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_new(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_new_nothrow(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_new_nothrow(n, static_cast<std::size_t>(a));
}

void operator delete(void* p) noexcept { __libc_free(p); }
void operator delete[](void* p) noexcept { __libc_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { __libc_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { __libc_free(p); }
void operator delete(void* p, std::size_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::size_t) noexcept { __libc_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { __libc_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { __libc_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { __libc_free(p); }

// ---- the malloc family (calls that do not come from operator new) ---------------------------

extern "C" {

void* malloc(std::size_t n) noexcept {
    void* p = __libc_malloc(n);
    if (p) count_malloc(n);
    return p;
}

void* calloc(std::size_t count, std::size_t size) noexcept {
    void* p = __libc_calloc(count, size);
    if (p) count_malloc(count * size);
    return p;
}

void* realloc(void* old, std::size_t n) noexcept {
    void* p = __libc_realloc(old, n);
    if (p && n) count_malloc(n);
    return p;
}

void free(void* p) noexcept { __libc_free(p); }

void* memalign(std::size_t align, std::size_t n) noexcept {
    void* p = __libc_memalign(align, n);
    if (p) count_malloc(n);
    return p;
}

void* aligned_alloc(std::size_t align, std::size_t n) noexcept {
    if (align == 0 || (align & (align - 1)) != 0) {
        errno = EINVAL;
        return nullptr;
    }
    return memalign(align, n);
}

int posix_memalign(void** out, std::size_t align, std::size_t n) noexcept {
    if (align < sizeof(void*) || (align & (align - 1)) != 0) return EINVAL;
    void* p = __libc_memalign(align, n);
    if (!p) return ENOMEM;
    count_malloc(n);
    *out = p;
    return 0;
}

void* valloc(std::size_t n) noexcept {
    void* p = __libc_valloc(n);
    if (p) count_malloc(n);
    return p;
}

void* pvalloc(std::size_t n) noexcept {
    void* p = __libc_pvalloc(n);
    if (p) count_malloc(n);
    return p;
}

}  // extern "C"
