// rpc/endpoint.cpp — token bucket, 429 back-off and health of one endpoint.
#include "rpc/endpoint.hpp"

#include <algorithm>
#include <cmath>

namespace sniper::rpc {

namespace {
// Refills add fractions of a token; a sum that should be exactly 1 may
// come out a hair below it.
constexpr double kOneToken = 1.0 - 1e-9;
} // namespace

Endpoint::Endpoint(EndpointConfig cfg, const RpcClientConfig& c, int64_t now_us)
    : cfg_(std::move(cfg)), unhealthy_after_(c.unhealthy_after_failures),
      probe_min_us_(c.probe_backoff_min_ms * 1000), probe_max_us_(c.probe_backoff_max_ms * 1000),
      rl_min_us_(c.rate_limit_backoff_ms * 1000), rl_max_us_(c.rate_limit_backoff_max_ms * 1000),
      tokens_(static_cast<double>(cfg_.burst)), refilled_at_us_(now_us) {}

void Endpoint::refill(int64_t now_us) {
    if (now_us > refilled_at_us_) {
        tokens_ = std::min(static_cast<double>(cfg_.burst),
                           tokens_ + static_cast<double>(now_us - refilled_at_us_) * 1e-6 *
                                         cfg_.requests_per_s);
        refilled_at_us_ = now_us;
    }
}

int64_t Endpoint::ready_at(int64_t now_us) {
    refill(now_us);
    int64_t t = now_us;
    if (tokens_ < kOneToken) {
        t += static_cast<int64_t>(std::ceil((1.0 - tokens_) / cfg_.requests_per_s * 1e6));
    }
    return std::max(t, backoff_until_us_);
}

bool Endpoint::try_take(int64_t now_us) {
    if (backing_off(now_us)) {
        return false;
    }
    refill(now_us);
    if (tokens_ < kOneToken) {
        return false;
    }
    tokens_ -= 1.0;
    ++requests_;
    return true;
}

void Endpoint::on_success(int64_t latency_us) {
    healthy_ = true;
    consecutive_failures_ = 0;
    probe_backoff_us_ = 0;
    rl_backoff_us_ = 0;
    last_latency_us_ = latency_us;
}

bool Endpoint::on_failure(int64_t now_us, const std::string& error) {
    ++failures_;
    ++consecutive_failures_;
    last_error_ = error;
    if (healthy_ && consecutive_failures_ >= unhealthy_after_) {
        healthy_ = false;
        probe_backoff_us_ = probe_min_us_;
        next_probe_us_ = now_us + probe_backoff_us_;
        return true;
    }
    return false;
}

void Endpoint::on_probe_failed(int64_t now_us) {
    probe_backoff_us_ = std::min(probe_max_us_, std::max(probe_min_us_, probe_backoff_us_ * 2));
    next_probe_us_ = now_us + probe_backoff_us_;
}

void Endpoint::on_rate_limited(int64_t now_us, int64_t retry_after_ms) {
    ++rate_limited_;
    last_error_ = "HTTP 429";
    int64_t wait_us = 0;
    if (retry_after_ms > 0) {
        // Honoured as given (capped at 10 minutes against a broken header);
        // a call whose deadline comes first ends RateLimited instead of waiting.
        wait_us = std::min<int64_t>(retry_after_ms, 600'000) * 1000;
    } else {
        rl_backoff_us_ =
            rl_backoff_us_ == 0 ? rl_min_us_ : std::min(rl_max_us_, rl_backoff_us_ * 2);
        wait_us = rl_backoff_us_;
    }
    backoff_until_us_ = std::max(backoff_until_us_, now_us + wait_us);
}

EndpointStatus Endpoint::status(int64_t now_us) const {
    EndpointStatus s;
    s.name = cfg_.name;
    s.url = cfg_.url;
    s.healthy = healthy_;
    s.consecutive_failures = consecutive_failures_;
    s.requests = requests_;
    s.failures = failures_;
    s.rate_limited = rate_limited_;
    s.last_error = last_error_;
    s.last_latency_us = last_latency_us_;
    s.backoff_ms = backoff_until_us_ > now_us ? (backoff_until_us_ - now_us + 999) / 1000 : 0;
    s.block_height = block_height_;
    return s;
}

} // namespace sniper::rpc
