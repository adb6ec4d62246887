// config/ws_section.cpp — reads [feeds.ws] (Solana WebSocket logs
// subscriptions), [feeds.price] (the price endpoint polled as a second
// opinion) and [feeds.record] (raw wire messages and events).
#include "config/config_common.hpp"

#include <algorithm>

namespace sniper::config_detail {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxWsUrls = 8;
constexpr size_t kMaxWsPrograms = 16;

struct NamedProgram {
    std::string_view name, id;
};
// The programs the chain decoders read (chain/log_stack.hpp has the same ids).
constexpr NamedProgram kPrograms[] = {
    {"pump_fun", "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P"},
    {"pump_swap", "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA"},
    {"raydium_amm_v4", "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8"},
};

// An array of URL strings starting with one of `schemes`; ${SNIPER_*} resolved.
std::vector<std::string> read_urls(Reader& r, const toml::node& n, const std::string& path,
                                   std::initializer_list<std::string_view> schemes,
                                   const char* expected) {
    std::vector<std::string> out;
    const toml::array* a = n.as_array();
    if (a == nullptr) {
        r.error(n, "'" + path + "' must be an array of " + expected + " URLs, found " +
                       describe_found(n));
        return out;
    }
    for (size_t i = 0; i < a->size(); ++i) {
        const toml::node& e = *a->get(i);
        const std::string ep = path + "[" + std::to_string(i) + "]";
        if (!e.is_string()) {
            r.error(e, "'" + ep + "' must be a " + expected + " URL string, found " +
                           describe_found(e));
            continue;
        }
        auto url = r.resolve_env(e.as_string()->get(), e, ep);
        if (!url) {
            continue;
        }
        const bool ok = std::any_of(schemes.begin(), schemes.end(), [&](std::string_view s) {
            return url->rfind(s, 0) == 0 && url->size() > s.size();
        });
        if (!ok) {
            r.error(e, "'" + ep + "' must be a " + expected + " URL, found " +
                           quote(e.as_string()->get()));
            continue;
        }
        out.push_back(*url);
    }
    return out;
}

// A duration key of `t` (under `p`) within lo..hi, into `field`; `range`
// says the bounds in the error.
void duration_in(Reader& r, const toml::table& t, const std::string& p, std::string_view key, int64_t& field,
                 int64_t lo, int64_t hi, const char* range) {
    auto v = r.duration_ns(t, key, p, false);
    if (!v) {
        return;
    }
    if (*v < lo || *v > hi) {
        r.error(*t.get(key), "'" + join_key(p, key) + "' must be " + range + ", found " +
                                 quote(t.get(key)->value_or(std::string_view{})));
        return;
    }
    field = *v;
}

constexpr int64_t kMs = 1'000'000, kS = 1'000'000'000;

} // namespace

void read_ws(Reader& r, const toml::table& t, WsFeedConfig& out) {
    const std::string p = "feeds.ws";
    r.check_keys(t, p,
                 {"url", "programs", "commitment", "ping_interval", "stale_after", "reconnect_min",
                  "reconnect_max", "max_log_line_bytes", "rpc", "enrich_timeout", "safety_follow", "requests_per_s",
                  "max_slot_gap", "raydium_follow"});
    out.enabled = true;
    if (const toml::node* n = t.get("url")) {
        out.urls = read_urls(r, *n, p + ".url", {"ws://", "wss://"}, "ws:// or wss://");
        if (n->is_array() && n->as_array()->empty()) {
            r.error(*n, "'" + p + ".url' is empty; give at least one ws:// or wss:// URL");
        }
        if (out.urls.size() > kMaxWsUrls) {
            r.error(*n, "'" + p + ".url' lists " + std::to_string(out.urls.size()) +
                            " URLs; at most " + std::to_string(kMaxWsUrls) + " connections");
        }
    } else {
        r.error(t, "'" + p + "' has no 'url'; give the node's WebSocket URLs, e.g. url = "
                       "[\"wss://api.mainnet-beta.solana.com\"], or remove [" + p + "]");
    }
    if (const toml::node* n = t.get("programs")) {
        const toml::array* a = n->as_array();
        if (a == nullptr || a->empty()) {
            r.error(*n, "'" + p + ".programs' must be a non-empty array of program names "
                                  "(pump_fun, pump_swap, raydium_amm_v4) or base58 program ids, "
                                  "found " + describe_found(*n));
        } else {
            for (size_t i = 0; i < a->size(); ++i) {
                const toml::node& e = *a->get(i);
                const std::string ep = p + ".programs[" + std::to_string(i) + "]";
                const auto* s = e.as_string();
                Pubkey key{};
                bool ok = false;
                if (s != nullptr) {
                    for (const NamedProgram& np : kPrograms) {
                        if (s->get() == np.name) {
                            ok = pubkey_from_base58(np.id, key);
                        }
                    }
                    ok = ok || pubkey_from_base58(s->get(), key);
                }
                if (!ok) {
                    r.error(e, "'" + ep + "' must be pump_fun, pump_swap, raydium_amm_v4 or a "
                                          "base58 program id of 32 bytes, found " +
                                   (s != nullptr ? quote(s->get()) : describe_found(e)));
                    continue;
                }
                if (std::find(out.programs.begin(), out.programs.end(), key) != out.programs.end()) {
                    r.error(e, "'" + ep + "' " + quote(s->get()) + " is listed twice");
                    continue;
                }
                out.programs.push_back(key);
            }
            if (out.programs.size() > kMaxWsPrograms) {
                r.error(*n, "'" + p + ".programs' lists " + std::to_string(out.programs.size()) +
                                " programs; at most " + std::to_string(kMaxWsPrograms));
            }
        }
    } else {
        for (const NamedProgram& np : kPrograms) {
            Pubkey key{};
            pubkey_from_base58(np.id, key);
            out.programs.push_back(key);
        }
    }
    if (auto v = r.choice(t, "commitment", p, {"processed", "confirmed", "finalized"})) {
        out.commitment = *v;
    }
    duration_in(r, t, p, "ping_interval", out.ping_interval_ns, 100 * kMs, 300 * kS, "between 100ms and 5m");
    duration_in(r, t, p, "stale_after", out.stale_after_ns, 0, 3600 * kS, "0s (off) or up to 1h");
    duration_in(r, t, p, "reconnect_min", out.reconnect_min_ns, 10 * kMs, 60 * kS, "between 10ms and 1m");
    duration_in(r, t, p, "reconnect_max", out.reconnect_max_ns, 10 * kMs, 600 * kS, "between 10ms and 10m");
    duration_in(r, t, p, "enrich_timeout", out.enrich_timeout_ns, 0, 60 * kS, "0s (off) or up to 1m");
    duration_in(r, t, p, "safety_follow", out.safety_follow_ns, 0, 24 * 3600 * kS, "0s (off) or up to 24h");
    duration_in(r, t, p, "raydium_follow", out.raydium_follow_ns, 0, 24 * 3600 * kS, "0s (off) or up to 24h");
    if (t.contains("reconnect_min") && t.contains("reconnect_max") &&
        out.reconnect_max_ns < out.reconnect_min_ns) {
        r.error(*t.get("reconnect_max"),
                "'" + p + ".reconnect_max' must be at least '" + p + ".reconnect_min'");
    }
    out.reconnect_max_ns = std::max(out.reconnect_max_ns, out.reconnect_min_ns);
    if (auto v = r.integer(t, "max_log_line_bytes", p, {100, 1'000'000})) {
        out.max_log_line_bytes = static_cast<uint32_t>(*v);
    }
    if (auto v = r.integer(t, "requests_per_s", p, {1, 1000})) {
        out.requests_per_s = static_cast<uint32_t>(*v);
    }
    if (auto v = r.integer(t, "max_slot_gap", p, {0, 1'000'000})) {
        out.max_slot_gap = static_cast<uint64_t>(*v);
    }
    if (const toml::node* n = t.get("rpc")) {
        out.rpc_urls = read_urls(r, *n, p + ".rpc", {"http://", "https://"}, "http:// or https://");
    }
}

void read_price(Reader& r, const toml::table& t, PriceFeedConfig& out) {
    const std::string p = "feeds.price";
    r.check_keys(t, p, {"url", "interval", "timeout", "max_deviation_pct"});
    out.enabled = true;
    if (const toml::node* n = t.get("url")) {
        if (!n->is_string()) {
            r.error(*n, "'" + p + ".url' must be an http:// or https:// URL string, found " + describe_found(*n));
        } else if (auto url = r.resolve_env(n->as_string()->get(), *n, p + ".url")) {
            if ((url->rfind("http://", 0) != 0 || url->size() <= 7) &&
                (url->rfind("https://", 0) != 0 || url->size() <= 8)) {
                r.error(*n, "'" + p + ".url' must be an http:// or https:// URL, found " +
                                quote(n->as_string()->get()));
            } else if (url->find('?') != std::string::npos || url->find('#') != std::string::npos) {
                r.error(*n, "'" + p + ".url' must not carry a query (the host adds ?ids=...), found " +
                                quote(n->as_string()->get()));
            } else {
                out.url = *url;
            }
        }
    } else {
        r.error(t, "'" + p + "' has no 'url'; give a Jupiter-style price endpoint, e.g. url = "
                       "\"https://lite-api.jup.ag/price/v3\", or remove [" + p + "]");
    }
    duration_in(r, t, p, "interval", out.interval_ns, 100 * kMs, 3600 * kS, "between 100ms and 1h");
    duration_in(r, t, p, "timeout", out.timeout_ns, 100 * kMs, 60 * kS, "between 100ms and 1m");
    if (auto v = r.number(t, "max_deviation_pct", p, {0, true, 1000, false})) {
        out.max_deviation_pct = *v;
    }
}

void read_record(Reader& r, const toml::table& t, const fs::path& base, FeedRecordConfig& out) {
    const std::string p = "feeds.record";
    r.check_keys(t, p, {"raw", "events"});
    const auto path = [&](std::string_view key, std::string& field) {
        if (auto v = r.string(t, key, p)) {
            if (v->value.empty()) {
                r.error(*t.get(key), "'" + join_key(p, key) + "' must not be empty (remove it to "
                                                              "record nothing)");
            } else {
                field = resolve_path(base, v->value);
            }
        }
    };
    path("raw", out.raw_path);
    path("events", out.events_path);
    if (!out.raw_path.empty() && out.raw_path == out.events_path) {
        r.error(*t.get("events"), "'" + p + ".raw' and '" + p +
                                      ".events' name the same file; give two paths");
    }
}

} // namespace sniper::config_detail
