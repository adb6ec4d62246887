// rpc/rpc_client.cpp — routing, retries and budgets over HttpLoop, and the
// public RpcClient (call, broadcast, stop). Classifying answers and endpoint
// health are in rpc_client_health.cpp. All state below the mutexes lives on
// the loop thread: submissions are posted to it, so no call state is ever
// shared between threads.
#include "rpc/rpc_client.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "rpc/endpoint.hpp"
#include "rpc/rpc_client_impl.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace sniper::rpc {

namespace {

void invoke_guarded(const RpcCallback& cb, RpcResponse r) {
    try {
        cb(std::move(r));
    } catch (const std::exception& e) {
        log::error("rpc", "completion callback threw", {{"error", e.what()}});
    } catch (...) {
        log::error("rpc", "completion callback threw a non-exception");
    }
}

} // namespace

RpcClient::Impl::Impl(RpcClientConfig c)
    : cfg(std::move(c)), loop(HttpLoopConfig{cfg.max_body_bytes, 32, 8, "sniperd-rpc/1"}) {
    const int64_t now = HttpLoop::now_us();
    for (const auto& e : cfg.endpoints) {
        eps.emplace_back(e, cfg, now);
    }
    probing.assign(eps.size(), false);
    publish_status();
}

void RpcClient::Impl::publish_status() {
    const int64_t now = HttpLoop::now_us();
    std::vector<EndpointStatus> s;
    s.reserve(eps.size());
    for (const auto& e : eps) {
        s.push_back(e.status(now));
    }
    std::lock_guard lock(status_mu);
    status_snapshot = std::move(s);
}

std::string RpcClient::Impl::request_body(const std::string& method, const std::string& params,
                                          uint64_t attempt_id) {
    std::string b =
        "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(attempt_id) + ",\"method\":";
    json_escape_to(b, method);
    if (!params.empty()) {
        b += ",\"params\":";
        b += params;
    }
    b += '}';
    return b;
}

std::vector<size_t> RpcClient::Impl::ranked() const {
    const uint64_t top = heights.highest();
    std::vector<size_t> idx(eps.size());
    for (size_t i = 0; i < idx.size(); ++i) {
        idx[i] = i;
    }
    auto key = [&](size_t i) {
        const Endpoint& e = eps[i];
        const bool lagging = e.block_height() != 0 && top > e.block_height() &&
                             top - e.block_height() > cfg.max_lag_blocks;
        return std::make_tuple(!e.healthy(), lagging, e.consecutive_failures(), i);
    };
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
    return idx;
}

void RpcClient::Impl::start_call(std::shared_ptr<Call> c) {
    if (shutting_down) {
        cancel(*c);
        return;
    }
    c->tried.assign(eps.size(), false);
    calls.emplace(c->id, c);
    dispatch(*c);
}

void RpcClient::Impl::cancel(Call& c) {
    RpcError e;
    e.status = RpcStatus::Cancelled;
    e.message = "the RPC client stopped before the call completed";
    complete(c, std::move(e), {});
}

void RpcClient::Impl::complete(Call& c, RpcError e, std::string result) {
    if (c.timer != 0) {
        loop.cancel_timer(c.timer);
        c.timer = 0;
    }
    RpcResponse r;
    r.call_id = c.id;
    r.endpoint = e.endpoint;
    r.error = std::move(e);
    r.result_json = std::move(result);
    r.latency_us = HttpLoop::now_us() - c.start_us;
    r.attempts = c.attempts;
    RpcCallback cb = std::move(c.done);
    calls.erase(c.id); // may destroy c
    if (cb) {
        invoke_guarded(cb, std::move(r));
    }
}

void RpcClient::Impl::dispatch(Call& c) {
    const int64_t now = HttpLoop::now_us();
    if (now >= c.deadline_us) {
        RpcError e = c.last_error;
        if (e.ok()) {
            e.status = RpcStatus::Timeout;
            e.message = "the call's deadline passed before a request could be sent";
        }
        complete(c, std::move(e), {});
        return;
    }
    std::vector<size_t> cand;
    if (c.pinned >= 0) {
        cand.push_back(static_cast<size_t>(c.pinned));
    } else {
        cand = ranked();
        const bool any_healthy =
            std::any_of(eps.begin(), eps.end(), [](const Endpoint& e) { return e.healthy(); });
        if (any_healthy) {
            std::erase_if(cand, [&](size_t i) { return !eps[i].healthy(); });
        }
        std::stable_partition(cand.begin(), cand.end(), [&](size_t i) { return !c.tried[i]; });
    }
    for (const size_t i : cand) {
        if (eps[i].try_take(now)) {
            send(c, i);
            return;
        }
    }
    int64_t earliest = INT64_MAX;
    bool backoff = false;
    std::string why;
    for (const size_t i : cand) {
        earliest = std::min(earliest, eps[i].ready_at(now));
        const bool b = eps[i].backing_off(now);
        backoff = backoff || b;
        why += (why.empty() ? "" : "; ") + eps[i].config().name + ": " +
               (b ? "backing off after HTTP 429" : "request budget spent") + " for " +
               std::to_string((eps[i].ready_at(now) - now + 999) / 1000) + " ms";
    }
    if (earliest >= c.deadline_us) {
        RpcError e = c.last_error;
        if (e.ok()) {
            e.status = backoff ? RpcStatus::RateLimited : RpcStatus::Unavailable;
            e.message = "no endpoint can take the request before the deadline (" + why + ")";
        } else {
            e.message += " (then: " + why + ")";
        }
        complete(c, std::move(e), {});
        return;
    }
    const uint64_t id = c.id;
    c.timer = loop.after((earliest - now + 999) / 1000, [this, id] {
        auto it = calls.find(id);
        if (it != calls.end()) {
            it->second->timer = 0;
            dispatch(*it->second);
        }
    });
}

void RpcClient::Impl::send(Call& c, size_t i) {
    ++c.attempts;
    c.tried[i] = true;
    const uint64_t attempt = next_attempt_id++;
    const int64_t now = HttpLoop::now_us();
    HttpRequest req;
    req.url = eps[i].config().url;
    req.body = request_body(c.method, c.params, attempt);
    req.timeout_ms = std::max<int64_t>(
        1, std::min(cfg.attempt_timeout_ms, (c.deadline_us - now + 999) / 1000));
    req.connect_timeout_ms = cfg.connect_timeout_ms;
    const uint64_t id = c.id;
    loop.start(std::move(req), [this, id, attempt, i](HttpResponse r) {
        on_attempt(id, attempt, i, std::move(r));
    });
    publish_status();
}

void RpcClient::Impl::on_attempt(uint64_t id, uint64_t attempt, size_t i, HttpResponse r) {
    std::string result;
    RpcError e = classify(r, attempt, i, result);
    auto it = calls.find(id);
    if (e.status == RpcStatus::Cancelled) {
        if (it != calls.end()) {
            cancel(*it->second);
        }
        return;
    }
    account(i, e, r.latency_us);
    if (e.ok() && it != calls.end() && it->second->method == "getBlockHeight") {
        note_height(i, result);
    }
    publish_status();
    if (it == calls.end()) {
        return;
    }
    Call& c = *it->second;
    const bool final =
        e.ok() || (e.status == RpcStatus::JsonRpc && e.rpc_code != kNodeUnhealthy);
    if (final) {
        complete(c, std::move(e), std::move(result));
        return;
    }
    c.last_error = e;
    const bool more = c.pinned < 0 && c.attempts < c.max_attempts && !shutting_down;
    if (more) {
        dispatch(c);
    } else {
        complete(c, std::move(e), {});
    }
}

void RpcClient::Impl::shutdown() {
    shutting_down = true;
    std::vector<std::shared_ptr<Call>> all;
    for (auto& [id, c] : calls) {
        all.push_back(c);
    }
    for (auto& c : all) {
        if (calls.count(c->id) != 0) {
            cancel(*c);
        }
    }
}

RpcClient::RpcClient(RpcClientConfig cfg) {
    const auto errs = validate(cfg);
    if (!errs.empty()) {
        std::string msg = "invalid RPC client configuration:";
        for (const auto& e : errs) {
            msg += "\n  " + e;
        }
        throw std::invalid_argument(msg);
    }
    impl_ = std::make_shared<Impl>(std::move(cfg));
}

RpcClient::~RpcClient() {
    stop();
}

namespace {
RpcResponse cancelled_now(uint64_t id) {
    RpcResponse r;
    r.call_id = id;
    r.error.status = RpcStatus::Cancelled;
    r.error.message = "the RPC client is stopped";
    return r;
}
} // namespace

uint64_t RpcClient::call(std::string method, std::string params_json, RpcCallback done,
                         CallOptions opts) {
    Impl& m = *impl_;
    auto c = std::make_shared<Call>();
    c->id = m.next_id.fetch_add(1);
    c->method = std::move(method);
    c->params = std::move(params_json);
    c->done = std::move(done);
    c->start_us = HttpLoop::now_us();
    c->deadline_us =
        c->start_us + (opts.timeout_ms > 0 ? opts.timeout_ms : m.cfg.call_timeout_ms) * 1000;
    c->max_attempts = opts.max_attempts > 0 ? opts.max_attempts : m.cfg.max_attempts;
    if (m.stopped.load() || !m.loop.post([&m, c] { m.start_call(c); })) {
        if (c->done) {
            invoke_guarded(c->done, cancelled_now(c->id));
        }
        return 0;
    }
    return c->id;
}

uint64_t RpcClient::broadcast(std::string method, std::string params_json, BroadcastCallback done,
                              CallOptions opts) {
    Impl& m = *impl_;
    const uint64_t group_id = m.next_id.fetch_add(1);
    const int64_t start = HttpLoop::now_us();
    const int64_t deadline =
        start + (opts.timeout_ms > 0 ? opts.timeout_ms : m.cfg.call_timeout_ms) * 1000;
    struct Group {
        BroadcastCallback done;
        std::vector<RpcResponse> results;
        size_t remaining = 0;
    };
    auto g = std::make_shared<Group>();
    g->done = std::move(done);
    auto task = [&m, g, group_id, start, deadline, method = std::move(method),
                 params = std::move(params_json)] {
        std::vector<size_t> targets;
        for (size_t i = 0; i < m.eps.size(); ++i) {
            if (m.eps[i].healthy()) {
                targets.push_back(i);
            }
        }
        if (targets.empty()) {
            for (size_t i = 0; i < m.eps.size(); ++i) {
                targets.push_back(i);
            }
        }
        g->results.resize(targets.size());
        g->remaining = targets.size();
        for (size_t k = 0; k < targets.size(); ++k) {
            auto c = std::make_shared<Call>();
            c->id = m.next_id.fetch_add(1);
            c->method = method;
            c->params = params;
            c->start_us = start;
            c->deadline_us = deadline;
            c->max_attempts = 1;
            c->pinned = static_cast<int>(targets[k]);
            c->done = [g, k, group_id, name = m.eps[targets[k]].config().name](RpcResponse r) {
                r.call_id = group_id;
                if (r.endpoint.empty()) {
                    r.endpoint = name;
                    r.error.endpoint = name;
                }
                g->results[k] = std::move(r);
                if (--g->remaining == 0 && g->done) {
                    auto cb = std::move(g->done);
                    try {
                        cb(std::move(g->results));
                    } catch (...) {
                        log::error("rpc", "broadcast callback threw");
                    }
                }
            };
            m.start_call(c);
        }
    };
    if (m.stopped.load() || !m.loop.post(std::move(task))) {
        if (g->done) {
            std::vector<RpcResponse> v(1, cancelled_now(group_id));
            g->done(std::move(v));
        }
        return 0;
    }
    return group_id;
}

void RpcClient::stop() {
    Impl& m = *impl_;
    std::lock_guard lock(m.stop_mu);
    if (m.stopped.exchange(true)) {
        return;
    }
    m.loop.post([&m] { m.shutdown(); });
    m.loop.stop();
}

std::vector<EndpointStatus> RpcClient::endpoint_status() const {
    std::lock_guard lock(impl_->status_mu);
    return impl_->status_snapshot;
}

const HeightTracker& RpcClient::heights() const {
    return impl_->heights;
}
const RpcClientConfig& RpcClient::config() const {
    return impl_->cfg;
}
HttpLoop& RpcClient::loop() {
    return impl_->loop;
}

} // namespace sniper::rpc

