// core/log.hpp — structured logging. One JSON object per line on stderr
// (ts, level, component, msg, then fields), or a human-readable line.
// Thread-safe; a line is written with one write(2) so lines never interleave.
// Secrets must never be passed as fields.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace sniper::log {

enum class Level : int { Debug = 1, Info = 2, Warn = 3, Error = 4 };
enum class Format : int { Json = 1, Human = 2 };

struct Field {
    std::string_view key;
    std::variant<std::string_view, int64_t, uint64_t, double, bool> value;
    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, int64_t v) : key(k), value(v) {}
    Field(std::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
    Field(std::string_view k, uint64_t v) : key(k), value(v) {}
    Field(std::string_view k, uint32_t v) : key(k), value(static_cast<uint64_t>(v)) {}
    Field(std::string_view k, double v) : key(k), value(v) {}
    Field(std::string_view k, bool v) : key(k), value(v) {}
};

void set_format(Format f);
void set_level(Level l);
// Redirect output to a file descriptor (default 2). Used by tests.
void set_fd(int fd);
bool enabled(Level l);
Level parse_level(std::string_view s, bool* ok);

void write(Level level, std::string_view component, std::string_view msg,
           std::initializer_list<Field> fields = {});

inline void debug(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
    if (enabled(Level::Debug)) {
        write(Level::Debug, c, m, f);
    }
}
inline void info(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::Info, c, m, f);
}
inline void warn(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::Warn, c, m, f);
}
inline void error(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::Error, c, m, f);
}

} // namespace sniper::log
