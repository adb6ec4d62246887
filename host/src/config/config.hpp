// config/config.hpp — the daemon's configuration, loaded strictly from one
// TOML file. Unknown keys, wrong types, out-of-range values and unresolved
// ${SNIPER_*} references are all errors; every error is reported at once as
// file:line:col: message. Human units in the file (SOL, ms, %, bps),
// integers inside (lamports, ns). Secrets come only from SNIPER_* variables
// and are never logged.
#pragma once

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
    SimRegimeWeights regimes;
};

struct ReplayFeedConfig {
    bool enabled = false;
    std::string path;   // JSON Lines file, resolved relative to the config file
    double speed = 0.0; // 0 = as fast as possible, else x real time
};

struct FeedsConfig {
    SimFeedConfig sim;
    ReplayFeedConfig replay;
    // Exactly one of sim/replay is enabled after validation. [feeds.replay]
    // present with a path enables replay and disables sim unless sim is
    // explicitly enabled too (which is an error).
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

struct RiskConfig {
    uint64_t max_order_lamports = kLamportsPerSol / 2; // > 0
    uint32_t max_open_positions = 5;                   // > 0
    uint32_t max_slippage_bps = 500;                   // 1..10000
};

struct StrategyConfig {
    std::string name;
    bool enabled = true;
    // The [strategies.<name>] table minus "enabled", encoded as a JSON object
    // (TOML ints -> JSON ints, floats -> numbers, strings, bools, arrays,
    // tables -> objects). "{}" when the table is empty.
    std::string params_json = "{}";
};

struct ControlConfig {
    std::string socket_path; // empty = <data_dir>/sniperd.sock
};

struct Config {
    std::string source_path; // the file it was loaded from
    Mode mode = Mode::Paper;
    std::string data_dir = "data";       // resolved relative to the config file
    std::string plugins_dir = "plugins"; // resolved relative to the config file
    LoggingConfig logging;
    FeedsConfig feeds;
    PaperConfig paper;
    RiskConfig risk;
    ControlConfig control;
    std::map<std::string, StrategyConfig> strategies; // by name

    std::string socket_path() const;
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
