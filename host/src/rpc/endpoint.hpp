// rpc/endpoint.hpp — one RPC endpoint's health, request budget and back-off,
// as plain logic over an explicit clock (microseconds) so it is tested
// without a network. Owned and used by RpcClient on its loop thread only.
//
// - Budget: a token bucket (`requests_per_s`, `burst`); every request
//   (probes too) takes a token, so a node never sees more than the rate.
// - 429: the endpoint takes nothing until Retry-After has passed (or,
//   without one, the configured back-off, doubling while 429s repeat).
// - Health: `unhealthy_after_failures` consecutive failures mark it
//   unhealthy; it is then probed with a back-off doubling from
//   `probe_backoff_min_ms` to `probe_backoff_max_ms`; one success makes it
//   healthy again.
#pragma once

#include "rpc/rpc_types.hpp"

#include <cstdint>
#include <string>

namespace sniper::rpc {

class Endpoint {
  public:
    Endpoint(EndpointConfig cfg, const RpcClientConfig& client_cfg, int64_t now_us);

    const EndpointConfig& config() const { return cfg_; }

    // When a request may next be sent: max(429 back-off end, next token).
    int64_t ready_at(int64_t now_us);
    // Takes a token when one is available and no back-off runs.
    bool try_take(int64_t now_us);
    bool backing_off(int64_t now_us) const { return now_us < backoff_until_us_; }

    void on_success(int64_t latency_us);
    // True when this failure made the endpoint unhealthy.
    bool on_failure(int64_t now_us, const std::string& error);
    void on_rate_limited(int64_t now_us, int64_t retry_after_ms);
    // A failed probe of an unhealthy endpoint: the next one waits longer.
    void on_probe_failed(int64_t now_us);

    bool healthy() const { return healthy_; }
    uint32_t consecutive_failures() const { return consecutive_failures_; }
    int64_t next_probe_at() const { return next_probe_us_; }
    uint64_t block_height() const { return block_height_; }
    void set_block_height(uint64_t h) { block_height_ = h; }

    EndpointStatus status(int64_t now_us) const;

  private:
    void refill(int64_t now_us);

    EndpointConfig cfg_;
    uint32_t unhealthy_after_;
    int64_t probe_min_us_, probe_max_us_, rl_min_us_, rl_max_us_;

    double tokens_;
    int64_t refilled_at_us_;
    int64_t backoff_until_us_ = 0;
    int64_t rl_backoff_us_ = 0; // current 429 back-off step (0 = none yet)

    bool healthy_ = true;
    uint32_t consecutive_failures_ = 0;
    int64_t probe_backoff_us_ = 0;
    int64_t next_probe_us_ = 0;

    uint64_t requests_ = 0, failures_ = 0, rate_limited_ = 0;
    std::string last_error_;
    int64_t last_latency_us_ = 0;
    uint64_t block_height_ = 0;
};

} // namespace sniper::rpc
