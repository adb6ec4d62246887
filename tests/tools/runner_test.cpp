// The tool runner against real python3 processes that behave and misbehave
// (fixtures/misbehave.py): in every case the host goes on, the caller gets
// an error, nothing is left in /proc, and the tool answers after a restart.
#include "tool_test_util.hpp"

#include <cstdlib>
#include <set>
#include <thread>

using namespace sniper;
using namespace sniper::tools;
using namespace sniper::testing;
using namespace std::chrono_literals;

namespace {

// Waits until the runner has restarted `n` times (or fails).
void wait_restarts(ToolRunner& r, uint64_t n) {
    for (int i = 0; i < 500 && r.stats().restarts < n; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    REQUIRE(r.stats().restarts >= n);
}

void wait_running(ToolRunner& r) {
    for (int i = 0; i < 500 && r.stats().state != "running"; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    REQUIRE(r.stats().state == "running");
}

long echo_pid(ToolRunner& r) {
    const ToolResult res = call(r, R"({"do":"echo","value":1})");
    INFO(res.error_code << ": " << res.error_message);
    REQUIRE(res.status == ToolCallStatus::Ok);
    return json_int(res.output_json, "pid");
}

void check_gone(long pid) {
    const ProcInfo p = proc_info(pid);
    INFO("pid " << pid << " state " << p.state);
    CHECK_FALSE(p.exists);
    CHECK(group_left(pid).empty());
    CHECK(our_zombies().empty());
}

} // namespace

TEST_CASE("a good tool answers, the deadline reaches it, stats count", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(manifest_of(write_tool(t.path, "good", "normal")));
    ToolResult res = call(r, R"({"do":"echo","value":"hi"})", 3000);
    REQUIRE(res.status == ToolCallStatus::Ok);
    CHECK(res.output_json.find("\"echo\":\"hi\"") != std::string::npos);
    const long deadline_ms = json_int(res.output_json, "deadline_ms");
    CHECK(deadline_ms > 2000);
    CHECK(deadline_ms <= 3000);
    CHECK(res.latency_ns > 0);
    res = call(r, R"({"do":"error"})");
    CHECK(res.status == ToolCallStatus::ToolError);
    CHECK(res.error_code == "bad_input");
    CHECK(res.error_field == "x");
    res = call(r, "[1,2]");
    CHECK(res.status == ToolCallStatus::BadInput);
    const ToolStats s = r.stats();
    CHECK(s.state == "running");
    CHECK(s.calls == 2);
    CHECK(s.ok == 1);
    CHECK(s.tool_errors == 1);
    CHECK(s.bad_input == 1);
    CHECK(s.restarts == 0);
    CHECK(s.p50_latency_ns > 0);
    CHECK(s.p99_latency_ns >= s.p50_latency_ns);
    const long pid = echo_pid(r);
    r.stop();
    CHECK(r.stats().state == "stopped");
    check_gone(pid);
    CHECK(call(r, "{}").status == ToolCallStatus::Shutdown);
}

TEST_CASE("many concurrent calls within the limit: none lost, none answered twice", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(
        manifest_of(write_tool(t.path, "pool", "normal", "workers = 3\nmax_concurrent = 300\n")));
    wait_running(r);
    Collector c;
    std::set<uint64_t> ids;
    std::vector<std::thread> threads;
    std::mutex ids_mu;
    for (int th = 0; th < 3; ++th) {
        threads.emplace_back([&, th] {
            for (int i = 0; i < 100; ++i) {
                const Submitted s = r.submit("{\"value\":" + std::to_string(th * 1000 + i) + "}",
                                             10'000'000'000, c.callback());
                REQUIRE_FALSE(s.refused.has_value());
                std::lock_guard lock(ids_mu);
                ids.insert(s.call_id);
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    REQUIRE(c.wait_for(300));
    std::this_thread::sleep_for(50ms); // a double answer would show up here
    std::lock_guard lock(c.mu);
    REQUIRE(c.results.size() == 300);
    std::set<uint64_t> answered;
    std::set<long> values;
    std::set<long> pids;
    for (const ToolResult& res : c.results) {
        REQUIRE(res.status == ToolCallStatus::Ok);
        answered.insert(res.call_id);
        values.insert(json_int(res.output_json, "echo"));
        pids.insert(json_int(res.output_json, "pid"));
    }
    CHECK(answered == ids);
    CHECK(values.size() == 300);
    CHECK(pids.size() == 3); // spread over all workers
    CHECK(r.stats().ok == 300);
}

TEST_CASE("calls beyond max_concurrent are refused at once", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(manifest_of(write_tool(t.path, "busy", "normal", "max_concurrent = 2\n")));
    Collector c;
    CHECK_FALSE(r.submit(R"({"do":"sleep","s":0.3})", 0, c.callback()).refused);
    CHECK_FALSE(r.submit(R"({"do":"sleep","s":0.3})", 0, c.callback()).refused);
    const auto t0 = std::chrono::steady_clock::now();
    const Submitted third = r.submit(R"({"do":"echo"})", 0, c.callback());
    CHECK(std::chrono::steady_clock::now() - t0 < 50ms);
    REQUIRE(third.refused.has_value());
    CHECK(third.refused->status == ToolCallStatus::QueueFull);
    CHECK(third.refused->error_message.find("max_concurrent") != std::string::npos);
    REQUIRE(c.wait_for(2));
    CHECK(c.at(0).status == ToolCallStatus::Ok);
    CHECK(c.at(1).status == ToolCallStatus::Ok);
    CHECK(r.stats().queue_full == 1);
    CHECK(call(r, R"({"do":"echo"})").status == ToolCallStatus::Ok); // room again
}

TEST_CASE("a hanging tool times out, its group is killed and it is restarted", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(manifest_of(write_tool(t.path, "hang", "normal")));
    const long pid = echo_pid(r);
    const auto t0 = std::chrono::steady_clock::now();
    const ToolResult res = call(r, R"({"do":"hang"})", 300);
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(res.status == ToolCallStatus::Timeout);
    CHECK(res.error_code == "timeout");
    CHECK(took >= 290ms);
    CHECK(took < 1500ms);
    check_gone(pid);
    wait_restarts(r, 1);
    CHECK(echo_pid(r) != pid);
    const ToolStats s = r.stats();
    CHECK(s.timeouts == 1);
    CHECK(s.restarts == 1);
}

TEST_CASE("a call waiting for a busy worker times out without killing it", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(manifest_of(write_tool(t.path, "queue", "normal")));
    Collector c;
    r.submit(R"({"do":"sleep","s":0.5})", 2'000'000'000, c.callback());
    r.submit(R"({"do":"echo"})", 100'000'000, c.callback());
    REQUIRE(c.wait_for(2));
    CHECK(c.at(0).status == ToolCallStatus::Timeout);
    CHECK(c.at(0).error_message.find("waiting for a worker") != std::string::npos);
    CHECK(c.at(1).status == ToolCallStatus::Ok);
    CHECK(r.stats().restarts == 0);
}

TEST_CASE("crash, garbage, a 100 MB line, a wrong id, a bad shape: an error, then a fresh worker",
          "[tools]") {
    QuietLogs quiet;
    TempDir t;
    struct Case {
        const char* input;
        ToolCallStatus status;
        const char* why;
    };
    const Case cases[] = {
        {R"({"do":"crash"})", ToolCallStatus::Crashed, "closed its stdout"},
        {R"({"do":"garbage"})", ToolCallStatus::BadResponse, "invalid JSON"},
        {R"({"do":"huge"})", ToolCallStatus::BadResponse, "longer than 1048576 bytes"},
        {R"({"do":"wrong_id"})", ToolCallStatus::BadResponse, "out of step"},
        {R"({"do":"bad_shape"})", ToolCallStatus::BadResponse, "output object"},
    };
    ToolRunner r(manifest_of(write_tool(t.path, "liar", "normal")));
    uint64_t restarts = 0;
    for (const Case& k : cases) {
        INFO(k.input);
        const long pid = echo_pid(r);
        const auto t0 = std::chrono::steady_clock::now();
        const ToolResult res = call(r, k.input, 4000);
        CHECK(std::chrono::steady_clock::now() - t0 < 3000ms);
        CHECK(res.status == k.status);
        CHECK(res.error_message.find(k.why) != std::string::npos);
        check_gone(pid);
        wait_restarts(r, ++restarts);
        CHECK(echo_pid(r) != pid);
    }
    const ToolStats s = r.stats();
    CHECK(s.crashed == 1);
    CHECK(s.bad_response == 4);
}

TEST_CASE("a tool that answers twice is restarted before the next call", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(manifest_of(write_tool(t.path, "twice", "normal")));
    const long pid = echo_pid(r);
    CHECK(call(r, R"({"do":"twice"})").status == ToolCallStatus::Ok);
    wait_restarts(r, 1);
    check_gone(pid);
    CHECK(echo_pid(r) != pid);
}

TEST_CASE("a tool that exits at start: callers get errors, no zombies pile up", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(manifest_of(write_tool(t.path, "dead", "exit_at_start")));
    const ToolResult res = call(r, R"({"do":"echo"})", 500);
    CHECK((res.status == ToolCallStatus::Timeout || res.status == ToolCallStatus::Crashed));
    wait_restarts(r, 2); // back-off 20, 40, 80 ... ms
    CHECK(call(r, R"({"do":"echo"})", 300).status != ToolCallStatus::Ok);
    CHECK(r.stats().state != "running");
    CHECK(our_zombies().empty());
    r.stop();
    CHECK(our_zombies().empty());
}

TEST_CASE("a command that cannot start fails calls with spawn_failed", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    std::filesystem::create_directories(t.path / "nocmd");
    std::ofstream(t.path / "nocmd" / "manifest.toml")
        << "protocol = 1\nname = \"nocmd\"\ncommand = [\"/nonexistent/tool\"]\nrestart_backoff_ms "
           "= [20, 50]\n";
    ToolRunner r(manifest_of(t.path / "nocmd"));
    const ToolResult res = call(r, "{}", 2000);
    CHECK(res.status == ToolCallStatus::SpawnFailed);
    CHECK(r.stats().spawn_failed >= 1);
    CHECK(r.stats().state == "down");
}

TEST_CASE("a megabyte on stderr before reading stdin does not stall the call", "[tools]") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    log::set_fd(fds[1]);
    std::string logged;
    std::thread drain([&] {
        char buf[65536];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0) {
            logged.append(buf, static_cast<size_t>(n));
        }
    });
    {
        TempDir t;
        ToolRunner r(manifest_of(write_tool(t.path, "noisy", "stderr_flood")));
        const ToolResult res = call(r, R"({"do":"log"})", 5000);
        CHECK(res.status == ToolCallStatus::Ok);
        r.stop();
    }
    log::set_fd(2);
    ::close(fds[1]);
    drain.join();
    ::close(fds[0]);
    CHECK(logged.find("\"tool\":\"noisy\"") != std::string::npos);
    CHECK(logged.find("flood line 0") != std::string::npos);
    CHECK(logged.find("stderr lines suppressed") !=
          std::string::npos); // rate-limited, not 2000 lines
    CHECK(logged.size() < 200000);
}

TEST_CASE("a child forked by the tool dies with it and is reaped", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(manifest_of(write_tool(t.path, "forker", "normal")));
    ToolResult res = call(r, R"({"do":"fork"})");
    REQUIRE(res.status == ToolCallStatus::Ok);
    const long child = json_int(res.output_json, "child");
    const long pid = json_int(res.output_json, "pid");
    CHECK(proc_info(child).exists);
    CHECK(proc_info(child).pgrp == pid);
    res = call(r, R"({"do":"hang"})", 200); // the timeout kills the group
    CHECK(res.status == ToolCallStatus::Timeout);
    CHECK_FALSE(proc_info(child).exists);
    check_gone(pid);
    // and when the tool itself crashes with a live child
    wait_restarts(r, 1);
    res = call(r, R"({"do":"fork"})");
    REQUIRE(res.status == ToolCallStatus::Ok);
    const long child2 = json_int(res.output_json, "child");
    CHECK(call(r, R"({"do":"crash"})").status == ToolCallStatus::Crashed);
    CHECK_FALSE(proc_info(child2).exists);
    CHECK(our_zombies().empty());
}

TEST_CASE("a tool gets only the variables its manifest names, never SNIPER_*", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ::setenv("SNIPER_WALLET_KEY", "secret-key", 1);
    ::setenv("TOOL_TEST_ALLOWED", "yes", 1);
    ::setenv("TOOL_TEST_OTHER", "no", 1);
    ToolRunner r(manifest_of(write_tool(t.path, "envy", "normal",
                                        "env = [\"TOOL_TEST_ALLOWED\", \"TOOL_TEST_UNSET\"]\n")));
    const ToolResult res = call(r, R"({"do":"env"})");
    REQUIRE(res.status == ToolCallStatus::Ok);
    const long pid = json_int(res.output_json, "pid");
    std::ifstream f("/proc/" + std::to_string(pid) + "/environ");
    std::string environ((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK(environ == std::string("TOOL_TEST_ALLOWED=yes") + '\0');
    ::unsetenv("SNIPER_WALLET_KEY");
    ::unsetenv("TOOL_TEST_ALLOWED");
    ::unsetenv("TOOL_TEST_OTHER");
}

TEST_CASE("one-shot tools get one request and end-of-file, one process per call", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner r(
        manifest_of(write_tool(t.path, "once", "normal", "mode = \"one_shot\"\nworkers = 2\n")));
    CHECK(r.stats().state == "ready");
    const ToolResult a = call(r, R"({"do":"echo"})");
    const ToolResult b = call(r, R"({"do":"echo"})");
    REQUIRE(a.status == ToolCallStatus::Ok);
    REQUIRE(b.status == ToolCallStatus::Ok);
    CHECK(json_int(a.output_json, "pid") != json_int(b.output_json, "pid"));
    check_gone(json_int(a.output_json, "pid"));
    CHECK(call(r, R"({"do":"crash"})").status == ToolCallStatus::Crashed);
    CHECK(call(r, R"({"do":"hang"})", 200).status == ToolCallStatus::Timeout);
    CHECK(call(r, R"({"do":"echo"})").status == ToolCallStatus::Ok);
    CHECK(our_zombies().empty());
}

TEST_CASE("ToolHost routes by name and refuses unknown tools", "[tools]") {
    QuietLogs quiet;
    TempDir t;
    write_tool(t.path, "alpha", "normal");
    write_tool(t.path, "beta", "normal");
    std::filesystem::create_directories(t.path / "broken");
    std::ofstream(t.path / "broken" / "manifest.toml") << "protocol = 1\n";
    ToolHost host;
    const auto errors = host.load_dir(t.path.string());
    CHECK(errors.size() == 2); // broken: no name, no command
    CHECK(host.names() == std::vector<std::string>{"alpha", "beta"});
    Collector c;
    CHECK_FALSE(host.submit("beta", R"({"value":2})", 0, c.callback()).refused);
    REQUIRE(c.wait_for(1));
    CHECK(c.at(0).tool == "beta");
    const Submitted s = host.submit("gamma", "{}", 0, c.callback());
    REQUIRE(s.refused);
    CHECK(s.refused->status == ToolCallStatus::UnknownTool);
    CHECK(host.stats().size() == 2);
    host.stop();
    CHECK(our_zombies().empty());
}
