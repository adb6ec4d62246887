#include "config/config.hpp"

#include "config/config_reader.hpp"
#include "config/live_section.hpp"
#include "config/signer_section.hpp"
#include "config/units.hpp"
#include "core/json.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace sniper {

namespace fs = std::filesystem;
using config_detail::IntRange;
using config_detail::join_key;
using config_detail::NumRange;
using config_detail::Reader;

namespace {

constexpr int64_t kIntMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr NumRange kSpeedRange{0, false, 1e6, false};

// The position of the later of two nodes, for errors about how two keys
// relate: the later one is where the conflict becomes visible to a reader.
const toml::source_region& later(const toml::node* a, const toml::node* b) {
    if (a == nullptr) {
        return b->source();
    }
    if (b == nullptr) {
        return a->source();
    }
    const auto& pa = a->source().begin;
    const auto& pb = b->source().begin;
    const bool a_later = pa.line != pb.line ? pa.line > pb.line : pa.column > pb.column;
    return a_later ? a->source() : b->source();
}

std::string resolve_path(const fs::path& base, const std::string& p) {
    fs::path out = fs::path(p).is_absolute() ? fs::path(p) : base / p;
    out = out.lexically_normal();
    // "data/" and "data" are the same directory; keep one spelling so that
    // data_dir + "/sniperd.sock" has no double slash.
    if (!out.has_filename() && out.has_relative_path()) {
        out = out.parent_path();
    }
    return out.string();
}

bool valid_strategy_name(std::string_view name) {
    if (name.empty() || name.size() > 64) {
        return false;
    }
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

// Where relative paths in the file are anchored.
fs::path config_dir(const std::string& source_name) {
    std::error_code ec;
    fs::path abs = fs::absolute(fs::path(source_name), ec);
    if (ec) {
        abs = fs::path(source_name);
    }
    return abs.lexically_normal().parent_path();
}

void read_logging(Reader& r, const toml::table& t, LoggingConfig& out) {
    const std::string p = "logging";
    r.check_keys(t, p, {"level", "format"});
    if (auto v = r.choice(t, "level", p, {"debug", "info", "warn", "error"})) {
        out.level = *v;
    }
    if (auto v = r.choice(t, "format", p, {"json", "human"})) {
        out.format = *v;
    }
}

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
                  "initial_liquidity_min_sol", "initial_liquidity_max_sol", "fee_bps", "regimes"});
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

void read_feeds(Reader& r, const toml::table& t, const fs::path& base, FeedsConfig& out,
                const toml::node* feeds_node) {
    const std::string p = "feeds";
    r.check_keys(t, p, {"sim", "replay"});
    SimRead sim;
    ReplayRead replay;
    bool sim_valid = !t.contains("sim");
    bool replay_valid = !t.contains("replay");
    if (const toml::table* s = r.table(t, "sim", p)) {
        sim = read_sim(r, *s, out.sim);
        sim_valid = true;
    }
    if (const toml::table* rp = r.table(t, "replay", p)) {
        replay = read_replay(r, *rp, base, out.replay);
        replay_valid = true;
    }
    if (!sim_valid || !replay_valid) {
        return;
    }
    if (out.replay.enabled) {
        if (sim.enabled_node != nullptr && out.sim.enabled) {
            r.error(
                later(sim.enabled_node, replay.path_node),
                "both feeds are enabled (feeds.sim.enabled = true and feeds.replay.path is set); "
                "enable exactly one: remove feeds.sim.enabled or feeds.replay.path");
        }
        out.sim.enabled = false;
    } else if (!out.sim.enabled && !t.contains("replay")) {
        const toml::node* where = sim.enabled_node != nullptr ? sim.enabled_node : feeds_node;
        r.error(where != nullptr ? where->source() : toml::source_region{},
                "no feed enabled: set feeds.sim.enabled = true or give feeds.replay.path");
    }
}

void read_paper(Reader& r, const toml::table& t, PaperConfig& out) {
    const std::string p = "paper";
    r.check_keys(t, p,
                 {"starting_balance_sol", "base_fee_lamports", "priority_fee_lamports", "tip_sol",
                  "landing_delay", "failure_rate_pct", "seed"});
    if (auto v = r.sol_lamports(t, "starting_balance_sol", p, false)) {
        out.starting_balance_lamports = *v;
    }
    if (auto v = r.integer(t, "base_fee_lamports", p, {0, kIntMax})) {
        out.base_fee_lamports = static_cast<uint64_t>(*v);
    }
    if (auto v = r.integer(t, "priority_fee_lamports", p, {0, kIntMax})) {
        out.priority_fee_lamports = static_cast<uint64_t>(*v);
    }
    if (auto v = r.sol_lamports(t, "tip_sol", p, false)) {
        out.tip_lamports = *v;
    }
    if (auto v = r.duration_ns(t, "landing_delay", p, false)) {
        out.landing_delay_ns = *v;
    }
    if (auto v = r.number(t, "failure_rate_pct", p, {0, false, 100, false})) {
        out.failure_rate_bps = static_cast<uint32_t>(config_units::scale_decimal(*v, 2));
    }
    if (auto v = r.integer(t, "seed", p, {0, kIntMax})) {
        out.seed = static_cast<uint64_t>(*v);
    }
}

// The [risk] keys that a [risk.strategy.<name>] table may also set. Each
// kind of value has its own table of keys so one loop reads, and one loop
// compares, every key of that kind.
enum class Tight { Lower, Higher }; // which direction tightens the limit

struct SolKey {
    std::string_view key;
    std::optional<uint64_t> RiskLimits::*field;
    bool positive;
    Tight tight;
};
constexpr SolKey kSolKeys[] = {
    {"max_order_sol", &RiskLimits::max_order_lamports, true, Tight::Lower},
    {"max_position_sol", &RiskLimits::max_position_lamports, true, Tight::Lower},
    {"max_exposure_sol", &RiskLimits::max_exposure_lamports, true, Tight::Lower},
    {"max_daily_loss_sol", &RiskLimits::max_daily_loss_lamports, true, Tight::Lower},
    {"min_liquidity_sol", &RiskLimits::min_liquidity_lamports, false, Tight::Higher},
    {"max_fees_per_day_sol", &RiskLimits::max_fees_per_day_lamports, true, Tight::Lower},
};

struct PctKey {
    std::string_view key;
    std::optional<uint32_t> RiskLimits::*field;
    NumRange range;
    Tight tight;
};
constexpr PctKey kPctKeys[] = {
    {"max_drawdown_pct", &RiskLimits::max_drawdown_bps, {0.01, false, 100, false}, Tight::Lower},
    {"min_lp_burned_pct", &RiskLimits::min_lp_burned_bps, {0, false, 100, false}, Tight::Higher},
    {"max_top10_holder_pct",
     &RiskLimits::max_top10_holder_bps,
     {0, false, 100, false},
     Tight::Lower},
};

struct CountKey {
    std::string_view key;
    std::optional<uint32_t> RiskLimits::*field;
    IntRange range;
};
constexpr CountKey kCountKeys[] = {
    {"max_open_positions", &RiskLimits::max_open_positions, {1, kU32Max}},
    {"max_slippage_bps", &RiskLimits::max_slippage_bps, {1, 10000}},
    {"max_orders_per_minute", &RiskLimits::max_orders_per_minute, {1, 1'000'000}},
};

struct BoolKey {
    std::string_view key;
    std::optional<bool> RiskLimits::*field;
};
constexpr BoolKey kBoolKeys[] = {
    {"reject_mint_authority", &RiskLimits::reject_mint_authority},
    {"reject_freeze_authority", &RiskLimits::reject_freeze_authority},
};

struct DurationKey {
    std::string_view key;
    std::optional<int64_t> RiskLimits::*field;
    bool positive;
    Tight tight;
};
constexpr DurationKey kDurationKeys[] = {
    {"loss_cooldown", &RiskLimits::loss_cooldown_ns, false, Tight::Higher},
    {"max_price_age", &RiskLimits::max_price_age_ns, true, Tight::Lower},
};

std::string show_sol(uint64_t lamports) {
    return config_units::format_number(static_cast<double>(lamports) / 1e9);
}
std::string show_pct(uint32_t bps) {
    return config_units::format_number(static_cast<double>(bps) / 100.0);
}
std::string show_duration(int64_t ns) {
    struct Unit {
        int64_t ns;
        const char* name;
    };
    for (const Unit u : {Unit{3600 * kNsPerSec, "h"}, Unit{60 * kNsPerSec, "m"},
                         Unit{kNsPerSec, "s"}, Unit{kNsPerMs, "ms"}, Unit{1000, "us"}}) {
        if (ns != 0 && ns % u.ns == 0) {
            return "\"" + std::to_string(ns / u.ns) + u.name + "\"";
        }
    }
    return "\"" + std::to_string(ns) + "ns\"";
}

// Reads the keys shared by [risk] and [risk.strategy.<name>] into `out`.
void read_limits(Reader& r, const toml::table& t, const std::string& p, RiskLimits& out) {
    for (const SolKey& k : kSolKeys) {
        if (auto v = r.sol_lamports(t, k.key, p, k.positive)) {
            out.*k.field = *v;
        }
    }
    for (const PctKey& k : kPctKeys) {
        if (auto v = r.number(t, k.key, p, k.range)) {
            out.*k.field = static_cast<uint32_t>(config_units::scale_decimal(*v, 2));
        }
    }
    for (const CountKey& k : kCountKeys) {
        if (auto v = r.integer(t, k.key, p, k.range)) {
            out.*k.field = static_cast<uint32_t>(*v);
        }
    }
    for (const BoolKey& k : kBoolKeys) {
        if (auto v = r.boolean(t, k.key, p)) {
            out.*k.field = *v;
        }
    }
    for (const DurationKey& k : kDurationKeys) {
        if (auto v = r.duration_ns(t, k.key, p, k.positive)) {
            out.*k.field = *v;
        }
    }
}

// An override that loosens a [risk] value is an error at the override,
// naming both values.
template <class T, class Show>
void check_tighter(Reader& r, const toml::table& t, std::string_view key, const std::string& p,
                   const std::optional<T>& over, const std::optional<T>& global, Tight tight,
                   Show show) {
    if (!over || !global) {
        return; // no override, or no global limit: anything is tighter than none
    }
    const bool looser = tight == Tight::Lower ? *over > *global : *over < *global;
    if (looser) {
        r.error(*t.get(key), "'" + join_key(p, key) + "' (" + show(*over) + ") is looser than '" +
                                 join_key("risk", key) + "' (" + show(*global) + "); a strategy " +
                                 "override may only tighten a limit (" +
                                 (tight == Tight::Lower ? "<= " : ">= ") + show(*global) + ")");
    }
}

void check_override(Reader& r, const toml::table& t, const std::string& p, const RiskLimits& over,
                    const RiskLimits& global) {
    for (const SolKey& k : kSolKeys) {
        check_tighter(r, t, k.key, p, over.*k.field, global.*k.field, k.tight, show_sol);
    }
    for (const PctKey& k : kPctKeys) {
        check_tighter(r, t, k.key, p, over.*k.field, global.*k.field, k.tight, show_pct);
    }
    for (const CountKey& k : kCountKeys) {
        check_tighter(r, t, k.key, p, over.*k.field, global.*k.field, Tight::Lower,
                      [](uint32_t v) { return std::to_string(v); });
    }
    for (const BoolKey& k : kBoolKeys) {
        check_tighter(r, t, k.key, p, over.*k.field, global.*k.field, Tight::Higher,
                      [](bool v) { return std::string(v ? "true" : "false"); });
    }
    for (const DurationKey& k : kDurationKeys) {
        check_tighter(r, t, k.key, p, over.*k.field, global.*k.field, k.tight, show_duration);
    }
}

std::vector<std::string_view> limit_keys() {
    std::vector<std::string_view> keys;
    for (const SolKey& k : kSolKeys) {
        keys.push_back(k.key);
    }
    for (const PctKey& k : kPctKeys) {
        keys.push_back(k.key);
    }
    for (const CountKey& k : kCountKeys) {
        keys.push_back(k.key);
    }
    for (const BoolKey& k : kBoolKeys) {
        keys.push_back(k.key);
    }
    for (const DurationKey& k : kDurationKeys) {
        keys.push_back(k.key);
    }
    return keys;
}

// Unsets the field of `l` read from `key`.
void clear_limit(RiskLimits& l, std::string_view key) {
    for (const SolKey& k : kSolKeys) {
        if (k.key == key) {
            (l.*k.field).reset();
        }
    }
    for (const PctKey& k : kPctKeys) {
        if (k.key == key) {
            (l.*k.field).reset();
        }
    }
    for (const CountKey& k : kCountKeys) {
        if (k.key == key) {
            (l.*k.field).reset();
        }
    }
    for (const BoolKey& k : kBoolKeys) {
        if (k.key == key) {
            (l.*k.field).reset();
        }
    }
    for (const DurationKey& k : kDurationKeys) {
        if (k.key == key) {
            (l.*k.field).reset();
        }
    }
}

// `base` with every field that `top` sets replaced by top's value.
RiskLimits overlay(RiskLimits base, const RiskLimits& top) {
    const auto put = [](auto& field, const auto& value) {
        if (value) {
            field = value;
        }
    };
    for (const SolKey& k : kSolKeys) {
        put(base.*k.field, top.*k.field);
    }
    for (const PctKey& k : kPctKeys) {
        put(base.*k.field, top.*k.field);
    }
    for (const CountKey& k : kCountKeys) {
        put(base.*k.field, top.*k.field);
    }
    for (const BoolKey& k : kBoolKeys) {
        put(base.*k.field, top.*k.field);
    }
    for (const DurationKey& k : kDurationKeys) {
        put(base.*k.field, top.*k.field);
    }
    return base;
}

// Calls fn(name, path, table) for each [<p>.strategy.<name>] table under
// `t`, after reporting a bad name or a value that is not a table (`what`
// names what the table holds, for that message).
template <class F>
void for_each_strategy_table(Reader& r, const toml::table& t, const std::string& p, const char* what, F&& fn) {
    const toml::table* strategies = r.table(t, "strategy", p);
    if (strategies == nullptr) {
        return;
    }
    const std::string sp = join_key(p, "strategy");
    for (auto&& [k, v] : *strategies) {
        const std::string name(k.str());
        const std::string path = join_key(sp, name);
        if (!valid_strategy_name(name)) {
            r.error(k.source().begin.line != 0 ? k.source() : v.source(),
                    "strategy name " + config_detail::quote(name) +
                        " is invalid; names must match [a-z0-9_]{1,64} (lowercase letters, digits, _)");
            continue;
        }
        if (!v.is_table()) {
            r.error(v, "'" + path + "' must be a table of " + what + ", found " + config_detail::describe_found(v));
            continue;
        }
        fn(name, path, *v.as_table());
    }
}

void read_circuit_breaker(Reader& r, const toml::table& t, CircuitBreakerConfig& out) {
    const std::string p = "risk.circuit_breaker";
    r.check_keys(t, p, {"warning_drawdown_pct", "reduce_drawdown_pct", "halt_drawdown_pct"});
    const auto bps = [](double pct) {
        return std::clamp<uint32_t>(static_cast<uint32_t>(config_units::scale_decimal(pct, 2)), 1, 10000);
    };
    struct Tier {
        const char* key;
        uint32_t* field;
    };
    const Tier tiers[] = {{"warning_drawdown_pct", &out.warning_bps},
                          {"reduce_drawdown_pct", &out.reduce_bps},
                          {"halt_drawdown_pct", &out.halt_bps}};
    const Tier* prev = nullptr;
    for (const Tier& tier : tiers) {
        if (auto v = r.number(t, tier.key, p, {0, true, 100, false})) {
            *tier.field = bps(*v);
            if (prev != nullptr && *prev->field != 0 && *tier.field <= *prev->field) {
                r.error(*t.get(tier.key), "'" + join_key(p, tier.key) + "' (" + config_units::format_number(*v) +
                                              ") must be above '" + join_key(p, prev->key) +
                                              "': tiers escalate");
            }
            prev = &tier;
        }
    }
}

void read_risk(Reader& r, const toml::table& t, RiskConfig& out) {
    const std::string p = "risk";
    std::vector<std::string_view> known = limit_keys();
    known.push_back("max_orders_per_minute_total");
    known.push_back("strategy");
    known.push_back("circuit_breaker");
    r.check_keys(t, p, known);
    if (const toml::table* cb = r.table(t, "circuit_breaker", p)) {
        read_circuit_breaker(r, *cb, out.circuit_breaker);
    }

    RiskLimits written; // only what [risk] sets, and validly
    read_limits(r, t, p, written);
    const auto set = [](auto& field, const auto& value) {
        if (value) {
            field = *value;
        }
    };
    set(out.max_order_lamports, written.max_order_lamports);
    set(out.max_open_positions, written.max_open_positions);
    set(out.max_slippage_bps, written.max_slippage_bps);
    set(out.max_position_lamports, written.max_position_lamports);
    set(out.max_exposure_lamports, written.max_exposure_lamports);
    set(out.max_daily_loss_lamports, written.max_daily_loss_lamports);
    set(out.max_drawdown_bps, written.max_drawdown_bps);
    set(out.max_orders_per_minute, written.max_orders_per_minute);
    set(out.min_liquidity_lamports, written.min_liquidity_lamports);
    set(out.max_fees_per_day_lamports, written.max_fees_per_day_lamports);
    set(out.reject_mint_authority, written.reject_mint_authority);
    set(out.reject_freeze_authority, written.reject_freeze_authority);
    set(out.min_lp_burned_bps, written.min_lp_burned_bps);
    set(out.max_top10_holder_bps, written.max_top10_holder_bps);
    set(out.loss_cooldown_ns, written.loss_cooldown_ns);
    set(out.max_price_age_ns, written.max_price_age_ns);
    // A [risk] key written but invalid is already an error; comparing an
    // override with it (or with the default it failed to replace) would
    // only add a misleading second one.
    RiskLimits g = out.global_limits();
    for (const std::string_view key : limit_keys()) {
        if (t.contains(key)) {
            clear_limit(g, key);
        }
    }
    g = overlay(g, written);
    if (auto v = r.integer(t, "max_orders_per_minute_total", p, {1, 1'000'000})) {
        out.max_orders_per_minute_total = static_cast<uint32_t>(*v);
    }

    for_each_strategy_table(r, t, p, "risk limits", [&](const std::string& name, const std::string& path,
                                                        const toml::table& st) {
        const std::vector<std::string_view> keys = limit_keys();
        r.check_keys(st, path, keys);
        RiskLimits over;
        read_limits(r, st, path, over);
        // Compare with the global values only once they are all read, so a
        // bad global value is reported once, at the global key.
        check_override(r, st, path, over, g);
        out.strategy[name] = over;
    });
}

void read_protection(Reader& r, const toml::table& t, ProtectionConfig& out) {
    const std::string p = "protection";
    r.check_keys(t, p, {"stop_loss_pct", "take_profit_pct", "trailing_stop_pct", "max_hold"});
    const auto bps = [](double pct) { return static_cast<uint32_t>(config_units::scale_decimal(pct, 2)); };
    if (auto v = r.number(t, "stop_loss_pct", p, {0, true, 100, true})) {
        out.stop_loss_bps = std::clamp<uint32_t>(bps(*v), 1, 9999);
    }
    if (auto v = r.number(t, "take_profit_pct", p, {0, true, 100000, false})) {
        out.take_profit_bps = std::max<uint32_t>(1, bps(*v));
    }
    if (auto v = r.number(t, "trailing_stop_pct", p, {0, true, 100, true})) {
        out.trailing_stop_bps = std::clamp<uint32_t>(bps(*v), 1, 9999);
    }
    if (auto v = r.duration_ns(t, "max_hold", p, true)) {
        out.max_hold_ns = *v;
    }
}

// Reads the [runtime] keys present in `t` over `out` (which holds the
// defaults to start from).
void read_runtime_keys(Reader& r, const toml::table& t, const std::string& p, RuntimeLimits& out) {
    if (auto v = r.integer(t, "max_faults", p, {1, 1'000'000})) {
        out.max_faults = static_cast<uint32_t>(*v);
    }
    if (auto v = r.duration_ns(t, "callback_budget", p, true)) {
        out.callback_budget_ns = *v;
    }
    if (auto v = r.duration_ns(t, "hang_timeout", p, true)) {
        if (*v < 10'000'000) {
            r.error(*t.get("hang_timeout"), "'" + join_key(p, "hang_timeout") +
                                                "' must be at least 10ms (the watchdog ticks every 5ms)");
        } else {
            out.hang_timeout_ns = *v;
        }
    }
    if (auto v = r.integer(t, "lua_memory_mb", p, {1, 65536})) {
        out.lua_memory_bytes = static_cast<uint64_t>(*v) << 20;
    }
    if (auto v = r.boolean(t, "lua_jit", p)) {
        out.lua_jit = *v;
    }
}

void read_runtime(Reader& r, const toml::table& t, RuntimeConfig& out) {
    const std::string p = "runtime";
    r.check_keys(t, p, {"max_faults", "callback_budget", "hang_timeout", "lua_memory_mb", "lua_jit", "strategy"});
    read_runtime_keys(r, t, p, out.defaults);
    for_each_strategy_table(r, t, p, "runtime settings", [&](const std::string& name, const std::string& path,
                                                            const toml::table& st) {
        r.check_keys(st, path, {"max_faults", "callback_budget", "hang_timeout", "lua_memory_mb", "lua_jit"});
        RuntimeLimits l = out.defaults;
        read_runtime_keys(r, st, path, l);
        out.strategy[name] = l;
    });
}

void read_control(Reader& r, const toml::table& t, const fs::path& base, ControlConfig& out) {
    const std::string p = "control";
    r.check_keys(t, p, {"socket"});
    if (auto v = r.string(t, "socket", p)) {
        out.socket_path = v->value.empty() ? std::string() : resolve_path(base, v->value);
    }
}

// Writes a strategy parameter as JSON. Returns false (errors recorded) when
// something in it cannot be passed on: NaN/inf or a bad ${...} reference.
bool write_param(Reader& r, JsonWriter& w, const toml::node& n, const std::string& path) {
    switch (n.type()) {
    case toml::node_type::string: {
        auto s = r.resolve_env(n.as_string()->get(), n, path);
        if (!s) {
            return false;
        }
        w.value(*s);
        return true;
    }
    case toml::node_type::integer:
        w.value(n.as_integer()->get());
        return true;
    case toml::node_type::floating_point: {
        const double v = n.as_floating_point()->get();
        if (!std::isfinite(v)) {
            r.error(n, "'" + path + "' must be a finite number, found " +
                           config_units::format_number(v));
            return false;
        }
        // Keep a TOML float recognisably a float in JSON ("60.0", not "60")
        // so a plugin can tell 60.0 from 60 if it cares.
        std::string text = config_units::format_number(v);
        if (text.find_first_of(".e") == std::string::npos) {
            text += ".0";
        }
        w.raw(text);
        return true;
    }
    case toml::node_type::boolean:
        w.value(n.as_boolean()->get());
        return true;
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: {
        std::ostringstream os;
        if (n.is_date()) {
            os << n.as_date()->get();
        } else if (n.is_time()) {
            os << n.as_time()->get();
        } else {
            os << n.as_date_time()->get();
        }
        w.value(os.str());
        return true;
    }
    case toml::node_type::array: {
        bool ok = true;
        w.begin_array();
        size_t i = 0;
        for (const toml::node& item : *n.as_array()) {
            ok = write_param(r, w, item, path + "[" + std::to_string(i++) + "]") && ok;
        }
        w.end_array();
        return ok;
    }
    case toml::node_type::table: {
        bool ok = true;
        w.begin_object();
        for (auto&& [k, v] : *n.as_table()) {
            w.key(k.str());
            ok = write_param(r, w, v, join_key(path, k.str())) && ok;
        }
        w.end_object();
        return ok;
    }
    case toml::node_type::none:
        break;
    }
    return false;
}

void read_strategies(Reader& r, const toml::table& t, std::map<std::string, StrategyConfig>& out) {
    for (auto&& [k, v] : t) {
        const std::string name(k.str());
        const std::string path = join_key("strategies", name);
        bool ok = true;
        if (!valid_strategy_name(name)) {
            r.error(
                k.source().begin.line != 0 ? k.source() : v.source(),
                "strategy name " + config_detail::quote(name) +
                    " is invalid; names must match [a-z0-9_]{1,64} (lowercase letters, digits, _)");
            ok = false;
        }
        if (!v.is_table()) {
            r.error(v, "'" + path + "' must be a table of strategy settings, found " +
                           config_detail::describe_found(v));
            continue;
        }
        const toml::table& st = *v.as_table();
        StrategyConfig sc;
        sc.name = name;
        if (st.contains("enabled")) {
            if (auto e = r.boolean(st, "enabled", path)) {
                sc.enabled = *e;
            } else {
                ok = false;
            }
        }
        JsonWriter w;
        w.begin_object();
        for (auto&& [pk, pv] : st) {
            if (pk.str() == "enabled") {
                continue;
            }
            w.key(pk.str());
            ok = write_param(r, w, pv, join_key(path, pk.str())) && ok;
        }
        w.end_object();
        sc.params_json = w.take();
        if (ok) {
            out.emplace(name, std::move(sc));
        }
    }
}

void read_root(Reader& r, const toml::table& root, const fs::path& base, Config& cfg) {
    r.check_keys(root, "",
                 {"mode", "data_dir", "plugins_dir", "tools_dir", "logging", "feeds", "paper", "risk",
                  "protection", "control", "runtime", "strategies", "signer", "live"});
    if (auto v = r.choice(root, "mode", "", {"paper", "live"})) {
        cfg.mode = *v == "live" ? Mode::Live : Mode::Paper;
    }
    cfg.data_dir = resolve_path(base, cfg.data_dir);
    cfg.plugins_dir = resolve_path(base, cfg.plugins_dir);
    for (const auto& [key, field] :
         {std::pair<std::string_view, std::string*>{"data_dir", &cfg.data_dir},
          std::pair<std::string_view, std::string*>{"plugins_dir", &cfg.plugins_dir}}) {
        if (auto v = r.string(root, key, "")) {
            if (v->value.empty()) {
                r.error(*root.get(key), "'" + std::string(key) + "' must not be empty");
            } else {
                *field = resolve_path(base, v->value);
            }
        }
    }
    if (auto v = r.string(root, "tools_dir", "")) {
        cfg.tools_dir = v->value.empty() ? std::string() : resolve_path(base, v->value);
    }
    if (const toml::table* t = r.table(root, "logging", "")) {
        read_logging(r, *t, cfg.logging);
    }
    if (const toml::table* t = r.table(root, "feeds", "")) {
        read_feeds(r, *t, base, cfg.feeds, root.get("feeds"));
    }
    if (const toml::table* t = r.table(root, "paper", "")) {
        read_paper(r, *t, cfg.paper);
    }
    if (const toml::table* t = r.table(root, "risk", "")) {
        read_risk(r, *t, cfg.risk);
    }
    if (const toml::table* t = r.table(root, "protection", "")) {
        read_protection(r, *t, cfg.protection);
    }
    if (const toml::table* t = r.table(root, "control", "")) {
        read_control(r, *t, base, cfg.control);
    }
    if (const toml::table* t = r.table(root, "runtime", "")) {
        read_runtime(r, *t, cfg.runtime);
    }
    if (const toml::table* t = r.table(root, "strategies", "")) {
        read_strategies(r, *t, cfg.strategies);
    }
    if (const toml::table* t = r.table(root, "signer", "")) {
        config_detail::read_signer(r, *t, base, cfg.signer);
    }
    if (const toml::table* t = r.table(root, "live", "")) {
        config_detail::read_live(r, *t, cfg.live);
    }
}

} // namespace

RuntimeLimits RuntimeConfig::limits_for(const std::string& strategy_name) const {
    const auto it = strategy.find(strategy_name);
    return it == strategy.end() ? defaults : it->second;
}

RiskLimits RiskConfig::global_limits() const {
    RiskLimits g;
    g.max_order_lamports = max_order_lamports;
    g.max_open_positions = max_open_positions;
    g.max_slippage_bps = max_slippage_bps;
    g.max_position_lamports = max_position_lamports;
    g.max_exposure_lamports = max_exposure_lamports;
    g.max_daily_loss_lamports = max_daily_loss_lamports;
    g.max_drawdown_bps = max_drawdown_bps;
    g.max_orders_per_minute = max_orders_per_minute;
    g.min_liquidity_lamports = min_liquidity_lamports;
    g.max_fees_per_day_lamports = max_fees_per_day_lamports;
    g.reject_mint_authority = reject_mint_authority;
    g.reject_freeze_authority = reject_freeze_authority;
    g.min_lp_burned_bps = min_lp_burned_bps;
    g.max_top10_holder_bps = max_top10_holder_bps;
    g.loss_cooldown_ns = loss_cooldown_ns;
    g.max_price_age_ns = max_price_age_ns;
    return g;
}

RiskLimits RiskConfig::limits_for(const std::string& strategy_name) const {
    const auto it = strategy.find(strategy_name);
    return it == strategy.end() ? global_limits() : tightest(global_limits(), it->second);
}

namespace {
template <class T> std::optional<T> lower(const std::optional<T>& a, const std::optional<T>& b) {
    if (!a) {
        return b;
    }
    if (!b) {
        return a;
    }
    return std::min(*a, *b);
}
template <class T> std::optional<T> higher(const std::optional<T>& a, const std::optional<T>& b) {
    if (!a) {
        return b;
    }
    if (!b) {
        return a;
    }
    return std::max(*a, *b);
}
} // namespace

RiskLimits tightest(const RiskLimits& a, const RiskLimits& b) {
    RiskLimits o;
    for (const SolKey& k : kSolKeys) {
        o.*k.field = k.tight == Tight::Lower ? lower(a.*k.field, b.*k.field)
                                             : higher(a.*k.field, b.*k.field);
    }
    for (const PctKey& k : kPctKeys) {
        o.*k.field = k.tight == Tight::Lower ? lower(a.*k.field, b.*k.field)
                                             : higher(a.*k.field, b.*k.field);
    }
    for (const CountKey& k : kCountKeys) {
        o.*k.field = lower(a.*k.field, b.*k.field);
    }
    for (const BoolKey& k : kBoolKeys) {
        o.*k.field = higher(a.*k.field, b.*k.field); // true wins
    }
    for (const DurationKey& k : kDurationKeys) {
        o.*k.field = k.tight == Tight::Lower ? lower(a.*k.field, b.*k.field)
                                             : higher(a.*k.field, b.*k.field);
    }
    return o;
}

std::string ConfigError::to_string() const {
    if (line == 0) {
        return file + ": " + message;
    }
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string Config::socket_path() const {
    if (!control.socket_path.empty()) {
        return control.socket_path;
    }
    return (fs::path(data_dir) / "sniperd.sock").string();
}

std::string Config::signer_journal_path() const {
    if (!signer.journal_path.empty()) {
        return signer.journal_path;
    }
    return (fs::path(data_dir) / "signer.sqlite").string();
}

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) {
            return std::nullopt;
        }
        return std::string(v);
    };
}

ConfigLoadResult load_config_string(std::string_view toml_text, const std::string& source_name,
                                    const EnvLookup& env) {
    ConfigLoadResult result;
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        // Nothing after a syntax error can be trusted, so this is the only error.
        result.errors.push_back(ConfigError{source_name,
                                            static_cast<uint32_t>(e.source().begin.line),
                                            static_cast<uint32_t>(e.source().begin.column),
                                            "TOML syntax error: " + std::string(e.description())});
        return result;
    }

    Reader reader(source_name, env);
    Config cfg;
    cfg.source_path = source_name;
    read_root(reader, root, config_dir(source_name), cfg);
    result.errors = reader.take_errors();
    if (result.errors.empty()) {
        result.config = std::move(cfg);
    }
    return result;
}

ConfigLoadResult load_config_file(const std::string& path, const EnvLookup& env) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ConfigLoadResult result;
        result.errors.push_back(ConfigError{path, 0, 0, "cannot open config file"});
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        ConfigLoadResult result;
        result.errors.push_back(ConfigError{path, 0, 0, "cannot read config file"});
        return result;
    }
    ConfigLoadResult result = load_config_string(text.str(), path, env);
    if (result.config) {
        // Absolute, so a reload finds the same file whatever the daemon's
        // working directory is by then.
        std::error_code ec;
        const fs::path abs = fs::absolute(fs::path(path), ec);
        if (!ec) {
            result.config->source_path = abs.lexically_normal().string();
        }
    }
    return result;
}

std::string check_mode_allowed(const Config& cfg, const EnvLookup& env) {
    // The file alone can never turn on live trading: paper wins unless both
    // the file and the environment say live.
    if (cfg.mode != Mode::Live) {
        return "";
    }
    const auto value = env ? env("SNIPER_TRADING_MODE") : std::nullopt;
    if (!value || *value != "live") {
        const std::string found = value ? "SNIPER_TRADING_MODE=" + config_detail::quote(*value)
                                        : std::string("SNIPER_TRADING_MODE unset");
        return "live trading needs both mode = \"live\" in the config file and "
               "SNIPER_TRADING_MODE=live in the "
               "environment; the file says live but found " +
               found;
    }
    return ""; // both opt-ins: sniperd run goes on to check the signer, RPC and wallet (app/live_preflight)
}

} // namespace sniper
