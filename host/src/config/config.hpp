// config/config.hpp — the daemon's configuration, loaded strictly from one
// TOML file. Unknown keys, wrong types, out-of-range values and unresolved
// ${SNIPER_*} references are all errors; every error is reported at once as
// file:line:col: message. Human units in the file (SOL, ms, %, bps),
// integers inside (lamports, ns). Secrets come only from SNIPER_* variables
// and are never logged.
#pragma once

#include "core/runtime_limits.hpp"

#include "core/types.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sniper {

struct ConfigError {
    std::string file;
    uint32_t line = 0; // 0 when the error has no position (e.g. a missing key)
    uint32_t column = 0;
    std::string message;
    std::string to_string() const; // "file:line:col: message"
};

struct LoggingConfig {
    std::string level = "info"; // debug | info | warn | error
    std::string format = "json"; // json | human
};

// Probabilities of a new token's life story in the simulated market. They
// need not sum to 1: they are normalized. All >= 0, at least one > 0.
struct SimRegimeWeights {
    double pump_and_dump = 0.35;
    double slow_bleed = 0.30;
    double rug_pull = 0.20;
    double honeypot = 0.10;
    double runner = 0.05;
};

struct SimFeedConfig {
    bool enabled = true;
    uint64_t seed = 42;
    double pools_per_minute = 6.0;          // > 0, <= 6000
    int64_t duration_ns = 0;                // simulated time to run; 0 = until stopped
    int64_t update_interval_ns = 1'000'000'000; // pool price updates, > 0
    double speed = 0.0;                     // 0 = as fast as possible, else x real time (> 0)
    uint64_t initial_liquidity_min_lamports = 5 * kLamportsPerSol;
    uint64_t initial_liquidity_max_lamports = 80 * kLamportsPerSol; // >= min
    uint32_t fee_bps = 25;                  // pool fee, <= 1000
    // Share of new tokens (0..1) that launch on a pump.fun-style bonding
    // curve instead of a pool, and migrate to a PumpSwap-style pool when
    // the curve completes (feeds/sim_market.hpp). 0 = none.
    double curve_share = 0.0;
    SimRegimeWeights regimes;
};

struct ReplayFeedConfig {
    bool enabled = false;
    std::string path;   // JSON Lines file, resolved relative to the config file
    double speed = 0.0; // 0 = as fast as possible, else x real time
    // A line further ahead than this past all before it is an outlier
    // unless the next line confirms the jump; 0 = believe any jump.
    int64_t max_jump_ns = 3600LL * 1'000'000'000;
    int64_t reorder_window = 16;   // lines put back in time order before refusing
    double max_rejected_pct = 1.0; // sniperd run exits 1 when more lines are skipped
};

// Where a watched pool's SOL reserve is read ([[feeds.watch.pool]] sol_kind).
enum class WatchSolKind : uint8_t {
    Invalid = 0,
    Lamports = 1, // a system account: its lamports minus the rent-exempt minimum (890,880)
    Token = 2,    // a wrapped-SOL token account: its token amount
};

// One constant-product pool [feeds.watch] polls over JSON-RPC.
struct WatchPoolConfig {
    Pubkey mint;        // the token (base side); its mint account is read too
    Pubkey pool;        // the id events carry
    Pubkey token_vault; // SPL token account of `mint` holding the token reserve
    Pubkey sol_account; // holds the SOL reserve, read as `sol_kind` says
    WatchSolKind sol_kind = WatchSolKind::Lamports;
    std::optional<uint8_t> decimals; // when set, the mint's decimals must match
    uint32_t fee_bps = 25;           // the pool's swap fee (NEW_POOL), 0..1000
    uint32_t dex = SNP_DEX_RAYDIUM_CPMM; // SNP_DEX_* the events carry (names as in replay files)
};

// [feeds.watch]: a push feed polling pool reserves over JSON-RPC
// (live/pool_watch.hpp).
struct WatchFeedConfig {
    bool enabled = false;              // [feeds.watch] present (it must list pools)
    std::vector<std::string> rpc_urls; // empty = [live] rpc
    int64_t interval_ns = 400'000'000;      // poll period, 10 ms .. 1 h
    int64_t heartbeat_ns = 2'000'000'000;   // an unchanged pool is re-sent this often, >= interval
    int64_t stale_after_ns = 0;             // 0 = 3 x interval; >= interval when set
    std::vector<WatchPoolConfig> pools;     // 1 .. 256, distinct `pool`

    int64_t effective_stale_after_ns() const { return stale_after_ns > 0 ? stale_after_ns : 3 * interval_ns; }
};

// [feeds.ws]: Solana WebSocket logs subscriptions decoded into events
// (solfeed/ws_source.hpp). Several URLs are several connections to the
// same stream: each transaction's events are delivered once.
struct WsFeedConfig {
    bool enabled = false;           // [feeds.ws] present (it must give a URL)
    std::vector<std::string> urls;  // ws:// or wss://, 1..8
    std::vector<Pubkey> programs;   // logsSubscribe mentions; default pump.fun, PumpSwap, Raydium AMM v4
    std::string commitment = "confirmed";      // processed | confirmed | finalized
    int64_t ping_interval_ns = 10'000'000'000; // idle this long: ping; twice this: dead
    int64_t stale_after_ns = 15'000'000'000;   // no notification this long: pools stale; 0 = off
    int64_t reconnect_min_ns = 250'000'000;    // back-off doubles from here ...
    int64_t reconnect_max_ns = 30'000'000'000; // ... to here, with jitter
    uint32_t max_log_line_bytes = 10'000;      // the node's log line limit
    std::vector<std::string> rpc_urls; // getTransaction for Raydium pools and safety facts; empty = [live] rpc
    int64_t enrich_timeout_ns = 1'500'000'000; // a new pool waits this long at most for its safety facts; 0 = off
    int64_t safety_follow_ns = 600'000'000'000; // a new pool's LP share / authorities are followed this long; 0 = off
    // A new Raydium AMM v4 pool's two vaults are followed (accountSubscribe)
    // this long after its NEW_POOL: its swaps' ray_logs name no pool, so
    // its POOL_UPDATEs come from its vaults. 0 = off.
    int64_t raydium_follow_ns = 600'000'000'000;
    uint32_t requests_per_s = 10; // (un)subscribe requests per second per connection; more wait
    // The logs notifications of all connections, merged, jump more than
    // this many slots: what the nodes dropped in between is missing, so
    // the pools are marked stale. 0 = off (a quiet program list).
    uint64_t max_slot_gap = 150;
};

// [feeds.price]: a Jupiter-style price endpoint polled for the mints the
// host holds, as a second opinion on the pools' prices: a pool whose price
// strays from the endpoint's by more than max_deviation_pct is marked
// stale (entries refused until its next update). Needs a live source.
struct PriceFeedConfig {
    bool enabled = false;
    std::string url;                       // http(s)://…/price/v2 or …/price/v3
    int64_t interval_ns = 2'000'000'000;   // between polls (longer after failures)
    int64_t timeout_ns = 2'000'000'000;    // per request
    double max_deviation_pct = 25;         // of the endpoint's price
};

// [feeds.record]: what a run writes besides the journal.
struct FeedRecordConfig {
    std::string raw_path;    // every wire message of [feeds.ws], one per line ("" = off)
    std::string events_path; // every market event as replay JSON Lines ("" = off; --record wins)
};

struct FeedsConfig {
    SimFeedConfig sim;
    ReplayFeedConfig replay;
    WatchFeedConfig watch;
    WsFeedConfig ws;
    PriceFeedConfig price;
    FeedRecordConfig record;
    // After validation either sim, or replay, or the live sources ([feeds.watch]
    // and/or [feeds.ws], run side by side) are enabled. [feeds.replay] with a
    // path or a live source disables sim unless sim is explicitly enabled
    // too (an error, as is giving both replay and a live source).
    bool live_sources() const { return watch.enabled || ws.enabled; }
};

struct PaperConfig {
    uint64_t starting_balance_lamports = 10 * kLamportsPerSol;
    uint64_t base_fee_lamports = 5000;       // per signature
    uint64_t priority_fee_lamports = 10'000; // per transaction
    uint64_t tip_lamports = 0;               // per transaction
    int64_t landing_delay_ns = 400'000'000;  // >= 0
    uint32_t failure_rate_bps = 200;         // 0..10000, chance a send does not land
    uint64_t seed = 7;
};

// One set of risk limits as written in a [risk.strategy.<name>] table.
// Every field is optional: absent = not overridden (the [risk] value
// applies). An override may only tighten the [risk] value; the loader
// rejects a looser one. "Tighter" is: a lower cap (max_*), a higher floor
// (min_*), true for a reject_* gate, a longer loss_cooldown.
struct RiskLimits {
    std::optional<uint64_t> max_order_lamports;
    std::optional<uint32_t> max_open_positions;
    std::optional<uint32_t> max_slippage_bps;
    std::optional<uint64_t> max_position_lamports;     // a (strategy, mint) position + this buy
    std::optional<uint64_t> max_exposure_lamports;     // open cost + buys in flight + this buy
    std::optional<uint64_t> max_daily_loss_lamports;   // refuse entries once today's PnL <= -limit
    std::optional<uint32_t> max_drawdown_bps;          // of equity from its peak, 1..10000
    std::optional<uint32_t> max_orders_per_minute;     // approved entries, rolling 60 s
    std::optional<uint64_t> min_liquidity_lamports;    // pool quote reserve
    std::optional<uint64_t> max_fees_per_day_lamports; // fees + tips this UTC day incl. this order
    std::optional<bool> reject_mint_authority;
    std::optional<bool> reject_freeze_authority;
    // false: a safety limit lets a pool through when the feed could not
    // establish its fact (SNP_POOL_*_UNKNOWN); true (default): refuses it.
    std::optional<bool> refuse_unknown_safety;
    std::optional<uint32_t> min_lp_burned_bps;    // 0..10000
    std::optional<uint32_t> max_top10_holder_bps; // 0..10000
    std::optional<int64_t> loss_cooldown_ns;      // >= 0
    std::optional<int64_t> max_price_age_ns;      // > 0
};

// The [risk] table. The first three limits always apply (they have
// defaults); every other limit is absent unless written, and absent means
// no limit. Scope, applied by the risk gate:
// - exposure, daily loss, fees per day: the [risk] value caps the total
//   over all strategies, a [risk.strategy.<name>] value caps that
//   strategy's own figure;
// - max_orders_per_minute: per strategy (the override replaces it when
//   tighter); max_orders_per_minute_total caps all strategies together;
// - everything else is per intent, and the tighter of the two applies.
// [risk.circuit_breaker]: drawdown of total equity from its peak that moves
// the trading state on its own (0 = tier off). warning: entries are sent at
// half the size asked; reduce: REDUCING (exits only); halt: HALTED. Tiers
// only escalate; `sniperctl resume --confirm` is the way back.
struct CircuitBreakerConfig {
    uint32_t warning_bps = 0;
    uint32_t reduce_bps = 0;
    uint32_t halt_bps = 0;
};

struct RiskConfig {
    CircuitBreakerConfig circuit_breaker;
    uint64_t max_order_lamports = kLamportsPerSol / 2; // > 0
    uint32_t max_open_positions = 5;                   // > 0
    uint32_t max_slippage_bps = 500;                   // 1..10000
    std::optional<uint64_t> max_position_lamports;
    std::optional<uint64_t> max_exposure_lamports;
    std::optional<uint64_t> max_daily_loss_lamports;
    std::optional<uint32_t> max_drawdown_bps;
    std::optional<uint32_t> max_orders_per_minute;
    std::optional<uint32_t> max_orders_per_minute_total; // all strategies; not overridable
    std::optional<uint64_t> min_liquidity_lamports;
    std::optional<uint64_t> max_fees_per_day_lamports;
    bool reject_mint_authority = false;
    bool reject_freeze_authority = false;
    bool refuse_unknown_safety = true;
    std::optional<uint32_t> min_lp_burned_bps;
    std::optional<uint32_t> max_top10_holder_bps;
    std::optional<int64_t> loss_cooldown_ns;
    std::optional<int64_t> max_price_age_ns;
    std::map<std::string, RiskLimits> strategy; // [risk.strategy.<name>], by name

    // The [risk] values as a RiskLimits (the first three, both reject_* and
    // refuse_unknown_safety always set).
    RiskLimits global_limits() const;
    // The limits one strategy's intents are held to: for each field the
    // tighter of the [risk] value and the strategy's override (so a looser
    // override built in code, bypassing the loader, still cannot loosen).
    RiskLimits limits_for(const std::string& strategy_name) const;
};

// For each field, the tighter of a and b (an absent value is no limit).
RiskLimits tightest(const RiskLimits& a, const RiskLimits& b);

struct StrategyConfig {
    std::string name;
    bool enabled = true;
    // The [strategies.<name>] table minus "enabled", encoded as a JSON object
    // (TOML ints -> JSON ints, floats -> numbers, strings, bools, arrays,
    // tables -> objects). "{}" when the table is empty.
    std::string params_json = "{}";
};

// The [protection] table: host-enforced exits applied to every position a
// buy opens or adds to, unless the buy intent sets its own value (positive =
// that value, 0 = this default, negative = none). Absent = no default.
struct ProtectionConfig {
    std::optional<uint32_t> stop_loss_bps;     // 0 < x < 10000: exit at value <= cost * (1 - x)
    std::optional<uint32_t> take_profit_bps;   // 0 < x <= 10'000'000: exit at value >= cost * (1 + x)
    std::optional<uint32_t> trailing_stop_bps; // 0 < x < 10000: exit at value <= peak * (1 - x)
    std::optional<int64_t> max_hold_ns;        // > 0: exit once held this long
};

// [runtime]: how strategies run (fault limit, time budget, hang watchdog,
// Lua heap and JIT), with [runtime.strategy.<name>] overrides.
struct RuntimeConfig {
    RuntimeLimits defaults;
    std::map<std::string, RuntimeLimits> strategy; // full limits, defaults applied
    RuntimeLimits limits_for(const std::string& strategy_name) const;
};

struct ControlConfig {
    std::string socket_path; // empty = <data_dir>/sniperd.sock
};

// [signer]: the wallet key and the limits sniper-signer enforces on what it
// signs (see docs/signer-protocol.md). The key is named, never read, by
// sniperd: `keypair` is a path the signer opens; `secret = "${SNIPER_X}"`
// names a variable the signer reads (its value is never resolved here).
struct SignerConfig {
    std::string keypair_path;                // absolute; empty when secret_env is used or no key
    std::string secret_env;                  // the SNIPER_* variable's name, never its value
    std::vector<std::string> allow_programs; // base58 program ids added to the default allowlist
    uint64_t max_tx_lamports = kLamportsPerSol;       // lamports able to leave per transaction, > 0
    uint64_t max_day_lamports = 10 * kLamportsPerSol; // per UTC day over all signed, > 0
    uint32_t max_resigns = 3;                         // per intent, 0..100
    std::string journal_path;                         // empty = <data_dir>/signer.sqlite
};

// [live]: what live mode needs beyond the signer (docs: config/README.md).
struct LiveConfig {
    std::vector<std::string> rpc_urls;             // JSON-RPC endpoints, in order of preference
    uint64_t min_balance_lamports = kLamportsPerSol / 10; // live mode refuses below this
    double rpc_requests_per_second = 10;           // per endpoint
    double jito_requests_per_second = 5;           // the block engine's budget (sendBundle, getBundleStatuses)
    // Routes (SNP_ROUTE_JUPITER / SNP_ROUTE_JITO): the default, and per
    // strategy ([live.strategy.NAME] route = "jito").
    std::string jupiter_url = "https://quote-api.jup.ag/v6"; // base of /quote and /swap
    std::string jito_url = "https://mainnet.block-engine.jito.wtf"; // base of /api/v1/bundles
    uint32_t route = 2;                                    // SNP_ROUTE_JUPITER
    std::map<std::string, uint32_t> strategy_routes;       // by strategy name
    // Priority fee: fixed lamports, or (percentile > 0) that percentile of
    // getRecentPrioritizationFees x compute_unit_estimate; never above the cap.
    uint64_t priority_fee_lamports = 10'000;
    uint32_t priority_fee_percentile = 0; // 0 = fixed
    uint64_t compute_unit_estimate = 200'000;
    uint64_t max_priority_fee_lamports = 1'000'000;
    uint64_t tip_lamports = 10'000;       // jito route
    uint64_t max_tip_lamports = 1'000'000;
    int64_t rebroadcast_interval_ns = 400'000'000;  // same bytes to every healthy endpoint
    int64_t status_interval_ns = 400'000'000;       // getSignatureStatuses of what is in flight
    int64_t order_timeout_ns = 90LL * 1'000'000'000; // no re-sign after this (intent deadline if sooner)
    uint32_t max_resigns = 2;                       // new attempts after an expiry
};

struct Config {
    std::string source_path; // the file it was loaded from
    Mode mode = Mode::Paper;
    std::string data_dir = "data";       // resolved relative to the config file
    std::string plugins_dir = "plugins"; // resolved relative to the config file
    std::string tools_dir;               // external tools (tools/ai); empty = none; relative to the file
    LoggingConfig logging;
    FeedsConfig feeds;
    PaperConfig paper;
    RiskConfig risk;
    ProtectionConfig protection;
    ControlConfig control;
    RuntimeConfig runtime;
    std::map<std::string, StrategyConfig> strategies; // by name
    SignerConfig signer;
    LiveConfig live;

    std::string socket_path() const;
    std::string signer_journal_path() const;
};

// Reads environment variables; injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

struct ConfigLoadResult {
    std::optional<Config> config;   // set when errors is empty
    std::vector<ConfigError> errors; // every problem found, in file order
};

ConfigLoadResult load_config_file(const std::string& path, const EnvLookup& env = process_env());
ConfigLoadResult load_config_string(std::string_view toml, const std::string& source_name,
                                    const EnvLookup& env = process_env());

// Checks whether the daemon may start in cfg.mode. Live requires
// mode = "live" in the file AND SNIPER_TRADING_MODE=live in the environment,
// and (until live execution is built) is refused with a message saying so.
// Returns an empty string when allowed, else the reason.
std::string check_mode_allowed(const Config& cfg, const EnvLookup& env = process_env());

} // namespace sniper
