#include "tools/tool_runner.hpp"

#include "core/log.hpp"
#include "tools/tool_process.hpp"
#include "tools/tool_protocol.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace sniper::tools {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

constexpr size_t kStderrLineMax = 4096;
constexpr int kStderrLinesPerSecond = 50;
constexpr size_t kLatencyWindow = 4096;

int64_t ns_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
}

} // namespace

uint64_t next_call_id() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1);
}

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

    explicit Impl(ToolManifest manifest) : m(std::move(manifest)), env(tool_environment(m)) {
        become_subreaper();
        st.name = m.name;
        st.mode = m.mode == ToolMode::LongLived ? "long_lived" : "one_shot";
        st.workers = m.workers;
        for (size_t i = 0; i < m.workers; ++i) {
            workers.push_back(std::make_unique<Worker>(io, i));
        }
        if (m.mode == ToolMode::LongLived) {
            asio::post(io, [this] {
                for (auto& w : workers) {
                    start_worker(*w);
                }
            });
        }
        thread = std::thread([this] { io.run(); });
    }

    void bump(uint64_t ToolStats::*field) {
        std::lock_guard lock(stats_mu);
        ++(st.*field);
    }

    void update_alive() {
        uint32_t alive = 0;
        for (auto& w : workers) {
            if (w->state == Worker::State::Idle || w->state == Worker::State::Busy) {
                ++alive;
            }
        }
        std::lock_guard lock(stats_mu);
        st.workers_alive = alive;
    }

    // --- workers ---

    bool start_worker(Worker& w) {
        SpawnedProcess p = spawn_tool_process(m, env);
        if (p.pid < 0) {
            bump(&ToolStats::spawn_failed);
            log::error("tool", "cannot start tool", {{"tool", m.name}, {"error", p.error}});
            w.state = Worker::State::Down;
            fail_queue_if_no_worker(p.error);
            if (m.mode == ToolMode::LongLived) {
                schedule_restart(w);
            }
            return false;
        }
        if (w.started_once) {
            bump(&ToolStats::restarts);
        }
        w.started_once = true;
        ++w.gen;
        w.pid = p.pid;
        w.in = std::make_unique<asio::local::stream_protocol::socket>(
            io, asio::local::stream_protocol(), p.stdin_fd);
        w.out = std::make_unique<asio::posix::stream_descriptor>(io, p.stdout_fd);
        w.err = std::make_unique<asio::posix::stream_descriptor>(io, p.stderr_fd);
        w.out_buf.clear();
        w.err_buf.clear();
        w.err_skipping = false;
        const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, p.pid, 0));
        if (pidfd >= 0) {
            w.exit_watch = std::make_unique<asio::posix::stream_descriptor>(io, pidfd);
            watch_exit(w);
        }
        w.state = Worker::State::Idle;
        log::debug("tool", "worker started",
                   {{"tool", m.name}, {"pid", static_cast<int64_t>(p.pid)}});
        read_out(w);
        read_err(w);
        update_alive();
        return true;
    }

    // Kills the worker's process group, reaps it, fails its call (if any)
    // with `status`, and schedules a restart unless stopping or one-shot.
    void kill_worker(Worker& w, ToolCallStatus status, const std::string& why, bool restart) {
        ++w.gen;
        error_code ignored;
        if (w.in) {
            w.in->close(ignored);
        }
        if (w.out) {
            w.out->close(ignored);
        }
        if (w.err) {
            flush_stderr_rest(w);
            w.err->close(ignored);
        }
        if (w.exit_watch) {
            w.exit_watch->close(ignored);
        }
        if (w.exit_grace) {
            w.exit_grace->cancel();
        }
        if (w.err_suppressed > 0) {
            log::warn("tool", "stderr lines suppressed",
                      {{"tool", m.name}, {"lines", w.err_suppressed}});
            w.err_suppressed = 0;
        }
        w.exit_watch.reset();
        w.in.reset();
        w.out.reset();
        w.err.reset();
        if (w.pid > 0) {
            kill_and_reap(w.pid);
            w.pid = -1;
        }
        CallPtr c = std::move(w.call);
        w.call.reset();
        w.state = Worker::State::Down;
        update_alive();
        if (c) {
            complete_error(c, status, why);
        }
        if (restart && !stopping && m.mode == ToolMode::LongLived) {
            schedule_restart(w);
        }
    }

    void schedule_restart(Worker& w) {
        w.state = Worker::State::Backoff;
        ++w.failures;
        int64_t delay = m.backoff_initial_ms;
        for (int i = 1; i < w.failures && delay < m.backoff_max_ms; ++i) {
            delay *= 2;
        }
        delay = std::min(delay, m.backoff_max_ms);
        w.restart_timer.expires_after(std::chrono::milliseconds(delay));
        const uint64_t gen = w.gen;
        w.restart_timer.async_wait([this, &w, gen](error_code ec) {
            if (ec || stopping || w.gen != gen) {
                return;
            }
            if (start_worker(w)) {
                dispatch();
            }
        });
    }

    void fail_queue_if_no_worker(const std::string& why) {
        const bool any = std::any_of(workers.begin(), workers.end(), [](const auto& w) {
            return w->state == Worker::State::Idle || w->state == Worker::State::Busy;
        });
        if (any && m.mode == ToolMode::LongLived) {
            return;
        }
        while (!queue.empty()) {
            CallPtr c = queue.front();
            queue.pop_front();
            complete_error(c, ToolCallStatus::SpawnFailed, why);
        }
    }

    // The process exited. Children it forked may still hold its stdout, so
    // end-of-file alone would not tell us. Answers already in the pipe are
    // read during a short grace, then the worker is put down as crashed.
    void watch_exit(Worker& w) {
        const uint64_t gen = w.gen;
        w.exit_watch->async_wait(asio::posix::stream_descriptor::wait_read, [this, &w,
                                                                             gen](error_code ec) {
            if (ec || w.gen != gen) {
                return;
            }
            w.exit_grace = std::make_unique<asio::steady_timer>(io, std::chrono::milliseconds(50));
            w.exit_grace->async_wait([this, &w, gen](error_code ec2) {
                if (ec2 || w.gen != gen) {
                    return;
                }
                kill_worker(w, ToolCallStatus::Crashed, "the tool exited", true);
                dispatch();
            });
        });
    }

    void read_out(Worker& w) {
        const uint64_t gen = w.gen;
        asio::async_read_until(
            *w.out, asio::dynamic_buffer(w.out_buf, m.max_response_bytes + 1), '\n',
            [this, &w, gen](error_code ec, size_t n) {
                if (w.gen != gen) {
                    return;
                }
                if (ec == asio::error::not_found) {
                    kill_worker(w, ToolCallStatus::BadResponse,
                                "response line longer than " +
                                    std::to_string(m.max_response_bytes) + " bytes",
                                true);
                    return;
                }
                if (ec) {
                    kill_worker(w, ToolCallStatus::Crashed,
                                "the tool closed its stdout or exited (" + ec.message() + ")",
                                true);
                    return;
                }
                std::string line = w.out_buf.substr(0, n - 1);
                w.out_buf.erase(0, n);
                on_line(w, line);
            });
    }

    void on_line(Worker& w, const std::string& line) {
        const uint64_t gen = w.gen;
        if (!w.call) {
            log::warn("tool", "unsolicited output; restarting the worker", {{"tool", m.name}});
            kill_worker(w, ToolCallStatus::BadResponse, "unsolicited output", true);
            return;
        }
        CallPtr c = w.call;
        const ParsedResponse r = parse_response_line(line, std::to_string(c->id));
        if (r.kind == ParsedResponse::Kind::Invalid) {
            log::warn("tool", "protocol error; restarting the worker",
                      {{"tool", m.name}, {"error", r.message}});
            kill_worker(w, ToolCallStatus::BadResponse, r.message, true);
            return;
        }
        w.call.reset();
        w.failures = 0;
        ToolResult res;
        if (r.kind == ParsedResponse::Kind::Ok) {
            res.status = ToolCallStatus::Ok;
            res.output_json = r.output_json;
        } else {
            res.status = ToolCallStatus::ToolError;
            res.error_code = r.code;
            res.error_message = r.message;
            res.error_field = r.field;
        }
        if (m.mode == ToolMode::OneShot) {
            kill_worker(w, ToolCallStatus::Crashed, "",
                        false); // it answered: end and reap it first
            complete(c, std::move(res));
            dispatch();
            return;
        }
        complete(c, std::move(res));
        if (w.gen != gen) {
            return; // the callback stopped us
        }
        w.state = Worker::State::Idle;
        read_out(w);
        dispatch();
    }

    // stderr is read in chunks and split here (not with read_until: after an
    // error its dynamic buffer may hold bytes that were never read).
    void read_err(Worker& w) {
        const uint64_t gen = w.gen;
        w.err->async_read_some(asio::buffer(w.err_chunk), [this, &w, gen](error_code ec, size_t n) {
            if (w.gen != gen) {
                return;
            }
            if (ec) {
                flush_stderr_rest(w);
                return; // stdout or the pidfd tell us when the process is gone
            }
            w.err_buf.append(w.err_chunk.data(), n);
            size_t nl;
            while ((nl = w.err_buf.find('\n')) != std::string::npos) {
                if (!w.err_skipping) {
                    log_stderr(w, std::string_view(w.err_buf).substr(0, nl));
                }
                w.err_skipping = false;
                w.err_buf.erase(0, nl + 1);
            }
            if (w.err_buf.size() >= kStderrLineMax) {
                if (!w.err_skipping) { // a long line: its start, then skip the rest of it
                    log_stderr(w, w.err_buf.substr(0, kStderrLineMax) + " [line cut]");
                    w.err_skipping = true;
                }
                w.err_buf.clear();
            }
            read_err(w);
        });
    }

    void flush_stderr_rest(Worker& w) {
        if (!w.err_buf.empty() && !w.err_skipping) {
            log_stderr(w, w.err_buf);
            w.err_buf.clear();
        }
    }

    void log_stderr(Worker& w, std::string_view line) {
        const auto now = Clock::now();
        if (now - w.err_window >= std::chrono::seconds(1)) {
            if (w.err_suppressed > 0) {
                log::warn("tool", "stderr lines suppressed",
                          {{"tool", m.name}, {"lines", w.err_suppressed}});
            }
            w.err_window = now;
            w.err_lines = 0;
            w.err_suppressed = 0;
        }
        if (++w.err_lines > kStderrLinesPerSecond) {
            ++w.err_suppressed;
            return;
        }
        log::info("tool", line,
                  {{"tool", m.name}, {"pid", static_cast<int64_t>(w.pid)}, {"stream", "stderr"}});
    }

    // --- calls ---

    void enqueue(CallPtr c) {
        if (stopping) {
            complete_error(c, ToolCallStatus::Shutdown, "the tool runner is stopping");
            return;
        }
        c->timer = std::make_unique<asio::steady_timer>(io, c->deadline);
        c->timer->async_wait([this, c](error_code ec) {
            if (!ec) {
                on_deadline(c);
            }
        });
        queue.push_back(c);
        dispatch();
    }

    void on_deadline(const CallPtr& c) {
        if (c->done) {
            return;
        }
        const std::string why = "no answer within the deadline";
        for (auto& w : workers) {
            if (w->call == c) {
                kill_worker(*w, ToolCallStatus::Timeout, why, true);
                dispatch();
                return;
            }
        }
        queue.erase(std::remove(queue.begin(), queue.end(), c), queue.end());
        complete_error(c, ToolCallStatus::Timeout, why + " (still waiting for a worker)");
    }

    Worker* free_worker() {
        for (auto& w : workers) {
            if (m.mode == ToolMode::LongLived ? w->state == Worker::State::Idle
                                              : w->state == Worker::State::Down) {
                return w.get();
            }
        }
        return nullptr;
    }

    void dispatch() {
        while (!queue.empty() && !stopping) {
            Worker* w = free_worker();
            if (w == nullptr) {
                return;
            }
            CallPtr c = queue.front();
            queue.pop_front();
            const int64_t left_ms = ns_between(Clock::now(), c->deadline) / 1000000;
            if (left_ms <= 0) {
                complete_error(c, ToolCallStatus::Timeout,
                               "no answer within the deadline (still waiting for a worker)");
                continue;
            }
            if (m.mode == ToolMode::OneShot && !start_worker(*w)) {
                complete_error(c, ToolCallStatus::SpawnFailed, "cannot start the tool");
                continue;
            }
            send(*w, c, left_ms);
        }
    }

    void send(Worker& w, const CallPtr& c, int64_t left_ms) {
        w.state = Worker::State::Busy;
        w.call = c;
        c->in_flight = true;
        w.write_buf = make_request_line(std::to_string(c->id), m.name, left_ms, c->input);
        const uint64_t gen = w.gen;
        asio::async_write(*w.in, asio::buffer(w.write_buf), [this, &w, gen](error_code ec, size_t) {
            if (w.gen != gen) {
                return;
            }
            if (ec) {
                kill_worker(w, ToolCallStatus::Crashed, "cannot write the request: " + ec.message(),
                            true);
                dispatch();
                return;
            }
            if (m.mode == ToolMode::OneShot) {
                error_code ignored;
                w.in->shutdown(asio::socket_base::shutdown_send,
                               ignored); // end-of-file after one request
            }
        });
    }

    void complete_error(const CallPtr& c, ToolCallStatus s, const std::string& why) {
        ToolResult r;
        r.status = s;
        r.error_code = status_code(s);
        r.error_message = why;
        complete(c, std::move(r));
    }

    void complete(const CallPtr& c, ToolResult r) {
        if (c->done) {
            return;
        }
        c->done = true;
        if (c->timer) {
            c->timer->cancel();
        }
        r.call_id = c->id;
        r.tool = m.name;
        r.latency_ns = ns_between(c->submitted, Clock::now());
        {
            std::lock_guard lock(stats_mu);
            switch (r.status) {
            case ToolCallStatus::Ok:
                ++st.ok;
                break;
            case ToolCallStatus::ToolError:
                ++st.tool_errors;
                break;
            case ToolCallStatus::Timeout:
                ++st.timeouts;
                break;
            case ToolCallStatus::Crashed:
                ++st.crashed;
                break;
            case ToolCallStatus::BadResponse:
                ++st.bad_response;
                break;
            case ToolCallStatus::SpawnFailed:
                break; // counted per spawn
            case ToolCallStatus::Shutdown:
                ++st.shutdown;
                break;
            default:
                break;
            }
            if (r.status == ToolCallStatus::Ok || r.status == ToolCallStatus::ToolError) {
                if (latencies.size() < kLatencyWindow) {
                    latencies.push_back(r.latency_ns);
                } else {
                    latencies[latency_next] = r.latency_ns;
                    latency_next = (latency_next + 1) % kLatencyWindow;
                }
            }
        }
        accepted.fetch_sub(1);
        ToolCallback cb = std::move(c->cb);
        try {
            cb(std::move(r));
        } catch (const std::exception& e) {
            log::error("tool", "a tool result callback threw",
                       {{"tool", m.name}, {"error", e.what()}});
        } catch (...) {
            log::error("tool", "a tool result callback threw", {{"tool", m.name}});
        }
    }

    void shutdown_all() {
        for (auto& w : workers) {
            w->restart_timer.cancel();
            kill_worker(*w, ToolCallStatus::Shutdown, "the tool runner stopped", false);
        }
        while (!queue.empty()) {
            CallPtr c = queue.front();
            queue.pop_front();
            complete_error(c, ToolCallStatus::Shutdown, "the tool runner stopped");
        }
        // Every operation is closed or cancelled now: run() returns once
        // their handlers have run (none is left pending for the destructor).
        guard.reset();
    }
};

ToolRunner::ToolRunner(ToolManifest manifest)
    : impl_(std::make_unique<Impl>(std::move(manifest))) {}

ToolRunner::~ToolRunner() {
    stop();
}

const ToolManifest& ToolRunner::manifest() const {
    return impl_->m;
}

void ToolRunner::stop() {
    Impl& I = *impl_;
    if (I.stopped) {
        return;
    }
    I.stopped = true;
    I.stopping = true;
    asio::post(I.io, [&I] { I.shutdown_all(); });
    if (I.thread.joinable()) {
        I.thread.join();
    }
    std::lock_guard lock(I.stats_mu);
    I.st.workers_alive = 0;
}

Submitted ToolRunner::submit(std::string_view input_json, int64_t timeout_ns, ToolCallback cb) {
    Impl& I = *impl_;
    Submitted out;
    out.call_id = next_call_id();
    auto refuse = [&](ToolCallStatus s, std::string why) {
        ToolResult r;
        r.call_id = out.call_id;
        r.tool = I.m.name;
        r.status = s;
        r.error_code = status_code(s);
        r.error_message = std::move(why);
        out.refused = std::move(r);
        return out;
    };
    if (I.stopping) {
        I.bump(&ToolStats::shutdown);
        return refuse(ToolCallStatus::Shutdown, "the tool runner is stopping");
    }
    std::string error;
    std::optional<std::string> input = minify_input_object(input_json, &error);
    if (!input) {
        I.bump(&ToolStats::bad_input);
        return refuse(ToolCallStatus::BadInput, error);
    }
    if (I.accepted.fetch_add(1) >= I.m.max_concurrent) {
        I.accepted.fetch_sub(1);
        I.bump(&ToolStats::queue_full);
        return refuse(ToolCallStatus::QueueFull, "tool " + I.m.name + " already has " +
                                                     std::to_string(I.m.max_concurrent) +
                                                     " calls (max_concurrent); refused");
    }
    I.bump(&ToolStats::calls);
    const int64_t max_ns = I.m.timeout_ms * 1000000;
    const int64_t t = timeout_ns <= 0 ? max_ns : std::min(timeout_ns, max_ns);
    auto c = std::make_shared<Call>();
    c->id = out.call_id;
    c->input = std::move(*input);
    c->submitted = Clock::now();
    c->deadline = c->submitted + std::chrono::nanoseconds(t);
    c->cb = std::move(cb);
    asio::post(I.io, [&I, c] { I.enqueue(c); });
    return out;
}

ToolStats ToolRunner::stats() const {
    const Impl& I = *impl_;
    std::lock_guard lock(I.stats_mu);
    ToolStats s = I.st;
    s.in_flight = I.accepted.load();
    std::vector<int64_t> lat = I.latencies;
    if (!lat.empty()) {
        auto pick = [&lat](double q) {
            const size_t k = std::min(
                lat.size() - 1, static_cast<size_t>(q * static_cast<double>(lat.size() - 1) + 0.5));
            std::nth_element(lat.begin(), lat.begin() + static_cast<std::ptrdiff_t>(k), lat.end());
            return lat[k];
        };
        s.p50_latency_ns = pick(0.50);
        s.p99_latency_ns = pick(0.99);
    }
    if (I.stopped) {
        s.state = "stopped";
    } else if (I.m.mode == ToolMode::OneShot) {
        s.state = "ready";
    } else if (s.workers_alive == s.workers) {
        s.state = "running";
    } else {
        s.state = s.workers_alive > 0 ? "degraded" : "down";
    }
    return s;
}

} // namespace sniper::tools
