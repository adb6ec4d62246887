// config/feeds_section.cpp — reads [feeds]: the simulated market
// ([feeds.sim] and its regime weights) and the replay ([feeds.replay]),
// and decides which one runs.
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

} // namespace

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

} // namespace sniper::config_detail
