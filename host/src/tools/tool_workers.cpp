// tools/tool_workers.cpp — the runner's worker processes: starting one
// (pipes, a pidfd to notice its exit), killing and reaping its process
// group, restarting with back-off, reading its answers off stdout and its
// stderr into the log (cut and rate-limited).
#include "tools/tool_runner_impl.hpp"

#include "core/log.hpp"
#include "tools/tool_process.hpp"
#include "tools/tool_protocol.hpp"

#include <boost/asio/read_until.hpp>

#include <algorithm>
#include <sys/syscall.h>
#include <unistd.h>

namespace sniper::tools {

namespace {

constexpr size_t kStderrLineMax = 4096;
constexpr int kStderrLinesPerSecond = 50;

} // namespace

void ToolRunner::Impl::update_alive() {
    uint32_t alive = 0;
    for (auto& w : workers) {
        if (w->state == Worker::State::Idle || w->state == Worker::State::Busy) {
            ++alive;
        }
    }
    std::lock_guard lock(stats_mu);
    st.workers_alive = alive;
}

bool ToolRunner::Impl::start_worker(Worker& w) {
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

void ToolRunner::Impl::kill_worker(Worker& w, ToolCallStatus status, const std::string& why,
                                   bool restart) {
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

void ToolRunner::Impl::schedule_restart(Worker& w) {
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

void ToolRunner::Impl::fail_queue_if_no_worker(const std::string& why) {
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

void ToolRunner::Impl::watch_exit(Worker& w) {
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

void ToolRunner::Impl::read_out(Worker& w) {
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

void ToolRunner::Impl::on_line(Worker& w, const std::string& line) {
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

void ToolRunner::Impl::read_err(Worker& w) {
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

void ToolRunner::Impl::flush_stderr_rest(Worker& w) {
    if (!w.err_buf.empty() && !w.err_skipping) {
        log_stderr(w, w.err_buf);
        w.err_buf.clear();
    }
}

void ToolRunner::Impl::log_stderr(Worker& w, std::string_view line) {
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

} // namespace sniper::tools
