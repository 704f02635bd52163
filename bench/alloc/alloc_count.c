/* LD_PRELOAD shim that counts heap allocations of a running process (issue #15: allocations per
 * call on the server under load; bench/harness.mjs, BENCH_ONLY=allocs, preloads it into a
 * separate arcade-eval-ref). Built by bench/CMakeLists.txt as build/<preset>/bench/alloc_count.so.
 *
 * Counts every call of malloc, calloc, realloc (except realloc(p, 0), a free), aligned_alloc,
 * posix_memalign, memalign, valloc and pvalloc, on every thread, with one relaxed atomic counter;
 * C++ operator new lands here too (libstdc++'s calls malloc). Each call is forwarded to glibc's
 * own allocator through its exported __libc_malloc / __libc_calloc / __libc_realloc /
 * __libc_memalign / __libc_valloc / __libc_pvalloc / __libc_free (no dlsym, so no bootstrap
 * recursion; free is forwarded too, so the set is the one glibc requires of a replacement).
 * malloc_usable_size and the like keep working: the chunks are glibc's.
 *
 * On SIGUSR2 it appends the current total as one decimal line ("12345\n") to the file named by
 * ALLOC_COUNT_FILE (read once at load time; stderr when unset) with open/write/close only, which
 * are async-signal-safe; the number is formatted by hand. The handler is installed from the
 * constructor with SA_RESTART; arcade-eval-ref blocks only SIGTERM/SIGINT in its threads, so any
 * of them may take it. Usage:
 *
 *   ALLOC_COUNT_FILE=/tmp/n LD_PRELOAD=build/release/bench/alloc_count.so arcade-eval-ref &
 *   kill -USR2 $!; ...load...; kill -USR2 $!; tail -2 /tmp/n   # difference = allocations
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);
extern void __libc_free(void *);

static uint64_t g_count;
static char g_path[4096];

static inline void *counted(void *p) {
    if (p) __atomic_fetch_add(&g_count, 1, __ATOMIC_RELAXED);
    return p;
}

void *malloc(size_t n) { return counted(__libc_malloc(n)); }

void *calloc(size_t count, size_t size) { return counted(__libc_calloc(count, size)); }

void *realloc(void *old, size_t n) {
    if (old && n == 0) return __libc_realloc(old, 0);
    return counted(__libc_realloc(old, n));
}

void free(void *p) { __libc_free(p); }

void *memalign(size_t align, size_t n) { return counted(__libc_memalign(align, n)); }

void *aligned_alloc(size_t align, size_t n) {
    if (align == 0 || (align & (align - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return counted(__libc_memalign(align, n));
}

int posix_memalign(void **out, size_t align, size_t n) {
    if (align < sizeof(void *) || (align & (align - 1)) != 0) return EINVAL;
    void *p = counted(__libc_memalign(align, n));
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t n) { return counted(__libc_valloc(n)); }

void *pvalloc(size_t n) { return counted(__libc_pvalloc(n)); }

static void on_sigusr2(int sig) {
    (void)sig;
    const int saved_errno = errno;
    uint64_t v = __atomic_load_n(&g_count, __ATOMIC_RELAXED);
    char buf[24];
    size_t i = sizeof buf;
    buf[--i] = '\n';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v && i > 0);
    int fd = 2;
    if (g_path[0]) fd = open(g_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        const char *p = buf + i;
        size_t left = sizeof buf - i;
        while (left > 0) {
            const ssize_t w = write(fd, p, left);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            p += w;
            left -= (size_t)w;
        }
        if (fd != 2) close(fd);
    }
    errno = saved_errno;
}

__attribute__((constructor)) static void alloc_count_init(void) {
    const char *path = getenv("ALLOC_COUNT_FILE");
    if (path && strlen(path) < sizeof g_path) strcpy(g_path, path);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigusr2;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
}
