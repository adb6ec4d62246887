// tests/test_support.hpp — small fixtures shared by the module tests: a
// temporary directory removed at scope exit, and logs silenced for a test.
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

} // namespace sniper::testing
