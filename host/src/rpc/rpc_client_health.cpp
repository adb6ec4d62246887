// rpc/rpc_client_health.cpp — what each answer says about its endpoint:
// the HTTP outcome classified into an RpcError (transport, HTTP status,
// 429 back-off, the JSON-RPC 2.0 envelope checked strictly), health
// bookkeeping, block heights from getBlockHeight, and getHealth probes of
// unhealthy endpoints on a back-off.
#include "rpc/rpc_client_impl.hpp"

#include "core/log.hpp"
#include "rpc/endpoint.hpp"
#include "rpc/json_read.hpp"

#include <algorithm>

namespace sniper::rpc {

namespace {

bool counts_as_failure(const RpcError& e) {
    switch (e.status) {
    case RpcStatus::Transport:
    case RpcStatus::Timeout:
    case RpcStatus::HttpStatus:
    case RpcStatus::Malformed:
        return true;
    case RpcStatus::JsonRpc:
        return e.rpc_code == kNodeUnhealthy;
    default:
        return false;
    }
}

} // namespace

RpcError RpcClient::Impl::classify(const HttpResponse& r, uint64_t attempt, size_t i,
                                   std::string& result) {
    RpcError e;
    e.endpoint = eps[i].config().name;
    switch (r.outcome) {
    case HttpOutcome::Cancelled:
        e.status = RpcStatus::Cancelled;
        e.message = r.error;
        return e;
    case HttpOutcome::Transport:
        e.status = RpcStatus::Transport;
        e.message = r.error;
        return e;
    case HttpOutcome::Timeout:
        e.status = RpcStatus::Timeout;
        e.message = r.error;
        return e;
    case HttpOutcome::Invalid:
    case HttpOutcome::Done:
        break;
    }
    e.http_status = r.status;
    if (r.status == 429) {
        e.status = RpcStatus::RateLimited;
        e.message = r.retry_after_ms > 0 ? "rate limited, Retry-After " +
                                               std::to_string(r.retry_after_ms / 1000) + " s"
                                         : "rate limited, no Retry-After";
        eps[i].on_rate_limited(HttpLoop::now_us(), r.retry_after_ms);
        return e;
    }
    if (r.status != 200) {
        e.status = RpcStatus::HttpStatus;
        e.message = "expected HTTP 200, found " + std::to_string(r.status) + ": " +
                    json::snippet(r.body);
        return e;
    }
    e.status = RpcStatus::Malformed;
    json::element root;
    if (auto err = json::parse(parser, r.body, root)) {
        e.message = "response: " + *err;
        return e;
    }
    json::object o;
    std::string_view version;
    json::element id;
    uint64_t id_value = 0;
    if (auto err = json::as_object(root, "response", o)) {
        e.message = *err;
        return e;
    }
    if (auto err = json::str_field(o, "response", "jsonrpc", version)) {
        e.message = *err;
        return e;
    }
    if (version != "2.0") {
        e.message =
            "response.jsonrpc: expected \"2.0\", found \"" + json::snippet(version, 20) + "\"";
        return e;
    }
    if (auto err = json::field(o, "response", "id", id)) {
        e.message = *err;
        return e;
    }
    if (json::as_u64(id, "response.id", id_value) || id_value != attempt) {
        e.message = "response.id: expected " + std::to_string(attempt) + ", found " +
                    json::describe(id);
        return e;
    }
    json::element err_el;
    if (o["error"].get(err_el) == simdjson::SUCCESS) {
        json::object eo;
        std::string_view msg;
        int64_t code = 0;
        json::element code_el;
        if (auto err = json::as_object(err_el, "response.error", eo)) {
            e.message = *err;
            return e;
        }
        if (auto err = json::field(eo, "response.error", "code", code_el)) {
            e.message = *err;
            return e;
        }
        if (auto err = json::as_i64(code_el, "response.error.code", code)) {
            e.message = *err;
            return e;
        }
        if (auto err = json::str_field(eo, "response.error", "message", msg)) {
            e.message = *err;
            return e;
        }
        e.status = RpcStatus::JsonRpc;
        e.rpc_code = code;
        e.message = std::string(msg);
        json::element data;
        if (eo["data"].get(data) == simdjson::SUCCESS) {
            e.data_json = json::text(data);
        }
        return e;
    }
    json::element res;
    if (o["result"].get(res) != simdjson::SUCCESS) {
        e.message =
            "response: expected a \"result\" or an \"error\" member, found neither in " +
            json::snippet(r.body);
        return e;
    }
    result = json::text(res);
    e.status = RpcStatus::Ok;
    e.message.clear();
    return e;
}

void RpcClient::Impl::account(size_t i, const RpcError& e, int64_t latency_us) {
    Endpoint& ep = eps[i];
    if (counts_as_failure(e)) {
        if (ep.on_failure(HttpLoop::now_us(), e.to_string())) {
            log::warn("rpc", "endpoint unhealthy",
                      {{"endpoint", ep.config().name}, {"error", e.to_string()}});
            schedule_probe(i);
        }
    } else if (e.ok() || e.status == RpcStatus::JsonRpc) {
        ep.on_success(latency_us);
    }
}

void RpcClient::Impl::note_height(size_t i, const std::string& result) {
    uint64_t h = 0;
    json::element el;
    if (!json::parse(parser, result, el) && !json::as_u64(el, "result", h) && h != 0) {
        eps[i].set_block_height(std::max(h, eps[i].block_height()));
        heights.observe(h);
    }
}

void RpcClient::Impl::schedule_probe(size_t i) {
    if (probing[i] || shutting_down) {
        return;
    }
    probing[i] = true;
    const int64_t delay_ms =
        std::max<int64_t>(0, (eps[i].next_probe_at() - HttpLoop::now_us() + 999) / 1000);
    loop.after(delay_ms, [this, i] { run_probe(i); });
}

void RpcClient::Impl::run_probe(size_t i) {
    Endpoint& ep = eps[i];
    if (shutting_down || ep.healthy()) {
        probing[i] = false;
        return;
    }
    const int64_t now = HttpLoop::now_us();
    if (!ep.try_take(now)) {
        loop.after((ep.ready_at(now) - now + 999) / 1000, [this, i] { run_probe(i); });
        return;
    }
    const uint64_t attempt = next_attempt_id++;
    HttpRequest req;
    req.url = ep.config().url;
    req.body = request_body("getHealth", "", attempt);
    req.timeout_ms = cfg.attempt_timeout_ms;
    req.connect_timeout_ms = cfg.connect_timeout_ms;
    loop.start(std::move(req), [this, i, attempt](HttpResponse r) {
        std::string result;
        RpcError e = classify(r, attempt, i, result);
        if (e.status == RpcStatus::Cancelled) {
            probing[i] = false;
            return;
        }
        Endpoint& p = eps[i];
        const int64_t t = HttpLoop::now_us();
        if (e.ok() || (e.status == RpcStatus::JsonRpc && e.rpc_code != kNodeUnhealthy)) {
            p.on_success(r.latency_us);
            probing[i] = false;
            log::info("rpc", "endpoint healthy again", {{"endpoint", p.config().name}});
        } else {
            if (counts_as_failure(e)) {
                p.on_failure(t, e.to_string());
            }
            p.on_probe_failed(t);
            loop.after(std::max<int64_t>(0, (p.next_probe_at() - t + 999) / 1000),
                       [this, i] { run_probe(i); });
        }
        publish_status();
    });
}

} // namespace sniper::rpc
