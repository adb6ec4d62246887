#include "core/log.hpp"

#include "core/json.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace sniper::log {
namespace {
std::atomic<int> g_format{static_cast<int>(Format::Json)};
std::atomic<int> g_level{static_cast<int>(Level::Info)};
std::atomic<int> g_fd{2};

const char* level_name(Level l) {
    switch (l) {
    case Level::Debug:
        return "debug";
    case Level::Info:
        return "info";
    case Level::Warn:
        return "warn";
    case Level::Error:
        return "error";
    }
    return "?";
}

void format_ts(std::string& out) {
    const auto now = std::chrono::system_clock::now();
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(us / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(us % 1000000));
    out += buf;
}
} // namespace

void set_format(Format f) { g_format.store(static_cast<int>(f)); }
void set_level(Level l) { g_level.store(static_cast<int>(l)); }
void set_fd(int fd) { g_fd.store(fd); }
bool enabled(Level l) { return static_cast<int>(l) >= g_level.load(std::memory_order_relaxed); }

Level parse_level(std::string_view s, bool* ok) {
    *ok = true;
    if (s == "debug") {
        return Level::Debug;
    }
    if (s == "info") {
        return Level::Info;
    }
    if (s == "warn") {
        return Level::Warn;
    }
    if (s == "error") {
        return Level::Error;
    }
    *ok = false;
    return Level::Info;
}

void write(Level level, std::string_view component, std::string_view msg,
           std::initializer_list<Field> fields) {
    if (!enabled(level)) {
        return;
    }
    std::string line;
    line.reserve(256);
    if (g_format.load() == static_cast<int>(Format::Json)) {
        JsonWriter w;
        w.begin_object();
        std::string ts;
        format_ts(ts);
        w.kv("ts", ts).kv("level", level_name(level)).kv("component", component).kv("msg", msg);
        for (const Field& f : fields) {
            w.key(f.key);
            std::visit([&w](const auto& v) { w.value(v); }, f.value);
        }
        w.end_object();
        line = w.take();
    } else {
        format_ts(line);
        line += ' ';
        line += level_name(level);
        line += ' ';
        line += component;
        line += ": ";
        line += msg;
        for (const Field& f : fields) {
            line += ' ';
            line += f.key;
            line += '=';
            std::visit(
                [&line](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::string_view>) {
                        line += v;
                    } else if constexpr (std::is_same_v<T, bool>) {
                        line += v ? "true" : "false";
                    } else {
                        line += std::to_string(v);
                    }
                },
                f.value);
        }
    }
    line.push_back('\n');
    const int fd = g_fd.load();
    size_t off = 0;
    while (off < line.size()) {
        const ssize_t n = ::write(fd, line.data() + off, line.size() - off);
        if (n <= 0) {
            break;
        }
        off += static_cast<size_t>(n);
    }
}

} // namespace sniper::log
