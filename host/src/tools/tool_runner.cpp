// tools/tool_runner.cpp — the runner's calls and its public face: submit
// (refusals at once: stopping, bad input, max_concurrent), the deadline of
// each call, dispatch to a free worker, completion with its counters and
// latency window, shutdown, and stats. The workers are in tool_workers.cpp.
#include "tools/tool_runner.hpp"

#include "core/log.hpp"
#include "tools/tool_process.hpp"
#include "tools/tool_protocol.hpp"
#include "tools/tool_runner_impl.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace sniper::tools {

namespace {

constexpr size_t kLatencyWindow = 4096;

int64_t ns_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
}

} // namespace

uint64_t next_call_id() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1);
}

ToolRunner::Impl::Impl(ToolManifest manifest) : m(std::move(manifest)), env(tool_environment(m)) {
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

void ToolRunner::Impl::enqueue(CallPtr c) {
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

void ToolRunner::Impl::on_deadline(const CallPtr& c) {
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

Worker* ToolRunner::Impl::free_worker() {
    for (auto& w : workers) {
        if (m.mode == ToolMode::LongLived ? w->state == Worker::State::Idle
                                          : w->state == Worker::State::Down) {
            return w.get();
        }
    }
    return nullptr;
}

void ToolRunner::Impl::dispatch() {
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

void ToolRunner::Impl::send(Worker& w, const CallPtr& c, int64_t left_ms) {
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

void ToolRunner::Impl::complete_error(const CallPtr& c, ToolCallStatus s,
                                      const std::string& why) {
    ToolResult r;
    r.status = s;
    r.error_code = status_code(s);
    r.error_message = why;
    complete(c, std::move(r));
}

void ToolRunner::Impl::complete(const CallPtr& c, ToolResult r) {
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

void ToolRunner::Impl::shutdown_all() {
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

