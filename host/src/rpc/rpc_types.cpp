// rpc/rpc_types.cpp — names of the statuses, error text and the checks of
// a client configuration (every problem reported at once).
#include "rpc/rpc_types.hpp"

#include <cmath>
#include <set>

namespace sniper::rpc {

const char* to_string(RpcStatus s) {
    switch (s) {
    case RpcStatus::Ok:
        return "ok";
    case RpcStatus::Transport:
        return "transport";
    case RpcStatus::Timeout:
        return "timeout";
    case RpcStatus::HttpStatus:
        return "http_status";
    case RpcStatus::RateLimited:
        return "rate_limited";
    case RpcStatus::JsonRpc:
        return "json_rpc";
    case RpcStatus::Malformed:
        return "malformed";
    case RpcStatus::Cancelled:
        return "cancelled";
    case RpcStatus::Unavailable:
        return "unavailable";
    }
    return "invalid";
}

std::string RpcError::to_string() const {
    std::string s = rpc::to_string(status);
    if (!endpoint.empty()) {
        s += " from " + endpoint;
    }
    s += ":";
    if (http_status != 0) {
        s += " [HTTP " + std::to_string(http_status) + "]";
    }
    if (status == RpcStatus::JsonRpc) {
        s += " [code " + std::to_string(rpc_code) + "]";
    }
    s += " " + message;
    return s;
}

std::vector<std::string> validate(const RpcClientConfig& cfg) {
    std::vector<std::string> errs;
    if (cfg.endpoints.empty()) {
        errs.push_back("endpoints: expected at least one endpoint, found none");
    }
    std::set<std::string> names;
    for (size_t i = 0; i < cfg.endpoints.size(); ++i) {
        const EndpointConfig& e = cfg.endpoints[i];
        const std::string where = "endpoints[" + std::to_string(i) + "]";
        if (e.name.empty()) {
            errs.push_back(where + ".name: expected a non-empty name");
        } else if (!names.insert(e.name).second) {
            errs.push_back(where + ".name: \"" + e.name + "\" is used twice");
        }
        if (e.url.rfind("http://", 0) != 0 && e.url.rfind("https://", 0) != 0) {
            errs.push_back(where + ".url: expected http:// or https://, found \"" + e.url + "\"");
        }
        if (!(e.requests_per_s > 0) || !std::isfinite(e.requests_per_s)) {
            errs.push_back(where + ".requests_per_s: expected > 0, found " +
                           std::to_string(e.requests_per_s));
        }
        if (e.burst == 0) {
            errs.push_back(where + ".burst: expected >= 1, found 0");
        }
    }
    auto positive = [&](const char* name, int64_t v) {
        if (v <= 0) {
            errs.push_back(std::string(name) + ": expected > 0, found " + std::to_string(v));
        }
    };
    positive("call_timeout_ms", cfg.call_timeout_ms);
    positive("attempt_timeout_ms", cfg.attempt_timeout_ms);
    positive("connect_timeout_ms", cfg.connect_timeout_ms);
    positive("probe_backoff_min_ms", cfg.probe_backoff_min_ms);
    positive("rate_limit_backoff_ms", cfg.rate_limit_backoff_ms);
    if (cfg.probe_backoff_max_ms < cfg.probe_backoff_min_ms) {
        errs.push_back("probe_backoff_max_ms: expected >= probe_backoff_min_ms");
    }
    if (cfg.rate_limit_backoff_max_ms < cfg.rate_limit_backoff_ms) {
        errs.push_back("rate_limit_backoff_max_ms: expected >= rate_limit_backoff_ms");
    }
    if (cfg.max_attempts == 0) {
        errs.push_back("max_attempts: expected >= 1, found 0");
    }
    if (cfg.unhealthy_after_failures == 0) {
        errs.push_back("unhealthy_after_failures: expected >= 1, found 0");
    }
    return errs;
}

} // namespace sniper::rpc
