#include "app/control_handler.hpp"

#include "app/reloader.hpp"

#include "control/control_server.hpp"
#include "core/json.hpp"
#include "engine/engine.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <simdjson.h>

namespace sniper {

namespace {

std::string status_json(const EngineSnapshot& s, int64_t uptime_s) {
    JsonWriter w;
    w.begin_object();
    w.kv("mode", mode_name(s.mode));
    w.kv("trading_state", trading_state_name(s.state));
    w.kv("state_reason", s.state_reason);
    w.kv("uptime_s", uptime_s);
    w.kv("events_processed", s.events);
    w.kv("strategies_loaded", static_cast<uint64_t>(s.strategies_loaded));
    w.kv("open_positions", static_cast<uint64_t>(s.positions.size()));
    w.kv("realized_pnl_lamports", s.realized_pnl_lamports);
    w.kv("balance_lamports", s.balance_lamports);
    w.kv("intents", s.intents);
    w.kv("rejections", s.rejections);
    w.kv("fills", s.fills);
    w.kv("failed_orders", s.failed_orders);
    w.kv("feed", s.feed);
    w.kv("feed_rejected_inputs", s.feed_rejected_inputs);
    w.kv("sim_time_s", s.sim_elapsed_ns / kNsPerSec);
    w.key("rejections_by_reason").begin_object();
    for (const auto& [k, v] : s.rejections_by_reason) {
        w.kv(k, v);
    }
    w.end_object();
    w.end_object();
    return w.take();
}

std::string strategies_json(const EngineSnapshot& s) {
    JsonWriter w;
    w.begin_object().key("strategies").begin_array();
    for (const StrategyRow& r : s.strategies) {
        w.begin_object();
        w.kv("name", r.name).kv("kind", r.kind).kv("file", r.file).kv("version", r.version);
        w.kv("state", r.state).kv("events", r.events).kv("intents", r.intents).kv("errors", r.errors);
        w.kv("last_error", r.last_error).kv("trades", r.trades).kv("wins", r.wins);
        w.kv("realized_pnl_lamports", r.realized_pnl_lamports);
        w.kv("max_drawdown_lamports", r.max_drawdown_lamports);
        w.kv("fees_lamports", r.fees_lamports);
        w.kv("hash", r.hash);
        w.kv("load_time_s", r.load_time_ns / kNsPerSec);
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

std::string positions_json(const EngineSnapshot& s) {
    JsonWriter w;
    w.begin_object().key("positions").begin_array();
    for (const PositionRow& p : s.positions) {
        w.begin_object();
        w.kv("strategy", p.strategy).kv("mint", to_base58(p.mint));
        w.kv("amount_atoms", p.amount_atoms).kv("cost_lamports", p.cost_lamports);
        w.kv("value_lamports", p.value_lamports);
        w.kv("unrealized_pnl_lamports",
             static_cast<int64_t>(p.value_lamports) - static_cast<int64_t>(p.cost_lamports));
        w.kv("opened_s", static_cast<double>(p.opened_ns) / 1e9);
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

std::string pnl_json(const EngineSnapshot& s) {
    struct Acc {
        int64_t realized = 0, unrealized = 0;
        uint64_t fees = 0, trades = 0, wins = 0, open = 0;
    };
    std::map<std::string, Acc> by;
    for (const StrategyRow& r : s.strategies) {
        if (r.state == "refused") {
            continue;
        }
        Acc& a = by[r.name];
        a.realized = r.realized_pnl_lamports;
        a.fees = r.fees_lamports;
        a.trades = r.trades;
        a.wins = r.wins;
    }
    int64_t marked = 0;
    for (const PositionRow& p : s.positions) {
        Acc& a = by[p.strategy];
        a.unrealized += static_cast<int64_t>(p.value_lamports) - static_cast<int64_t>(p.cost_lamports);
        ++a.open;
        marked += static_cast<int64_t>(p.value_lamports);
    }
    Acc total;
    JsonWriter w;
    w.begin_object().key("strategies").begin_array();
    for (const auto& [name, a] : by) {
        w.begin_object().kv("name", name).kv("realized_pnl_lamports", a.realized);
        w.kv("unrealized_pnl_lamports", a.unrealized).kv("fees_lamports", a.fees);
        w.kv("trades", a.trades).kv("wins", a.wins).kv("open_positions", a.open).end_object();
        total.realized += a.realized;
        total.unrealized += a.unrealized;
        total.fees += a.fees;
    }
    w.end_array();
    w.kv("realized_pnl_lamports", total.realized).kv("unrealized_pnl_lamports", total.unrealized);
    w.kv("fees_lamports", total.fees).kv("balance_lamports", s.balance_lamports);
    w.kv("equity_lamports", static_cast<int64_t>(s.balance_lamports) + marked);
    w.end_object();
    return w.take();
}

std::string state_json(TradingState st, const std::string& reason) {
    JsonWriter w;
    w.begin_object().kv("trading_state", trading_state_name(st)).kv("reason", reason).end_object();
    return w.take();
}

} // namespace

std::string ControlHandler::handle(std::string_view request) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(request.data(), request.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
        return control_error("expected a JSON object like {\"cmd\":\"status\"}");
    }
    std::string_view cmd;
    if (doc["cmd"].get_string().get(cmd) != simdjson::SUCCESS) {
        return control_error("expected a string field \"cmd\"");
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (cmd == "status") {
        return control_ok(status_json(engine_.snapshot(), (now - start_wall_ns_) / kNsPerSec));
    }
    if (cmd == "strategies") {
        return control_ok(strategies_json(engine_.snapshot()));
    }
    if (cmd == "positions") {
        return control_ok(positions_json(engine_.snapshot()));
    }
    if (cmd == "pnl") {
        return control_ok(pnl_json(engine_.snapshot()));
    }
    if (cmd == "reduce") {
        std::string err;
        if (!engine_.set_trading_state(TradingState::Reducing, "sniperctl reduce", "sniperctl", &err)) {
            return control_error("REDUCING in memory, but " + err);
        }
        return control_ok(state_json(TradingState::Reducing, "sniperctl reduce"));
    }
    if (cmd == "kill") {
        std::string_view reason = "sniperctl kill";
        std::string_view r;
        if (doc["reason"].get_string().get(r) == simdjson::SUCCESS && !r.empty()) {
            reason = r;
        }
        bool flatten = false;
        if (doc["flatten"].get_bool().get(flatten) == simdjson::SUCCESS && flatten) {
            // No new entries from this instant; the exits go out between
            // two events, and HALTED follows when they have all settled.
            const std::string why(reason.substr(0, 512));
            std::string err;
            if (!engine_.set_trading_state(TradingState::Reducing, why + " (flattening)", "sniperctl", &err)) {
                return control_error("REDUCING in memory, but " + err);
            }
            Engine* engine = &engine_;
            engine_.post([engine, why] { engine->flatten_all(why); });
            JsonWriter w;
            w.begin_object().kv("trading_state", "REDUCING").kv("reason", why + " (flattening)");
            w.kv("then", "HALTED once every exit has landed or failed").end_object();
            return control_ok(w.take());
        }
        std::string err;
        const bool ok = engine_.set_trading_state(TradingState::Halted, std::string(reason.substr(0, 512)),
                                                  "sniperctl", &err);
        if (!ok) {
            return control_error("HALTED in memory, but " + err);
        }
        return control_ok(state_json(TradingState::Halted, std::string(reason.substr(0, 512))));
    }
    if (cmd == "resume") {
        bool confirm = false;
        if (doc["confirm"].get_bool().get(confirm) != simdjson::SUCCESS || !confirm) {
            return control_error("resume needs \"confirm\":true (sniperctl resume --confirm)");
        }
        std::string err;
        if (!engine_.set_trading_state(TradingState::Active, "resumed by sniperctl", "sniperctl", &err)) {
            return control_error(err);
        }
        return control_ok(state_json(TradingState::Active, "resumed by sniperctl"));
    }
    if (cmd == "reload") {
        if (reloader_ == nullptr) {
            return control_error("reload is not available in this process");
        }
        const ReloadReport r = reloader_->reload(std::chrono::seconds(10));
        if (!r.ok) {
            std::string msg = "reload refused, nothing changed:";
            for (const std::string& e : r.errors) {
                msg += "\n  " + e;
            }
            return control_error(msg);
        }
        return control_ok(r.to_json());
    }
    if (cmd == "enable" || cmd == "disable") {
        std::string_view name;
        if (doc["name"].get_string().get(name) != simdjson::SUCCESS || name.empty()) {
            return control_error("expected a string field \"name\" (the strategy)");
        }
        return set_enabled(name, cmd == "enable");
    }
    return control_error("unknown command \"" + std::string(cmd.substr(0, 64)) +
                         "\"; expected status|strategies|positions|pnl|kill|reduce|resume|reload|enable|disable");
}

std::string ControlHandler::set_enabled(std::string_view name, bool enabled) {
    struct Outcome {
        bool ok = false;
        std::string error;
    };
    auto done = std::make_shared<std::promise<Outcome>>();
    std::future<Outcome> f = done->get_future();
    Engine* engine = &engine_;
    engine_.post([engine, done, n = std::string(name), enabled] {
        Outcome o;
        o.ok = engine->set_enabled(n, enabled, &o.error);
        done->set_value(std::move(o));
    });
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        return control_error("the event path did not pick this up within 5 s (is a strategy callback "
                             "stuck?); it applies when it does");
    }
    const Outcome o = f.get();
    if (!o.ok) {
        return control_error(o.error);
    }
    JsonWriter w;
    w.begin_object().kv("name", name).kv("state", enabled ? "running" : "disabled").end_object();
    return control_ok(w.take());
}

} // namespace sniper
