// config/risk_section.cpp — reads [risk]: the global limits, the circuit
// breaker, and the per-strategy overrides ([risk.strategy.<name>], which may
// only tighten); and how a strategy's limits in force are computed from
// them (RiskConfig::limits_for, tightest).
#include "config/config_common.hpp"
#include "config/units.hpp"

#include <algorithm>
#include <cmath>

namespace sniper {

namespace config_detail {
namespace {

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
    {"refuse_unknown_safety", &RiskLimits::refuse_unknown_safety},
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

} // namespace

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
    set(out.refuse_unknown_safety, written.refuse_unknown_safety);
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

} // namespace config_detail

using namespace config_detail; // the key tables above

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
    g.refuse_unknown_safety = refuse_unknown_safety;
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

} // namespace sniper
