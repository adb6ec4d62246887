// rpc/rpc_types.hpp — the vocabulary of the RPC client: its configuration
// (endpoints with a name, a URL and a request budget), how a call ends
// (RpcStatus: 0 = Ok, every failure classified), the untyped response and
// the per-endpoint health snapshot. No libcurl or simdjson here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sniper::rpc {

// How a call ended. Never renumbered; 0 is success.
enum class RpcStatus : uint8_t {
    Ok = 0,
    Transport = 1,   // could not connect, connection reset, body too large
    Timeout = 2,     // no answer within the attempt's timeout / the call's deadline
    HttpStatus = 3,  // an HTTP status other than 200 (and 429)
    RateLimited = 4, // HTTP 429 (the endpoint backs off, honouring Retry-After)
    JsonRpc = 5,     // the node answered a JSON-RPC error: `rpc_code`, `message`
    Malformed =
        6, // the answer is not what was asked for: `message` says what was expected and found
    Cancelled = 7,   // the client stopped before the call completed
    Unavailable = 8, // no endpoint could take the request before the deadline (budget, back-off)
};

const char* to_string(RpcStatus s);

struct RpcError {
    RpcStatus status = RpcStatus::Ok;
    std::string endpoint;  // name of the endpoint that answered (or failed) last
    long http_status = 0;  // when an HTTP answer arrived
    int64_t rpc_code = 0;  // JsonRpc only
    std::string message;   // human-readable; for Malformed: "where: expected …, found …"
    std::string data_json; // JsonRpc only: the error's `data`, as JSON text ("" when absent)

    bool ok() const { return status == RpcStatus::Ok; }
    // "<status> from <endpoint>: [HTTP n] [code n] message"
    std::string to_string() const;
};

// One untyped JSON-RPC call's outcome.
struct RpcResponse {
    uint64_t call_id = 0;
    RpcError error;          // status Ok on success
    std::string result_json; // the `result` member as JSON text, on success
    std::string endpoint;    // name of the endpoint the final attempt went to
    int64_t latency_us = 0;  // submit to completion, retries and waits included
    uint32_t attempts = 0;   // HTTP requests made for this call
    bool ok() const { return error.ok(); }
};

using RpcCallback = std::function<void(RpcResponse)>;
// One response per endpoint the broadcast went to, in configuration order.
using BroadcastCallback = std::function<void(std::vector<RpcResponse>)>;

struct EndpointConfig {
    std::string name;           // unique; used in logs, errors and status
    std::string url;            // http:// or https://
    double requests_per_s = 20; // token bucket refill rate (probes included)
    uint32_t burst = 20;        // bucket size
};

struct RpcClientConfig {
    std::vector<EndpointConfig> endpoints; // order = preference among equally healthy endpoints
    int64_t call_timeout_ms = 5000;        // default deadline of a whole call (retries included)
    int64_t attempt_timeout_ms = 2000;     // one HTTP request
    int64_t connect_timeout_ms = 1000;
    uint32_t max_attempts = 3;             // per call, over all endpoints
    uint32_t unhealthy_after_failures = 3; // consecutive failures before an endpoint is unhealthy
    int64_t probe_backoff_min_ms = 250; // first probe of an unhealthy endpoint; doubles per failure
    int64_t probe_backoff_max_ms = 30000;
    int64_t rate_limit_backoff_ms =
        1000; // after a 429 without Retry-After; doubles while 429s repeat
    int64_t rate_limit_backoff_max_ms = 30000;
    uint64_t max_lag_blocks = 10; // further behind the highest height = ranked after the others
    size_t max_body_bytes = 8u << 20;
};

// Every problem in `cfg` (empty when valid).
std::vector<std::string> validate(const RpcClientConfig& cfg);

// Per-call overrides (0 = the configuration's value).
struct CallOptions {
    int64_t timeout_ms = 0;
    uint32_t max_attempts = 0;
};

// A copy of one endpoint's state, readable from any thread.
struct EndpointStatus {
    std::string name;
    std::string url;
    bool healthy = true;
    uint32_t consecutive_failures = 0;
    uint64_t requests = 0;     // HTTP requests sent
    uint64_t failures = 0;     // transport, timeout, HTTP status, malformed, node-unhealthy errors
    uint64_t rate_limited = 0; // 429 answers
    std::string last_error;
    int64_t last_latency_us = 0; // of the last answered request
    int64_t backoff_ms = 0;      // remaining 429 back-off at snapshot time
    uint64_t block_height = 0;   // last getBlockHeight it answered (0 = none yet)
};

} // namespace sniper::rpc
