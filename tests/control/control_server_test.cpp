// Tests for control/control_server: the socket's permissions, the framing,
// broken and hostile clients, foreign uids, and server lifecycle.
#include "control/control_client.hpp"
#include "control/control_server.hpp"
#include "control/control_testing.hpp"
#include "control_test_util.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <grp.h>
#include <sys/wait.h>

using namespace sniper;
using sniper::test::mode_of;
using sniper::test::raw_connect;
using sniper::test::read_until_eof;
using sniper::test::send_all;
using sniper::test::TempDir;

namespace {

constexpr int64_t kTimeoutMs = 5000;

std::string echo_response(std::string_view request) {
    JsonWriter w;
    w.begin_object().kv("echo", request).end_object();
    return control_ok(w.str());
}

std::string expected_echo(std::string_view request) {
    return echo_response(request);
}

void quiet_logs() {
    log::set_level(log::Level::Error);
}

std::unique_ptr<ControlServer> start_echo(const std::string& path,
                                          uid_t allowed = static_cast<uid_t>(-1)) {
    std::string error;
    auto server = ControlServer::start(path, echo_response, &error, allowed);
    INFO(error);
    REQUIRE(server != nullptr);
    return server;
}

// Binds a socket at `path` and closes it without unlinking: what a crashed
// daemon leaves behind.
void make_stale_socket(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, path.size());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    ::close(fd);
}

} // namespace

TEST_CASE("control_ok and control_error build one-line envelopes", "[control]") {
    CHECK(control_ok(R"({"a":1})") == R"({"ok":true,"data":{"a":1}})");
    CHECK(control_ok("") == R"({"ok":true,"data":null})");
    const std::string err = control_error("bad \"cmd\"\nsecond line\\");
    CHECK(err == R"({"ok":false,"error":"bad \"cmd\"\nsecond line\\"})");
    CHECK(err.find('\n') == std::string::npos);
}

TEST_CASE("control socket is 0600 inside a 0700 directory it creates", "[control]") {
    quiet_logs();
    TempDir tmp;
    const std::string dir = tmp / "run/nested";
    const std::string path = dir + "/sniperd.sock";
    auto server = start_echo(path);
    CHECK(server->socket_path() == path);
    CHECK(mode_of(dir) == 0700);
    CHECK(mode_of(path) == 0600);
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
}

TEST_CASE("control socket directory: looser modes are tightened only when safe", "[control]") {
    quiet_logs();
    TempDir tmp;

    SECTION("a directory of ours with mode 0755 is tightened to 0700") {
        const std::string dir = tmp / "run";
        REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
        REQUIRE(::chmod(dir.c_str(), 0755) == 0);
        auto server = start_echo(dir + "/sniperd.sock");
        CHECK(mode_of(dir) == 0700);
    }
    SECTION("a shared sticky directory (like /tmp) is refused and left alone") {
        const std::string dir = tmp / "shared";
        REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
        REQUIRE(::chmod(dir.c_str(), 01777) == 0);
        std::string error;
        auto server = ControlServer::start(dir + "/sniperd.sock", echo_response, &error);
        CHECK(server == nullptr);
        CHECK_THAT(error, Catch::Contains("shared directory"));
        CHECK(mode_of(dir) == 01777);
    }
    SECTION("a path whose directory is a regular file is refused") {
        const std::string file = tmp / "file";
        std::FILE* f = std::fopen(file.c_str(), "w");
        REQUIRE(f != nullptr);
        std::fclose(f);
        std::string error;
        auto server = ControlServer::start(file + "/sniperd.sock", echo_response, &error);
        CHECK(server == nullptr);
        CHECK_FALSE(error.empty());
    }
    SECTION("a loose directory owned by another uid is refused (root only)") {
        if (::geteuid() != 0) {
            WARN("not root: cannot create a directory owned by another uid; skipped");
            return;
        }
        const std::string dir = tmp / "theirs";
        REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
        REQUIRE(::chmod(dir.c_str(), 0755) == 0);
        REQUIRE(::chown(dir.c_str(), 65534, 65534) == 0);
        std::string error;
        auto server = ControlServer::start(dir + "/sniperd.sock", echo_response, &error);
        CHECK(server == nullptr);
        CHECK_THAT(error, Catch::Contains("owned by uid 65534"));
        CHECK(mode_of(dir) == 0755);
    }
}

TEST_CASE("control socket path longer than sun_path is refused", "[control]") {
    quiet_logs();
    TempDir tmp;
    std::string error;
    auto server = ControlServer::start(tmp / std::string(120, 'x'), echo_response, &error);
    CHECK(server == nullptr);
    CHECK_THAT(error, Catch::Contains("bytes"));
}

TEST_CASE("control request/response round trip", "[control]") {
    quiet_logs();
    TempDir tmp;
    auto server = start_echo(tmp / "run/sniperd.sock");

    SECTION("one call per connection") {
        const auto r = control_call(server->socket_path(), R"({"cmd":"status"})", kTimeoutMs);
        REQUIRE(r.status == ControlCallStatus::Ok);
        CHECK(r.response == expected_echo(R"({"cmd":"status"})"));
    }
    SECTION("several requests on one connection are answered in order") {
        ControlClient client;
        REQUIRE(client.connect(server->socket_path(), kTimeoutMs).status == ControlCallStatus::Ok);
        for (int i = 0; i < 5; ++i) {
            const std::string req = R"({"cmd":"status","n":)" + std::to_string(i) + "}";
            const auto r = client.request(req, kTimeoutMs);
            REQUIRE(r.status == ControlCallStatus::Ok);
            CHECK(r.response == expected_echo(req));
        }
    }
    SECTION("pipelined lines in one write, CRLF tolerated") {
        const int fd = raw_connect(server->socket_path());
        REQUIRE(fd >= 0);
        REQUIRE(send_all(fd, "{\"a\":1}\n{\"b\":2}\r\n"));
        std::string got;
        while (std::count(got.begin(), got.end(), '\n') < 2) {
            const std::string more = read_until_eof(fd, 2000);
            REQUIRE_FALSE(more.empty());
            got += more;
        }
        ::close(fd);
        CHECK(got == expected_echo(R"({"a":1})") + "\n" + expected_echo(R"({"b":2})") + "\n");
    }
    SECTION("a last line without newline before half-close is still answered") {
        const int fd = raw_connect(server->socket_path());
        REQUIRE(fd >= 0);
        REQUIRE(send_all(fd, R"({"cmd":"status"})"));
        REQUIRE(::shutdown(fd, SHUT_WR) == 0);
        bool eof = false;
        const std::string got = read_until_eof(fd, 2000, &eof);
        ::close(fd);
        CHECK(got == expected_echo(R"({"cmd":"status"})") + "\n");
        CHECK(eof);
    }
}

TEST_CASE("control server passes malformed JSON to the handler untouched", "[control]") {
    quiet_logs();
    TempDir tmp;
    std::mutex mu;
    std::vector<std::string> seen;
    std::string error;
    auto server = ControlServer::start(
        tmp / "run/sniperd.sock",
        [&](std::string_view req) {
            std::lock_guard lock(mu);
            seen.emplace_back(req);
            return control_error("malformed request: expected a JSON object");
        },
        &error);
    REQUIRE(server != nullptr);
    const auto r = control_call(server->socket_path(), "{not json \"at all", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK(r.response == R"({"ok":false,"error":"malformed request: expected a JSON object"})");
    std::lock_guard lock(mu);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == "{not json \"at all");
}

TEST_CASE("control server rejects an oversized line and closes", "[control]") {
    quiet_logs();
    TempDir tmp;
    std::atomic<int> calls{0};
    std::string error;
    auto server = ControlServer::start(
        tmp / "run/sniperd.sock",
        [&](std::string_view req) {
            ++calls;
            return control_ok(std::to_string(req.size()));
        },
        &error);
    REQUIRE(server != nullptr);

    SECTION("exactly 64 KiB is accepted") {
        const auto r = control_call(server->socket_path(), std::string(65536, 'a'), kTimeoutMs);
        REQUIRE(r.status == ControlCallStatus::Ok);
        CHECK(r.response == R"({"ok":true,"data":65536})");
    }
    SECTION("one byte more gets an error, then EOF") {
        const int fd = raw_connect(server->socket_path());
        REQUIRE(fd >= 0);
        // Stop writing when the server closes on us; what matters is what we read.
        (void)send_all(fd, std::string(65537, 'a') + "\n");
        bool eof = false;
        const std::string got = read_until_eof(fd, 2000, &eof);
        ::close(fd);
        CHECK(got == R"({"ok":false,"error":"request line exceeds 65536 bytes"})"
                     "\n");
        CHECK(eof);
        CHECK(calls == 0);
    }
    SECTION("a megabyte without newline through the client is answered with the error") {
        const auto r = control_call(server->socket_path(), std::string(1 << 20, 'b'), kTimeoutMs);
        REQUIRE(r.status == ControlCallStatus::Ok);
        CHECK_THAT(r.response, Catch::Contains("exceeds 65536 bytes"));
        CHECK(calls == 0);
    }
    // The server keeps serving afterwards.
    const auto r = control_call(server->socket_path(), "x", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK(r.response == R"({"ok":true,"data":1})");
}

TEST_CASE("a throwing handler yields an error response and the server goes on", "[control]") {
    quiet_logs();
    TempDir tmp;
    std::string error;
    auto server = ControlServer::start(
        tmp / "run/sniperd.sock",
        [](std::string_view req) -> std::string {
            if (req == "throw") {
                throw std::runtime_error("boom: \"engine\" unavailable");
            }
            if (req == "throw-int") {
                throw 42;
            }
            if (req == "multi-line") {
                return "{\"ok\":true,\n\"data\":1}";
            }
            return control_ok("1");
        },
        &error);
    REQUIRE(server != nullptr);

    ControlClient client;
    REQUIRE(client.connect(server->socket_path(), kTimeoutMs).status == ControlCallStatus::Ok);
    auto r = client.request("throw", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK(r.response == R"({"ok":false,"error":"boom: \"engine\" unavailable"})");
    r = client.request("throw-int", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK_THAT(r.response, Catch::StartsWith(R"({"ok":false,"error":)"));
    r = client.request("multi-line", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK_THAT(r.response, Catch::Contains("newline"));
    // Same connection, then a new one.
    r = client.request("fine", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK(r.response == R"({"ok":true,"data":1})");
    r = control_call(server->socket_path(), "fine", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK(r.response == R"({"ok":true,"data":1})");
}

TEST_CASE("a uid other than the allowed one is refused via SO_PEERCRED", "[control]") {
    quiet_logs();
    TempDir tmp;
    std::atomic<int> calls{0};
    std::string error;
    const uid_t allowed = ::getuid() + 1;
    auto server = ControlServer::start(
        tmp / "run/sniperd.sock",
        [&](std::string_view) {
            ++calls;
            return control_ok("{}");
        },
        &error, allowed);
    REQUIRE(server != nullptr);
    CHECK(server->refused_connections() == 0);

    const auto r = control_call(server->socket_path(), R"({"cmd":"kill"})", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK(r.response == control_error("permission denied: uid " + std::to_string(::getuid()) +
                                      " is not allowed"));
    CHECK(server->refused_connections() == 1);
    CHECK(calls == 0);

    // The connection is closed right after the refusal.
    const int fd = raw_connect(server->socket_path());
    REQUIRE(fd >= 0);
    bool eof = false;
    const std::string got = read_until_eof(fd, 2000, &eof);
    ::close(fd);
    CHECK_THAT(got, Catch::Contains("permission denied"));
    CHECK(eof);
    CHECK(server->refused_connections() == 2);
}

namespace {

// In a forked child: become uid/gid 65534 and try to use the socket. Only
// raw system calls here (the parent has threads). Exit codes:
// 10 connect failed with EACCES, 11 refused by the server, 12 got an answer
// that is not a refusal (the bug), 13 anything else.
[[noreturn]] void child_as_nobody(const char* path) {
    ::alarm(10);
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) {
        ::_exit(13);
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        ::_exit(13);
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        ::_exit(errno == EACCES ? 10 : 13);
    }
    const char req[] = "{\"cmd\":\"kill\",\"reason\":\"intruder\"}\n";
    (void)::send(fd, req, sizeof req - 1, MSG_NOSIGNAL);
    char buf[512];
    std::size_t got = 0;
    for (;;) {
        const ssize_t n = ::recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
        if (got >= sizeof buf - 1) {
            break;
        }
    }
    buf[got] = '\0';
    if (std::strstr(buf, "permission denied: uid 65534 is not allowed") != nullptr) {
        ::_exit(11);
    }
    ::_exit(got > 0 ? 12 : 13);
}

int run_child_as_nobody(const std::string& path) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        child_as_nobody(path.c_str());
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

} // namespace

TEST_CASE("a process running as another uid cannot control the daemon", "[control]") {
    quiet_logs();
    if (::geteuid() != 0) {
        WARN("not root: cannot setuid a child to 65534; the SO_PEERCRED refusal is covered by "
             "the allowed_uid test");
        return;
    }
    TempDir tmp;
    std::atomic<int> calls{0};
    std::string error;
    auto server = ControlServer::start(
        tmp / "run/sniperd.sock",
        [&](std::string_view) {
            ++calls;
            return control_ok("{}");
        },
        &error, 0);
    REQUIRE(server != nullptr);

    SECTION("the default layout stops it at the filesystem (0700 dir, 0600 socket)") {
        CHECK(run_child_as_nobody(server->socket_path()) == 10);
        CHECK(calls == 0);
    }
    SECTION("with the file permissions deliberately loosened, SO_PEERCRED still refuses") {
        REQUIRE(::chmod(tmp.path().c_str(), 0711) == 0);
        REQUIRE(::chmod((tmp / "run").c_str(), 0711) == 0);
        REQUIRE(::chmod(server->socket_path().c_str(), 0666) == 0);
        CHECK(run_child_as_nobody(server->socket_path()) == 11);
        CHECK(server->refused_connections() == 1);
        CHECK(calls == 0);
    }
}

TEST_CASE("a stale socket file is replaced", "[control]") {
    quiet_logs();
    TempDir tmp;
    const std::string dir = tmp / "run";
    REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
    const std::string path = dir + "/sniperd.sock";
    make_stale_socket(path);
    CHECK(raw_connect(path) == -ECONNREFUSED);

    auto server = start_echo(path);
    const auto r = control_call(path, "x", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK(r.response == expected_echo("x"));
}

TEST_CASE("a path that is not a socket is never removed", "[control]") {
    quiet_logs();
    TempDir tmp;
    const std::string dir = tmp / "run";
    REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
    const std::string path = dir + "/sniperd.sock";
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fclose(f);
    std::string error;
    auto server = ControlServer::start(path, echo_response, &error);
    CHECK(server == nullptr);
    CHECK_THAT(error, Catch::Contains("not a socket"));
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    CHECK(S_ISREG(st.st_mode));
}

TEST_CASE("a second server on a live socket is refused", "[control]") {
    quiet_logs();
    TempDir tmp;
    const std::string path = tmp / "run/sniperd.sock";
    auto first = start_echo(path);
    std::string error;
    auto second = ControlServer::start(path, echo_response, &error);
    CHECK(second == nullptr);
    CHECK(error == "another sniperd is running on " + path);
    // The first one is untouched.
    const auto r = control_call(path, "still here", kTimeoutMs);
    REQUIRE(r.status == ControlCallStatus::Ok);
    CHECK(r.response == expected_echo("still here"));
}

TEST_CASE("eight concurrent clients are all served", "[control]") {
    quiet_logs();
    TempDir tmp;
    std::atomic<int> calls{0};
    std::string error;
    auto server = ControlServer::start(
        tmp / "run/sniperd.sock",
        [&](std::string_view req) {
            ++calls;
            return echo_response(req);
        },
        &error);
    REQUIRE(server != nullptr);

    constexpr int kClients = 8;
    constexpr int kRequests = 25;
    std::atomic<int> connected{0};
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c) {
        threads.emplace_back([&, c] {
            ControlClient client;
            if (client.connect(server->socket_path(), kTimeoutMs).status != ControlCallStatus::Ok) {
                return;
            }
            // All connections open at once before anyone sends.
            ++connected;
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (connected < kClients && std::chrono::steady_clock::now() < until) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            for (int i = 0; i < kRequests; ++i) {
                const std::string req =
                    "{\"client\":" + std::to_string(c) + ",\"i\":" + std::to_string(i) + "}";
                const auto r = client.request(req, kTimeoutMs);
                if (r.status == ControlCallStatus::Ok && r.response == echo_response(req)) {
                    ++good;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(connected == kClients);
    CHECK(good == kClients * kRequests);
    CHECK(calls == kClients * kRequests);
}

TEST_CASE("idle connections are closed after the idle timeout", "[control]") {
    quiet_logs();
    control_testing::set_idle_timeout(std::chrono::milliseconds(200));
    TempDir tmp;
    auto server = start_echo(tmp / "run/sniperd.sock");
    control_testing::set_idle_timeout(std::chrono::milliseconds(60'000));

    ControlClient client;
    REQUIRE(client.connect(server->socket_path(), kTimeoutMs).status == ControlCallStatus::Ok);
    REQUIRE(client.request("a", kTimeoutMs).status == ControlCallStatus::Ok);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    const auto r = client.request("b", kTimeoutMs);
    CHECK(r.status == ControlCallStatus::Failed);

    // A raw connection that never sends sees EOF, not a hang.
    const int fd = raw_connect(server->socket_path());
    REQUIRE(fd >= 0);
    bool eof = false;
    read_until_eof(fd, 3000, &eof);
    ::close(fd);
    CHECK(eof);
}

TEST_CASE("destroying the server closes connections and unlinks the socket", "[control]") {
    quiet_logs();
    TempDir tmp;
    const std::string path = tmp / "run/sniperd.sock";
    auto server = start_echo(path);
    ControlClient client;
    REQUIRE(client.connect(path, kTimeoutMs).status == ControlCallStatus::Ok);
    REQUIRE(client.request("a", kTimeoutMs).status == ControlCallStatus::Ok);

    server.reset();
    struct stat st {};
    CHECK(::lstat(path.c_str(), &st) != 0);
    CHECK(client.request("b", kTimeoutMs).status == ControlCallStatus::Failed);

    // And the path is free for the next daemon.
    auto again = start_echo(path);
    CHECK(control_call(path, "c", kTimeoutMs).status == ControlCallStatus::Ok);
}

TEST_CASE("the server does not unlink a socket that is no longer its own", "[control]") {
    quiet_logs();
    TempDir tmp;
    const std::string path = tmp / "run/sniperd.sock";
    auto old_server = start_echo(path);
    // Someone removed our file and another daemon took the path.
    REQUIRE(::unlink(path.c_str()) == 0);
    auto new_server = start_echo(path);
    old_server.reset();
    CHECK(control_call(path, "x", kTimeoutMs).status == ControlCallStatus::Ok);
}

TEST_CASE("the client tells cannot-connect from failed", "[control]") {
    quiet_logs();
    TempDir tmp;
    SECTION("no socket file") {
        const auto r = control_call(tmp / "missing.sock", "x", kTimeoutMs);
        CHECK(r.status == ControlCallStatus::CannotConnect);
        CHECK(r.sys_errno == ENOENT);
        CHECK_FALSE(r.error.empty());
    }
    SECTION("stale socket file") {
        const std::string path = tmp / "stale.sock";
        make_stale_socket(path);
        const auto r = control_call(path, "x", kTimeoutMs);
        CHECK(r.status == ControlCallStatus::CannotConnect);
        CHECK(r.sys_errno == ECONNREFUSED);
    }
    SECTION("a server that accepts but never answers") {
        const std::string path = tmp / "mute.sock";
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        path.copy(addr.sun_path, path.size());
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd, 4) == 0);
        const auto start = std::chrono::steady_clock::now();
        const auto r = control_call(path, "x", 300);
        const auto took = std::chrono::steady_clock::now() - start;
        ::close(fd);
        CHECK(r.status == ControlCallStatus::Failed);
        CHECK(r.sys_errno == ETIMEDOUT);
        CHECK(took < std::chrono::seconds(3));
    }
    SECTION("a request containing a newline is not sent") {
        auto server = start_echo(tmp / "run/sniperd.sock");
        const auto r = control_call(server->socket_path(), "a\nb", kTimeoutMs);
        CHECK(r.status == ControlCallStatus::Failed);
    }
}

TEST_CASE("200 idle connections cannot crowd out a request: the longest idle ones are closed",
          "[control]") {
    quiet_logs();
    TempDir dir;
    const std::string path = dir.path() + "/sniperd.sock";
    auto server = start_echo(path);

    // A leaky monitoring script: 200 connections that never send a thing.
    std::vector<int> idle;
    for (int i = 0; i < 200; ++i) {
        const int fd = raw_connect(path);
        REQUIRE(fd >= 0);
        idle.push_back(fd);
    }
    // Each request still gets an answer, on a new connection, every time.
    for (int i = 0; i < 5; ++i) {
        const auto r = control_call(path, "kill", kTimeoutMs);
        INFO(r.error);
        REQUIRE(r.status == ControlCallStatus::Ok);
        CHECK(r.response == expected_echo("kill"));
    }
    // The first idle client was closed to make room, and told why.
    bool eof = false;
    const std::string told = read_until_eof(idle.front(), 2000, &eof);
    CHECK(eof);
    CHECK(told.find("idle while the control socket is full") != std::string::npos);
    CHECK(server->refused_connections() == 0);
    for (const int fd : idle) {
        ::close(fd);
    }
}
