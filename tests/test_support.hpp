// tests/test_support.hpp — small fixtures shared by the module tests: a
// temporary directory removed at scope exit, logs silenced for a test, and
// the fuzz tests' seeded random stream.
#pragma once

#include "core/log.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace sniper::testing {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/sniper-test-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

// Routes the host's log to /dev/null while alive (tests that run whole
// markets would otherwise print thousands of lines).
struct QuietLogs {
    int fd = ::open("/dev/null", O_WRONLY);
    QuietLogs() { log::set_fd(fd); }
    ~QuietLogs() {
        log::set_fd(2);
        ::close(fd);
    }
    QuietLogs(const QuietLogs&) = delete;
    QuietLogs& operator=(const QuietLogs&) = delete;
};

// The fuzz drivers' random stream (xorshift64): fast, seeded, the same
// inputs for the same seed on every machine. `s` must not be 0.
struct FuzzRng {
    uint64_t s;
    uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
    uint8_t byte() { return static_cast<uint8_t>(next()); }
    bool chance(unsigned percent) { return next() % 100 < percent; }
};

} // namespace sniper::testing
