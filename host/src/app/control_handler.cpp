#include "app/control_handler.hpp"

#include "app/control_views.hpp"
#include "app/reloader.hpp"

#include "control/control_server.hpp"
#include "core/json.hpp"
#include "engine/engine.hpp"
#include "tools/tool_runner.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <simdjson.h>

namespace sniper {

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
    if (cmd == "risk") {
        return control_ok(risk_json(engine_.snapshot()));
    }
    if (cmd == "tools") {
        return control_ok(tools_json(engine_.tool_stats()));
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
                         "\"; expected status|strategies|positions|pnl|risk|kill|reduce|resume|reload|enable|disable");
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
