// tools/tool_runner_impl.hpp — ToolRunner::Impl and what it works on: a
// Call (one accepted call, its deadline timer and callback) and a Worker
// (one tool process slot: its pipes, stderr rate limit, restart timer). All
// of it lives on the runner's io_context thread except the counters and the
// stats (under stats_mu). Workers are in tool_workers.cpp, calls and the
// public ToolRunner in tool_runner.cpp. Private to the tools module.
#pragma once

#include "tools/tool_runner.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace sniper::tools {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

struct Call {
    uint64_t id = 0;
    std::string input; // minified object
    Clock::time_point submitted;
    Clock::time_point deadline;
    ToolCallback cb;
    std::unique_ptr<asio::steady_timer> timer;
    bool done = false;
    bool in_flight = false;
};
using CallPtr = std::shared_ptr<Call>;

struct Worker {
    enum class State : int { Down = 1, Idle = 2, Busy = 3, Backoff = 4 };
    explicit Worker(asio::io_context& io, size_t i) : index(i), restart_timer(io) {}
    size_t index;
    State state = State::Down;
    pid_t pid = -1;
    uint64_t gen = 0;
    int failures = 0;
    bool started_once = false;
    std::unique_ptr<asio::local::stream_protocol::socket> in;
    std::unique_ptr<asio::posix::stream_descriptor> out;
    std::unique_ptr<asio::posix::stream_descriptor> err;
    std::unique_ptr<asio::posix::stream_descriptor>
        exit_watch; // a pidfd: readable once the process exits
    std::unique_ptr<asio::steady_timer> exit_grace;
    bool err_skipping = false; // inside a stderr line too long to log whole
    std::string out_buf;
    std::string err_buf;
    std::array<char, 8192> err_chunk{};
    std::string write_buf;
    CallPtr call;
    asio::steady_timer restart_timer;
    Clock::time_point err_window;
    int err_lines = 0;
    uint64_t err_suppressed = 0;
};

struct ToolRunner::Impl {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    ToolManifest m;
    std::vector<std::string> env;
    std::vector<std::unique_ptr<Worker>> workers;
    std::deque<CallPtr> queue;
    std::atomic<uint32_t> accepted{0};
    std::atomic<bool> stopping{false};
    std::thread thread;
    mutable std::mutex stats_mu;
    ToolStats st;
    std::vector<int64_t> latencies; // ring
    size_t latency_next = 0;
    std::atomic<bool> stopped{false};

    // Starts the thread and, for long-lived tools, the workers.
    explicit Impl(ToolManifest manifest);

    void bump(uint64_t ToolStats::*field) {
        std::lock_guard lock(stats_mu);
        ++(st.*field);
    }
    void update_alive();

    // --- workers (tool_workers.cpp) ---

    bool start_worker(Worker& w);
    // Kills the worker's process group, reaps it, fails its call (if any)
    // with `status`, and schedules a restart unless stopping or one-shot.
    void kill_worker(Worker& w, ToolCallStatus status, const std::string& why, bool restart);
    void schedule_restart(Worker& w);
    void fail_queue_if_no_worker(const std::string& why);
    // The process exited. Children it forked may still hold its stdout, so
    // end-of-file alone would not tell us. Answers already in the pipe are
    // read during a short grace, then the worker is put down as crashed.
    void watch_exit(Worker& w);
    void read_out(Worker& w);
    void on_line(Worker& w, const std::string& line);
    // stderr is read in chunks and split here (not with read_until: after an
    // error its dynamic buffer may hold bytes that were never read).
    void read_err(Worker& w);
    void flush_stderr_rest(Worker& w);
    void log_stderr(Worker& w, std::string_view line);

    // --- calls (tool_runner.cpp) ---

    void enqueue(CallPtr c);
    void on_deadline(const CallPtr& c);
    Worker* free_worker();
    void dispatch();
    void send(Worker& w, const CallPtr& c, int64_t left_ms);
    void complete_error(const CallPtr& c, ToolCallStatus s, const std::string& why);
    void complete(const CallPtr& c, ToolResult r);
    void shutdown_all();
};

} // namespace sniper::tools
