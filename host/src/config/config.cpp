#include "config/config.hpp"

#include "config/config_common.hpp"
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
using config_detail::kIntMax;
using config_detail::kSpeedRange;
using config_detail::kU32Max;
using config_detail::later;
using config_detail::resolve_path;
using config_detail::valid_strategy_name;
using config_detail::for_each_strategy_table;
using config_detail::read_feeds;
using config_detail::read_risk;

namespace config_detail {

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

} // namespace config_detail

namespace {

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
    config_detail::check_watch_rpc(r, root, cfg);
}

} // namespace

RuntimeLimits RuntimeConfig::limits_for(const std::string& strategy_name) const {
    const auto it = strategy.find(strategy_name);
    return it == strategy.end() ? defaults : it->second;
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
