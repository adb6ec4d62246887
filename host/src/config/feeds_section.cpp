// config/feeds_section.cpp — reads [feeds]: the simulated market
// ([feeds.sim] and its regime weights), the replay ([feeds.replay]), the
// RPC-polled pools ([feeds.watch]), and decides which one runs; [feeds.ws]
// and [feeds.record] are read by ws_section.cpp.
#include "config/config_common.hpp"
#include "config/units.hpp"

namespace sniper::config_detail {

namespace fs = std::filesystem;

namespace {

void read_regimes(Reader& r, const toml::table& t, SimRegimeWeights& out) {
    const std::string p = "feeds.sim.regimes";
    r.check_keys(t, p, {"pump_and_dump", "slow_bleed", "rug_pull", "honeypot", "runner"});
    const NumRange weight{0, false, 1e6, false};
    bool all_valid = true;
    const auto get = [&](std::string_view key, double& field) {
        if (t.contains(key)) {
            if (auto v = r.number(t, key, p, weight)) {
                field = *v;
            } else {
                all_valid = false;
            }
        }
    };
    get("pump_and_dump", out.pump_and_dump);
    get("slow_bleed", out.slow_bleed);
    get("rug_pull", out.rug_pull);
    get("honeypot", out.honeypot);
    get("runner", out.runner);
    const double sum =
        out.pump_and_dump + out.slow_bleed + out.rug_pull + out.honeypot + out.runner;
    if (all_valid && !(sum > 0)) {
        r.error(t, "'" + p + "' needs at least one weight > 0 (all five are 0)");
    }
}

struct SimRead {
    const toml::node* enabled_node = nullptr; // set when `enabled` was written
};

SimRead read_sim(Reader& r, const toml::table& t, SimFeedConfig& out) {
    const std::string p = "feeds.sim";
    r.check_keys(t, p,
                 {"enabled", "seed", "pools_per_minute", "duration", "update_interval", "speed",
                  "initial_liquidity_min_sol", "initial_liquidity_max_sol", "fee_bps", "curve_share", "regimes"});
    SimRead read;
    if (auto v = r.boolean(t, "enabled", p)) {
        out.enabled = *v;
        read.enabled_node = t.get("enabled");
    }
    if (auto v = r.integer(t, "seed", p, {0, kIntMax})) {
        out.seed = static_cast<uint64_t>(*v);
    }
    if (auto v = r.number(t, "pools_per_minute", p, {0, true, 6000, false})) {
        out.pools_per_minute = *v;
    }
    if (auto v = r.duration_ns(t, "duration", p, false)) {
        out.duration_ns = *v;
    }
    if (auto v = r.duration_ns(t, "update_interval", p, true)) {
        out.update_interval_ns = *v;
    }
    if (auto v = r.number(t, "speed", p, kSpeedRange)) {
        out.speed = *v;
    }
    const auto min = r.sol_lamports(t, "initial_liquidity_min_sol", p, false);
    const auto max = r.sol_lamports(t, "initial_liquidity_max_sol", p, false);
    if (min) {
        out.initial_liquidity_min_lamports = *min;
    }
    if (max) {
        out.initial_liquidity_max_lamports = *max;
    }
    const bool min_ok = min || !t.contains("initial_liquidity_min_sol");
    const bool max_ok = max || !t.contains("initial_liquidity_max_sol");
    if ((min || max) && min_ok && max_ok &&
        out.initial_liquidity_max_lamports < out.initial_liquidity_min_lamports) {
        r.error(later(t.get("initial_liquidity_min_sol"), t.get("initial_liquidity_max_sol")),
                "'" + p + ".initial_liquidity_max_sol' (" +
                    config_units::format_number(
                        static_cast<double>(out.initial_liquidity_max_lamports) / 1e9) +
                    ") must be >= '" + p + ".initial_liquidity_min_sol' (" +
                    config_units::format_number(
                        static_cast<double>(out.initial_liquidity_min_lamports) / 1e9) +
                    ")");
    }
    if (auto v = r.integer(t, "fee_bps", p, {0, 1000})) {
        out.fee_bps = static_cast<uint32_t>(*v);
    }
    if (auto v = r.number(t, "curve_share", p, {0, false, 1, false})) {
        out.curve_share = *v;
    }
    if (const toml::table* regimes = r.table(t, "regimes", p)) {
        read_regimes(r, *regimes, out.regimes);
    }
    return read;
}

struct ReplayRead {
    const toml::node* path_node = nullptr;
};

ReplayRead read_replay(Reader& r, const toml::table& t, const fs::path& base,
                       ReplayFeedConfig& out) {
    const std::string p = "feeds.replay";
    r.check_keys(t, p, {"path", "speed", "max_jump", "reorder_window", "max_rejected_pct"});
    ReplayRead read;
    if (auto v = r.string(t, "path", p)) {
        if (v->value.empty()) {
            r.error(*t.get("path"), "'" + p + ".path' must not be empty");
        } else {
            out.path = resolve_path(base, v->value);
            out.enabled = true;
            read.path_node = t.get("path");
        }
    } else if (!t.contains("path")) {
        // A replay table without a path selects nothing; almost certainly a
        // mistake, and silently running the simulator instead would hide it.
        r.error(t, "'" + p + "' has no 'path'; give the recording to replay, or remove [" + p +
                       "] to use the simulated feed");
    }
    if (auto v = r.number(t, "speed", p, kSpeedRange)) {
        out.speed = *v;
    }
    if (auto v = r.duration_ns(t, "max_jump", p, false)) {
        out.max_jump_ns = *v;
    }
    if (auto v = r.integer(t, "reorder_window", p, {0, 4096})) {
        out.reorder_window = *v;
    }
    if (auto v = r.number(t, "max_rejected_pct", p, {0, false, 100, false})) {
        out.max_rejected_pct = *v;
    }
    return read;
}

constexpr size_t kMaxWatchPools = 256;
constexpr int64_t kMinWatchIntervalNs = 10'000'000;             // 10 ms
constexpr int64_t kMaxWatchIntervalNs = 3600LL * 1'000'000'000; // 1 h

// A base58 32-byte key at t[key]; `required` reports its absence.
void watch_key(Reader& r, const toml::table& t, std::string_view key, const std::string& p,
               bool required, Pubkey& out) {
    const std::string path = join_key(p, key);
    if (const toml::node* n = t.get(key); n == nullptr) {
        if (required) {
            r.error(t, "'" + path + "' is missing; expected a base58 address (32 bytes)");
        }
        return;
    }
    auto v = r.string(t, key, p);
    if (!v) {
        return; // wrong type: reported by the reader
    }
    if (!pubkey_from_base58(v->value, out)) {
        r.error(*t.get(key),
                "'" + path + "' must be a base58 address of 32 bytes, found " + quote(v->raw));
    }
}

WatchPoolConfig read_watch_pool(Reader& r, const toml::table& t, const std::string& p) {
    r.check_keys(
        t, p,
        {"mint", "pool", "token_vault", "sol_account", "sol_kind", "decimals", "fee_bps", "dex"});
    WatchPoolConfig pool;
    watch_key(r, t, "mint", p, true, pool.mint);
    watch_key(r, t, "pool", p, true, pool.pool);
    watch_key(r, t, "token_vault", p, true, pool.token_vault);
    watch_key(r, t, "sol_account", p, true, pool.sol_account);
    if (!t.contains("sol_kind")) {
        r.error(
            t,
            "'" + p +
                ".sol_kind' is missing; expected \"lamports\" (a system account's lamports above "
                "rent) or \"token\" (a wrapped-SOL token account)");
    } else if (auto v = r.choice(t, "sol_kind", p, {"lamports", "token"})) {
        pool.sol_kind = *v == "token" ? WatchSolKind::Token : WatchSolKind::Lamports;
    }
    if (auto v = r.integer(t, "decimals", p, {0, 18})) {
        pool.decimals = static_cast<uint8_t>(*v);
    }
    if (auto v = r.integer(t, "fee_bps", p, {0, 1000})) {
        pool.fee_bps = static_cast<uint32_t>(*v);
    }
    if (auto v =
            r.choice(t, "dex", p, {"raydium_amm_v4", "raydium_cpmm", "pump_fun", "pump_swap"})) {
        pool.dex = *v == "raydium_amm_v4" ? SNP_DEX_RAYDIUM_AMM_V4
                   : *v == "pump_fun"     ? SNP_DEX_PUMP_FUN
                   : *v == "pump_swap"    ? SNP_DEX_PUMP_SWAP
                                          : SNP_DEX_RAYDIUM_CPMM;
    }
    return pool;
}

void read_watch(Reader& r, const toml::table& t, WatchFeedConfig& out) {
    const std::string p = "feeds.watch";
    r.check_keys(t, p, {"rpc", "interval", "heartbeat", "stale_after", "pool"});
    out.enabled = true;
    if (const toml::node* n = t.get("rpc")) {
        if (const toml::array* a = n->as_array()) {
            for (size_t i = 0; i < a->size(); ++i) {
                const toml::node& e = *a->get(i);
                const std::string path = p + ".rpc[" + std::to_string(i) + "]";
                if (!e.is_string()) {
                    r.error(e, "'" + path + "' must be an http:// or https:// URL string, found " +
                                   describe_found(e));
                    continue;
                }
                const std::string& url = e.as_string()->get();
                if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
                    r.error(e, "'" + path + "' must be an http:// or https:// URL, found " +
                                   quote(url));
                    continue;
                }
                out.rpc_urls.push_back(url);
            }
        } else {
            r.error(*n, "'" + p + ".rpc' must be an array of URLs, found " + describe_found(*n));
        }
    }
    const auto bounded = [&](std::string_view key, int64_t& field) -> bool {
        auto v = r.duration_ns(t, key, p, true);
        if (!v) {
            return !t.contains(key);
        }
        if (*v < kMinWatchIntervalNs || *v > kMaxWatchIntervalNs) {
            r.error(*t.get(key), "'" + join_key(p, key) + "' must be between 10ms and 1h, found " +
                                     quote(t.get(key)->value_or(std::string_view{})));
            return false;
        }
        field = *v;
        return true;
    };
    const bool interval_ok = bounded("interval", out.interval_ns);
    const bool heartbeat_ok = bounded("heartbeat", out.heartbeat_ns);
    const bool stale_ok = bounded("stale_after", out.stale_after_ns);
    if (interval_ok && heartbeat_ok && out.heartbeat_ns < out.interval_ns) {
        r.error(later(t.get("interval"), t.get("heartbeat")),
                "'" + p + ".heartbeat' must be at least '" + p +
                    ".interval' (a pool is read once per interval)");
    }
    if (interval_ok && stale_ok && out.stale_after_ns != 0 &&
        out.stale_after_ns < out.interval_ns) {
        r.error(later(t.get("interval"), t.get("stale_after")),
                "'" + p + ".stale_after' must be at least '" + p +
                    ".interval' (a pool is read once per interval)");
    }

    const toml::node* pools = t.get("pool");
    if (pools == nullptr) {
        r.error(t, "'" + p + "' has no pools; add at least one [[" + p +
                       ".pool]] table, or remove [" + p + "] to use another feed");
        return;
    }
    const toml::array* a = pools->as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
        r.error(*pools, "'" + p + ".pool' must be an array of tables ([[" + p + ".pool]]), found " +
                            describe_found(*pools));
        return;
    }
    if (a->empty()) {
        r.error(*pools, "'" + p + ".pool' is empty; list at least one pool");
        return;
    }
    if (a->size() > kMaxWatchPools) {
        r.error(*pools, "'" + p + ".pool' lists " + std::to_string(a->size()) + " pools; at most " +
                            std::to_string(kMaxWatchPools) + " are polled");
    }
    for (size_t i = 0; i < a->size(); ++i) {
        const toml::table& pt = *a->get(i)->as_table();
        const std::string pp = p + ".pool[" + std::to_string(i) + "]";
        const WatchPoolConfig pool = read_watch_pool(r, pt, pp);
        bool duplicate = false;
        for (const WatchPoolConfig& earlier : out.pools) {
            if (!is_zero(pool.pool) && earlier.pool == pool.pool) {
                r.error(pt.get("pool") != nullptr ? pt.get("pool")->source() : pt.source(),
                        "'" + pp + ".pool' " + quote(to_base58(pool.pool)) +
                            " is listed twice; each pool is watched once");
                duplicate = true;
                break;
            }
        }
        if (!duplicate) {
            out.pools.push_back(pool);
        }
    }
}

} // namespace

void read_feeds(Reader& r, const toml::table& t, const fs::path& base, FeedsConfig& out,
                const toml::node* feeds_node) {
    const std::string p = "feeds";
    r.check_keys(t, p, {"sim", "replay", "watch", "ws", "price", "record"});
    SimRead sim;
    ReplayRead replay;
    bool sim_valid = !t.contains("sim");
    bool replay_valid = !t.contains("replay");
    bool live_valid = !t.contains("watch") && !t.contains("ws");
    if (const toml::table* s = r.table(t, "sim", p)) {
        sim = read_sim(r, *s, out.sim);
        sim_valid = true;
    }
    if (const toml::table* rp = r.table(t, "replay", p)) {
        replay = read_replay(r, *rp, base, out.replay);
        replay_valid = true;
    }
    if (const toml::table* w = r.table(t, "watch", p)) {
        read_watch(r, *w, out.watch);
        live_valid = true;
    }
    if (const toml::table* w = r.table(t, "ws", p)) {
        read_ws(r, *w, out.ws);
        live_valid = true;
    }
    if (const toml::table* rec = r.table(t, "record", p)) {
        read_record(r, *rec, base, out.record);
    }
    if (const toml::table* pr = r.table(t, "price", p)) {
        read_price(r, *pr, out.price);
        if (!out.live_sources() && live_valid) {
            r.error(*t.get("price"), "[feeds.price] checks the prices of a live feed; add [feeds.ws] or "
                                     "[feeds.watch], or remove [feeds.price]");
        }
    }
    if (!sim_valid || !replay_valid || !live_valid) {
        return;
    }
    // The first live source written names the live feed in messages.
    const toml::node* live_node = t.get("watch") != nullptr ? t.get("watch") : t.get("ws");
    const std::string live_name = t.get("watch") != nullptr ? "[feeds.watch]" : "[feeds.ws]";
    if (out.replay.enabled && out.live_sources()) {
        r.error(later(replay.path_node, live_node),
                "both feeds are enabled (feeds.replay.path is set and " + live_name +
                    " is present); enable exactly one: remove feeds.replay.path or " + live_name);
    }
    if (out.replay.enabled || out.live_sources()) {
        if (sim.enabled_node != nullptr && out.sim.enabled) {
            const bool by_replay = out.replay.enabled;
            r.error(later(sim.enabled_node, by_replay ? replay.path_node : live_node),
                    by_replay ? std::string("both feeds are enabled (feeds.sim.enabled = true and "
                                            "feeds.replay.path is set); "
                                            "enable exactly one: remove feeds.sim.enabled or "
                                            "feeds.replay.path")
                              : "both feeds are enabled (feeds.sim.enabled = true and " +
                                    live_name + " is present); enable exactly one: remove "
                                                "feeds.sim.enabled or " + live_name);
        }
        out.sim.enabled = false;
    } else if (!out.sim.enabled && !t.contains("replay")) {
        const toml::node* where = sim.enabled_node != nullptr ? sim.enabled_node : feeds_node;
        r.error(where != nullptr ? where->source() : toml::source_region{},
                "no feed enabled: set feeds.sim.enabled = true, give feeds.replay.path or add "
                "[feeds.watch] or [feeds.ws]");
    }
    if (!out.record.raw_path.empty() && !out.ws.enabled) {
        r.error(*t.get("record"), "'feeds.record.raw' records [feeds.ws] wire messages, and "
                                  "[feeds.ws] is not configured; remove raw or add [feeds.ws]");
    }
}

void check_watch_rpc(Reader& r, const toml::table& root, const Config& cfg) {
    if (!cfg.feeds.watch.enabled || !cfg.feeds.watch.rpc_urls.empty() ||
        !cfg.live.rpc_urls.empty()) {
        return;
    }
    const toml::node* watch = root["feeds"]["watch"].node();
    const auto written = [](const toml::node* n) {
        return n != nullptr && !(n->is_array() && n->as_array()->empty());
    };
    if (watch == nullptr || written(root["feeds"]["watch"]["rpc"].node()) ||
        written(root["live"]["rpc"].node())) {
        return; // no [feeds.watch] table, or endpoints written but invalid (reported where they
                // are)
    }
    r.error(*watch, "'feeds.watch' has no RPC endpoint: set feeds.watch.rpc or [live] rpc");
}

} // namespace sniper::config_detail
