// The standard Prometheus process_* metrics of this process, read from Linux /proc (as the Go
// client writes them): CPU seconds, resident and virtual memory, open and maximum file descriptors
// and the start time. Plain POSIX and ifstream reads that never throw; what cannot be read is left out.
#include "observe/metrics_internal.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace arcade_mcp::detail::observe {
namespace {

/// What /proc/self/stat says about this process, in its own units.
struct self_stat {
    std::uint64_t user_and_system_ticks = 0;  // utime + stime
    std::uint64_t start_ticks = 0;            // starttime: clock ticks after boot
    std::uint64_t virtual_bytes = 0;          // vsize
    std::uint64_t resident_pages = 0;         // rss
};

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<std::string> read_first_line(const char* path) {
    std::ifstream file(path);
    std::string line;
    if (!file || !std::getline(file, line)) return std::nullopt;
    return line;
}

/// The fields after the command name, which is in parentheses and may hold spaces or ')' itself.
std::vector<std::string> fields_after_command(const std::string& stat_line) {
    std::vector<std::string> fields;
    const auto command_end = stat_line.rfind(')');
    if (command_end == std::string::npos) return fields;
    std::istringstream rest(stat_line.substr(command_end + 1));
    for (std::string field; rest >> field;) fields.push_back(field);
    return fields;
}

std::optional<self_stat> read_self_stat() {
    const auto line = read_first_line("/proc/self/stat");
    if (!line) return std::nullopt;
    // proc(5) numbers the fields from 1 with state as field 3, the first one after the command name.
    const auto fields = fields_after_command(*line);
    const auto field = [&](std::size_t number) -> std::optional<std::uint64_t> {
        if (number - 3 >= fields.size()) return std::nullopt;
        return parse_unsigned(fields[number - 3]);
    };
    const auto utime = field(14);
    const auto stime = field(15);
    const auto starttime = field(22);
    const auto vsize = field(23);
    const auto rss = field(24);
    if (!utime || !stime || !starttime || !vsize || !rss) return std::nullopt;
    return self_stat{*utime + *stime, *starttime, *vsize, *rss};
}

/// Seconds since the epoch at boot: the "btime" line of /proc/stat.
std::optional<std::uint64_t> read_boot_time() {
    std::ifstream file("/proc/stat");
    constexpr std::string_view key = "btime ";
    for (std::string line; std::getline(file, line);) {
        if (line.starts_with(key)) return parse_unsigned(std::string_view(line).substr(key.size()));
    }
    return std::nullopt;
}

/// Entries of /proc/self/fd, not counting the descriptor that reads the directory.
std::optional<std::uint64_t> count_open_fds() {
    DIR* directory = opendir("/proc/self/fd");
    if (directory == nullptr) return std::nullopt;
    const auto own_fd = std::to_string(dirfd(directory));
    std::uint64_t count = 0;
    while (const dirent* entry = readdir(directory)) {
        const std::string_view name = entry->d_name;
        if (name != "." && name != ".." && name != own_fd) ++count;
    }
    closedir(directory);
    return count;
}

std::optional<std::uint64_t> max_fds() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(limit.rlim_cur);
}

std::optional<double> clock_ticks_per_second() {
    const long ticks = sysconf(_SC_CLK_TCK);
    if (ticks <= 0) return std::nullopt;
    return static_cast<double>(ticks);
}

std::optional<std::uint64_t> page_size() {
    const long bytes = sysconf(_SC_PAGESIZE);
    if (bytes <= 0) return std::nullopt;
    return static_cast<std::uint64_t>(bytes);
}

void write_gauge(std::string& out, std::string_view name, std::string_view help, std::uint64_t value) {
    family_writer(out, name, "gauge", help).sample({}, value);
}

void render_stat_metrics(std::string& out, const self_stat& stat) {
    const auto ticks_per_second = clock_ticks_per_second();
    if (ticks_per_second) {
        family_writer(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.")
            .sample({}, static_cast<double>(stat.user_and_system_ticks) / *ticks_per_second);
    }
    write_gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", stat.virtual_bytes);
    if (const auto bytes_per_page = page_size()) {
        write_gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
                    stat.resident_pages * *bytes_per_page);
    }
    const auto boot_time = read_boot_time();
    if (ticks_per_second && boot_time) {
        const double started =
            static_cast<double>(*boot_time) + static_cast<double>(stat.start_ticks) / *ticks_per_second;
        family_writer(out, "process_start_time_seconds", "gauge",
                      "Start time of the process since unix epoch in seconds.")
            .sample({}, started);
    }
}

}  // namespace

void render_process_metrics(std::string& out) {
    if (const auto stat = read_self_stat()) render_stat_metrics(out, *stat);
    if (const auto open = count_open_fds()) {
        write_gauge(out, "process_open_fds", "Number of open file descriptors.", *open);
    }
    if (const auto most = max_fds()) {
        write_gauge(out, "process_max_fds", "Maximum number of open file descriptors.", *most);
    }
}

}  // namespace arcade_mcp::detail::observe
