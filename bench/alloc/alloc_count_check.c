/* Self-check of the LD_PRELOAD allocation-counting shim (alloc_count.c), run by ctest as
 * alloc_count_shim with LD_PRELOAD and ALLOC_COUNT_FILE set (bench/CMakeLists.txt): takes a
 * reading with SIGUSR2, makes a known number of calls of each counted function, takes a second
 * reading, and checks that the difference is exactly that number. Exit 0 on success.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kRounds = 1000, kKinds = 6 };

static void *volatile g_sink[kRounds * kKinds];

int main(void) {
    const char *path = getenv("ALLOC_COUNT_FILE");
    if (!path || !getenv("LD_PRELOAD")) {
        fprintf(stderr, "alloc_count_check: run with LD_PRELOAD=<alloc_count.so> and ALLOC_COUNT_FILE=<file>\n");
        return 2;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror("alloc_count_check: open");
        return 2;
    }
    close(fd);

    raise(SIGUSR2);
    size_t k = 0;
    for (int i = 0; i < kRounds; ++i) {
        g_sink[k++] = malloc(24);
        g_sink[k++] = calloc(3, 8);
        g_sink[k++] = realloc(NULL, 40);
        void *p = NULL;
        if (posix_memalign(&p, 64, 64) != 0) p = NULL;
        g_sink[k++] = p;
        g_sink[k++] = aligned_alloc(64, 128);
        g_sink[k++] = memalign(32, 32);
    }
    raise(SIGUSR2);
    for (size_t i = 0; i < k; ++i) free(g_sink[i]);

    char text[256] = {0};
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        perror("alloc_count_check: open for reading");
        return 1;
    }
    const ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    unsigned long long first = 0, second = 0;
    if (n <= 0 || sscanf(text, "%llu\n%llu\n", &first, &second) != 2) {
        fprintf(stderr, "alloc_count_check: expected two readings in %s, got \"%s\"\n", path, text);
        return 1;
    }
    const unsigned long long counted = second - first, made = (unsigned long long)kRounds * kKinds;
    printf("alloc_count shim: %llu allocations counted for %llu made\n", counted, made);
    return counted == made ? 0 : 1;
}
