// rpc/rpc_client.hpp — Solana JSON-RPC 2.0 over HTTP to several endpoints,
// on one thread (HttpLoop: libcurl multi). Nothing here blocks the caller:
// `call` and `broadcast` queue the request and return its call id at once.
//
// Callbacks: every completion callback runs on the client's loop thread,
// exactly once per call (also when the client stops: status Cancelled).
// Keep them short and never block in them; they may submit more calls.
// A callback that throws is caught and logged. After `stop`, `call` and
// `broadcast` invoke the callback with Cancelled at once, on the caller's
// thread, and return 0.
//
// Routing: a call goes to the healthiest endpoint — healthy before
// unhealthy (unhealthy ones only when none is healthy), not lagging
// (block height within `max_lag_blocks` of the highest seen) before
// lagging, fewer consecutive failures first, then configuration order.
// An endpoint in 429 back-off or out of budget is skipped; when none can
// take the request now, the call waits (on a timer) for the first that
// can, within its deadline (else Unavailable). Transport errors,
// timeouts, HTTP statuses, malformed answers and the node-unhealthy
// JSON-RPC error (-32005) count as failures of that endpoint and the call
// is retried on the next endpoint (at most `max_attempts` requests, within
// the deadline); any other JSON-RPC error is the node's answer and ends
// the call. Retrying is safe for what the host sends: reads, and
// `sendTransaction` of the same signed bytes (a landed transaction sent
// again changes nothing).
//
// Unhealthy endpoints are probed with `getHealth` on a back-off; any
// JSON-RPC answer but -32005 counts as alive.
//
// Every successful `getBlockHeight` answer updates that endpoint's height
// and `heights()` (the highest any endpoint reported; see
// height_tracker.hpp for why expiry is decided by it).
#pragma once

#include "rpc/height_tracker.hpp"
#include "rpc/http_loop.hpp"
#include "rpc/rpc_types.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sniper::rpc {

class RpcClient {
  public:
    // Throws std::invalid_argument listing every problem of `cfg`.
    explicit RpcClient(RpcClientConfig cfg);
    ~RpcClient(); // stop()
    RpcClient(const RpcClient&) = delete;
    RpcClient& operator=(const RpcClient&) = delete;

    // `params_json`: the JSON text of the params array ("" = no params).
    uint64_t call(std::string method, std::string params_json, RpcCallback done,
                  CallOptions opts = {});
    // The same request, once, to every healthy endpoint (every endpoint
    // when none is healthy), each within its own budget and back-off; no
    // failover. `done` gets one response per endpoint targeted.
    uint64_t broadcast(std::string method, std::string params_json, BroadcastCallback done,
                       CallOptions opts = {});

    // Completes every pending call with Cancelled and joins the loop
    // thread. Idempotent. Never call it from a callback.
    void stop();

    // Any thread: a copy of every endpoint's state, in configuration order.
    std::vector<EndpointStatus> endpoint_status() const;
    const HeightTracker& heights() const;
    const RpcClientConfig& config() const;

    // For companions that schedule work on the client thread (BlockhashCache).
    HttpLoop& loop();

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace sniper::rpc
