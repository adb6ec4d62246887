// rpc/rpc_client_impl.hpp — RpcClient::Impl and its Call (one call in
// flight: deadline, attempts, endpoints tried, its retry timer). Routing,
// retries and the public RpcClient are in rpc_client.cpp; classifying
// answers, endpoint health and probes in rpc_client_health.cpp. Private to
// the rpc module.
#pragma once

#include "rpc/endpoint.hpp"
#include "rpc/height_tracker.hpp"
#include "rpc/http_loop.hpp"
#include "rpc/rpc_client.hpp"
#include "rpc/rpc_types.hpp"

#include <simdjson.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sniper::rpc {

constexpr int64_t kNodeUnhealthy = -32005; // Solana: node is behind / unhealthy

struct Call {
    uint64_t id = 0;
    std::string method;
    std::string params;
    RpcCallback done;
    int64_t start_us = 0;
    int64_t deadline_us = 0;
    uint32_t max_attempts = 1;
    uint32_t attempts = 0;
    int pinned = -1; // broadcast member: this endpoint only
    std::vector<bool> tried;
    RpcError last_error;
    TimerId timer = 0;
};

struct RpcClient::Impl {
    RpcClientConfig cfg;
    HttpLoop loop;
    HeightTracker heights;
    std::atomic<uint64_t> next_id{1};
    std::atomic<bool> stopped{false};
    std::mutex stop_mu;

    // Loop thread only.
    std::vector<Endpoint> eps;
    std::vector<bool> probing;
    bool shutting_down = false;
    std::unordered_map<uint64_t, std::shared_ptr<Call>> calls;
    simdjson::dom::parser parser;
    uint64_t next_attempt_id = 1;

    mutable std::mutex status_mu;
    std::vector<EndpointStatus> status_snapshot;

    explicit Impl(RpcClientConfig c);

    // --- routing and retries (rpc_client.cpp) ---

    void publish_status();
    std::string request_body(const std::string& method, const std::string& params,
                             uint64_t attempt_id);
    // Healthy before unhealthy, not lagging before lagging, fewer
    // consecutive failures, then configuration order.
    std::vector<size_t> ranked() const;
    void start_call(std::shared_ptr<Call> c);
    void cancel(Call& c);
    void complete(Call& c, RpcError e, std::string result);
    void dispatch(Call& c);
    void send(Call& c, size_t i);
    void on_attempt(uint64_t id, uint64_t attempt, size_t i, HttpResponse r);
    void shutdown();

    // --- answers and endpoint health (rpc_client_health.cpp) ---

    // Turns an HTTP outcome into an RpcError (status Ok with `result` set on success).
    RpcError classify(const HttpResponse& r, uint64_t attempt, size_t i, std::string& result);
    // Health bookkeeping for one answered (or failed) request.
    void account(size_t i, const RpcError& e, int64_t latency_us);
    void note_height(size_t i, const std::string& result);
    void schedule_probe(size_t i);
    void run_probe(size_t i);
};

} // namespace sniper::rpc
