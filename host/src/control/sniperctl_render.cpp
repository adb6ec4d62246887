// control/sniperctl_render.cpp — one renderer per sniperctl command
// (status, strategies, positions, pnl, risk, tools, trading state, reload),
// and render_response, which picks the renderer. The pieces they are built
// from are in sniperctl_format.hpp.
#include "control/sniperctl_render.hpp"

#include "control/sniperctl_format.hpp"

#include <simdjson.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sniper {

using namespace sniperctl; // the display helpers

namespace {

void render_status(const dom::object& d) {
    print_key_values({
        {"mode", text_field(d, "mode")},
        {"trading state", text_field(d, "trading_state")},
        {"state reason", text_field(d, "state_reason")},
        {"uptime", duration_field(d, "uptime_s")},
        {"feed", text_field(d, "feed")},
        {"sim time", duration_field(d, "sim_time_s")},
        {"events processed", text_field(d, "events_processed")},
        {"strategies loaded", text_field(d, "strategies_loaded")},
        {"open positions", text_field(d, "open_positions")},
        {"intents", text_field(d, "intents")},
        {"rejections", text_field(d, "rejections")},
        {"fills", text_field(d, "fills")},
        {"realized pnl (SOL)", sol_field(d, "realized_pnl_lamports", true)},
    });
    // Live: landing figures per route.
    dom::array routes;
    if (d.at_key("landing").get_array().get(routes) == simdjson::SUCCESS && routes.size() > 0) {
        std::vector<std::vector<std::string>> rows;
        for (dom::element e : routes) {
            dom::object r;
            if (e.get_object().get(r) != simdjson::SUCCESS) {
                continue;
            }
            rows.push_back({text_field(r, "route"), text_field(r, "sent"), text_field(r, "landed"),
                            text_field(r, "failed_on_chain"), text_field(r, "expired"), text_field(r, "refused"),
                            text_field(r, "resigns"), text_field(r, "rebroadcasts"),
                            text_field(r, "confirm_ms_p50") + "/" + text_field(r, "confirm_ms_p99"),
                            text_field(r, "confirm_blocks_p50") + "/" + text_field(r, "confirm_blocks_max"),
                            // "-" until a slot at the send was known ([feeds.ws] follows the slots)
                            text_field(r, "confirm_slots_n") == "0"
                                ? std::string("-")
                                : text_field(r, "confirm_slots_p50") + "/" + text_field(r, "confirm_slots_max")});
        }
        std::printf("\nlanding\n");
        print_table({{"route", false}, {"sent", true}, {"landed", true}, {"failed", true}, {"expired", true},
                     {"refused", true}, {"re-signs", true}, {"rebroadcasts", true}, {"confirm ms p50/p99", true},
                     {"blocks p50/max", true}, {"slots p50/max", true}},
                    rows);
    }
    // Push feeds: each live source and its connections.
    dom::array sources;
    if (d.at_key("sources").get_array().get(sources) == simdjson::SUCCESS && sources.size() > 0) {
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> errors;
        for (dom::element e : sources) {
            dom::object r;
            if (e.get_object().get(r) != simdjson::SUCCESS) {
                continue;
            }
            size_t up = 0, total = 0;
            dom::array eps;
            if (r.at_key("endpoints").get_array().get(eps) == simdjson::SUCCESS) {
                for (dom::element ep : eps) {
                    ++total;
                    bool connected = false;
                    if (ep.at_key("connected").get_bool().get(connected) == simdjson::SUCCESS && connected) {
                        ++up;
                    }
                    std::string_view err;
                    if (!connected && ep.at_key("last_error").get_string().get(err) == simdjson::SUCCESS &&
                        !err.empty()) {
                        std::string_view url = "?";
                        if (ep.at_key("url").get_string().get(url) != simdjson::SUCCESS) {
                            url = "?";
                        }
                        errors.push_back("  " + std::string(url) + ": " + std::string(err));
                    }
                }
            }
            const std::string age = text_field(r, "last_event_age_ms");
            rows.push_back({text_field(r, "name"), text_field(r, "state"),
                            total > 0 ? std::to_string(up) + "/" + std::to_string(total) : "-",
                            text_field(r, "events"), text_field(r, "duplicates"), text_field(r, "rejected"),
                            text_field(r, "outages"), text_field(r, "stale_marks"),
                            age == "-1" ? "-" : age});
        }
        std::printf("\nfeed sources\n");
        print_table({{"source", false}, {"state", false}, {"connected", true}, {"events", true},
                     {"duplicates", true}, {"rejected", true}, {"outages", true}, {"stale marks", true},
                     {"last event ms", true}},
                    rows);
        for (const std::string& line : errors) {
            std::printf("%s\n", line.c_str());
        }
    }
}

bool render_strategies(const dom::object& d) {
    const auto arr = list_field(d, "strategies");
    if (!arr) {
        return false;
    }
    std::vector<std::vector<std::string>> rows;
    for (dom::element e : *arr) {
        dom::object s;
        if (e.get_object().get(s) != simdjson::SUCCESS) {
            continue;
        }
        std::string file = text_field(s, "file");
        if (const auto slash = file.rfind('/'); slash != std::string::npos) {
            file = file.substr(slash + 1);
        }
        std::string loaded = "-";
        int64_t at = 0;
        if (const auto t = field(s, "load_time_s"); t && t->get_int64().get(at) == simdjson::SUCCESS && at > 0) {
            const std::time_t tt = static_cast<std::time_t>(at);
            std::tm tm{};
            gmtime_r(&tt, &tm);
            char buf[32];
            std::strftime(buf, sizeof buf, "%H:%M:%SZ", &tm);
            loaded = buf;
        }
        std::string err = text_field(s, "last_error");
        if (const auto nl = err.find('\n'); nl != std::string::npos) {
            err = err.substr(0, nl) + " (--json for the traceback)";
        }
        rows.push_back({text_field(s, "name"), text_field(s, "kind"), file, text_field(s, "version"),
                        text_field(s, "state"), loaded, text_field(s, "events"), text_field(s, "intents"),
                        text_field(s, "trades"), text_field(s, "wins"), text_field(s, "errors"),
                        sol_field(s, "realized_pnl_lamports", true), err});
    }
    if (rows.empty()) {
        std::printf("no strategies loaded\n");
        return true;
    }
    print_table({{"NAME", false},
                 {"KIND", false},
                 {"FILE", false},
                 {"VERSION", false},
                 {"STATE", false},
                 {"LOADED", false},
                 {"EVENTS", true},
                 {"INTENTS", true},
                 {"TRADES", true},
                 {"WINS", true},
                 {"ERRORS", true},
                 {"PNL SOL", true},
                 {"LAST ERROR", false}},
                rows);
    return true;
}

// Basis points as a percent with two decimals ("-" when 0 = off).
std::string pct_of_bps(const dom::object& obj, std::string_view key) {
    uint64_t bps = 0;
    const auto e = field(obj, key);
    if (!e || e->get_uint64().get(bps) != simdjson::SUCCESS || bps == 0) {
        return "off";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%02" PRIu64 "%%", bps / 100, bps % 100);
    return buf;
}

// A limit's name as the config file spells it ([risk] keys): the wire
// carries units (max_order_lamports, max_drawdown_bps, max_price_age_ns),
// the operator wrote max_order_sol, max_drawdown_pct, max_price_age.
std::string config_limit_name(std::string_view key) {
    std::string k(key);
    auto swap_suffix = [&k](std::string_view from, std::string_view to) {
        if (k.ends_with(from)) {
            k = k.substr(0, k.size() - from.size()) + std::string(to);
            return true;
        }
        return false;
    };
    if (k == "max_slippage_bps") {
        return k; // configured in bps
    }
    if (!swap_suffix("_lamports", "_sol") && !swap_suffix("_bps", "_pct")) {
        swap_suffix("_ns", "");
    }
    return k;
}

// One limit value in the unit its name carries.
std::string limit_value(std::string_view key, const dom::element& v) {
    const auto a = amount_of(v);
    bool b = false;
    if (v.get_bool().get(b) == simdjson::SUCCESS) {
        return b ? "yes" : "no";
    }
    if (!a) {
        return simdjson::minify(v);
    }
    if (key.ends_with("_lamports")) {
        return format_sol(*a, false) + " SOL";
    }
    if (key.ends_with("_bps") && key != "max_slippage_bps") {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%" PRIu64 ".%02" PRIu64 "%%", a->magnitude / 100, a->magnitude % 100);
        return buf;
    }
    if (key.ends_with("_ns")) {
        return format_number(static_cast<double>(a->magnitude) / 1e9, 3) + " s";
    }
    return std::to_string(a->magnitude);
}

bool render_tools(const dom::object& d) {
    dom::array list;
    if (d.at_key("tools").get_array().get(list) != simdjson::SUCCESS) {
        std::fprintf(stderr, "sniperctl: the tools response has no \"tools\" list\n");
        return false;
    }
    if (list.size() == 0) {
        std::printf("no tools (set tools_dir in the config)\n");
        return true;
    }
    std::printf("%-20s %-9s %7s %7s %8s %8s %7s %8s %8s %10s %10s\n", "tool", "state", "workers", "busy", "calls",
                "ok", "errors", "timeouts", "restarts", "p50_ms", "p99_ms");
    for (dom::element e : list) {
        dom::object t;
        if (e.get_object().get(t) != simdjson::SUCCESS) {
            continue;
        }
        uint64_t errors = 0;
        dom::object errs;
        if (t.at_key("errors").get_object().get(errs) == simdjson::SUCCESS) {
            for (auto [key, value] : errs) {
                uint64_t n = 0;
                if (key != "timeout" && value.get_uint64().get(n) == simdjson::SUCCESS) {
                    errors += n;
                }
            }
        }
        auto u = [&t](const char* k) {
            uint64_t v = 0;
            return t.at_key(k).get_uint64().get(v) == simdjson::SUCCESS ? v : 0;
        };
        auto ms = [&t](const char* k) {
            int64_t v = 0;
            if (t.at_key(k).get_int64().get(v) != simdjson::SUCCESS) {
                v = 0;
            }
            return format_number(static_cast<double>(v) / 1e6, 3);
        };
        const std::string workers = std::to_string(u("workers_alive")) + "/" + std::to_string(u("workers"));
        std::printf("%-20s %-9s %7s %7" PRIu64 " %8" PRIu64 " %8" PRIu64 " %7" PRIu64 " %8" PRIu64 " %8" PRIu64
                    " %10s %10s\n",
                    text_field(t, "name").c_str(), text_field(t, "state").c_str(),
                    workers.c_str(), u("in_flight"), u("calls"), u("ok"), errors, u("timeouts"), u("restarts"),
                    ms("p50_latency_ns").c_str(), ms("p99_latency_ns").c_str());
    }
    return true;
}

bool render_risk(const dom::object& d) {
    dom::object cb, today, limits, overrides, by_strategy;
    if (d.at_key("circuit_breaker").get_object().get(cb) != simdjson::SUCCESS ||
        d.at_key("today").get_object().get(today) != simdjson::SUCCESS ||
        d.at_key("limits").get_object().get(limits) != simdjson::SUCCESS) {
        std::fprintf(stderr, "sniperctl: the risk response is missing a section\n");
        return false;
    }
    print_key_values({
        {"trading state", text_field(d, "trading_state")},
        {"state reason", text_field(d, "state_reason")},
        {"circuit breaker", text_field(cb, "tier") + ", drawdown " + pct_of_bps(cb, "drawdown_bps") + " from peak " +
                                sol_field(cb, "peak_lamports", false) + " SOL (equity " +
                                sol_field(cb, "equity_lamports", false) + " SOL)"},
        {"breaker tiers", "warning " + pct_of_bps(cb, "warning_bps") + ", reduce " + pct_of_bps(cb, "reduce_bps") +
                              ", halt " + pct_of_bps(cb, "halt_bps")},
        {"breaker reason", text_field(cb, "reason")},
        {"today (UTC)", "realized " + sol_field(today, "realized_pnl_lamports", true) + " SOL, fees " +
                            sol_field(today, "fees_lamports", false) + " SOL"},
        {"decisions", text_field(d, "approved") + " approved, " + text_field(d, "rejected") + " rejected"},
    });
    std::printf("\n");
    std::vector<std::vector<std::string>> rows;
    for (auto [k, v] : limits) {
        rows.push_back({config_limit_name(k), "all", limit_value(k, v)});
    }
    if (d.at_key("overrides").get_object().get(overrides) == simdjson::SUCCESS) {
        for (auto [name, o] : overrides) {
            dom::object lim;
            if (o.get_object().get(lim) != simdjson::SUCCESS) {
                continue;
            }
            for (auto [k, v] : lim) {
                rows.push_back({config_limit_name(k), std::string(name), limit_value(k, v)});
            }
        }
    }
    print_table({{"LIMIT", false}, {"SCOPE", false}, {"VALUE", true}}, rows);
    rows.clear();
    if (d.at_key("rejections_by_strategy").get_object().get(by_strategy) == simdjson::SUCCESS) {
        for (auto [name, m] : by_strategy) {
            dom::object reasons;
            if (m.get_object().get(reasons) != simdjson::SUCCESS) {
                continue;
            }
            for (auto [reason, n] : reasons) {
                rows.push_back({std::string(name), std::string(reason), simdjson::minify(n)});
            }
        }
    }
    std::printf("\n");
    if (rows.empty()) {
        std::printf("no rejections\n");
    } else {
        print_table({{"STRATEGY", false}, {"REJECTED FOR", false}, {"COUNT", true}}, rows);
    }
    return true;
}

bool render_positions(const dom::object& d) {
    const auto arr = list_field(d, "positions");
    if (!arr) {
        return false;
    }
    std::vector<std::vector<std::string>> rows;
    for (dom::element e : *arr) {
        dom::object p;
        if (e.get_object().get(p) != simdjson::SUCCESS) {
            continue;
        }
        std::string opened = "-";
        double secs = 0;
        if (const auto o = field(p, "opened_s");
            o && o->get_double().get(secs) == simdjson::SUCCESS && std::isfinite(secs) && secs >= 0 &&
            secs < 253402300800.0) { // before year 10000
            // UTC, ISO-8601 (host clock: simulated time in sim and replay runs).
            const auto t = static_cast<std::time_t>(secs);
            std::tm tm{};
            char buf[32];
            if (::gmtime_r(&t, &tm) != nullptr && std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) != 0) {
                opened = buf;
            }
        }
        rows.push_back({text_field(p, "strategy"), text_field(p, "mint"),
                        text_field(p, "amount_atoms"), sol_field(p, "cost_lamports", false),
                        sol_field(p, "value_lamports", false),
                        sol_field(p, "unrealized_pnl_lamports", true), opened});
    }
    if (rows.empty()) {
        std::printf("no open positions\n");
        return true;
    }
    print_table({{"STRATEGY", false},
                 {"MINT", false},
                 {"AMOUNT ATOMS", true},
                 {"COST SOL", true},
                 {"VALUE SOL", true},
                 {"UPNL SOL", true},
                 {"OPENED (s)", true}},
                rows);
    return true;
}

bool render_pnl(const dom::object& d) {
    const auto arr = list_field(d, "strategies");
    if (!arr) {
        return false;
    }
    std::vector<std::vector<std::string>> rows;
    for (dom::element e : *arr) {
        dom::object p;
        if (e.get_object().get(p) != simdjson::SUCCESS) {
            continue;
        }
        rows.push_back({text_field(p, "name"), text_field(p, "trades"), text_field(p, "open_positions"),
                        sol_field(p, "realized_pnl_lamports", true),
                        sol_field(p, "unrealized_pnl_lamports", true), sol_field(p, "fees_lamports", false)});
    }
    rows.push_back({"total", "", "", sol_field(d, "realized_pnl_lamports", true),
                    sol_field(d, "unrealized_pnl_lamports", true), sol_field(d, "fees_lamports", false)});
    print_table({{"STRATEGY", false},
                 {"TRADES", true},
                 {"OPEN", true},
                 {"REALIZED SOL", true},
                 {"UNREALIZED SOL", true},
                 {"FEES SOL", true}},
                rows);
    print_key_values({{"balance (SOL)", sol_field(d, "balance_lamports", false)},
                      {"equity (SOL)", sol_field(d, "equity_lamports", false)}});
    return true;
}

void render_trading_state(const dom::object& d) {
    print_key_values(
        {{"trading state", text_field(d, "trading_state")}, {"reason", text_field(d, "reason")}});
}

void render_reload(const dom::object& d) {
    bool reloaded = false;
    const auto r = field(d, "reloaded");
    std::printf("%s\n", r && r->get_bool().get(reloaded) == simdjson::SUCCESS && reloaded
                            ? "reloaded"
                            : "not reloaded");
    std::vector<std::pair<std::string, std::string>> rows;
    for (auto [key, value] : d) {
        if (key == "reloaded") {
            continue;
        }
        rows.emplace_back(std::string(key), value.is_object() || value.is_array()
                                                ? simdjson::minify(value)
                                                : text_field(d, key));
    }
    print_key_values(rows);
}

// Renders `data` for a human. Returns false when it is not what the command
// returns (the daemon and sniperctl disagree on the protocol).
} // namespace

bool render_response(const std::string& command, std::string_view data_json) {
    dom::parser parser;
    dom::element data;
    if (parser.parse(data_json.data(), data_json.size()).get(data) != simdjson::SUCCESS) {
        std::fprintf(stderr, "sniperctl: malformed data in the response from sniperd\n");
        return false;
    }
    dom::object obj;
    if (data.get_object().get(obj) != simdjson::SUCCESS) {
        std::printf("%s\n", simdjson::minify(data).c_str());
        return true;
    }
    if (command == "status") {
        render_status(obj);
        return true;
    }
    if (command == "strategies") {
        return render_strategies(obj);
    }
    if (command == "positions") {
        return render_positions(obj);
    }
    if (command == "kill" || command == "resume" || command == "reduce") {
        render_trading_state(obj);
        if (const auto then = field(obj, "then")) {
            std::printf("then:          %s\n", text_field(obj, "then").c_str());
        }
        return true;
    }
    if (command == "pnl") {
        return render_pnl(obj);
    }
    if (command == "risk") {
        return render_risk(obj);
    }
    if (command == "tools") {
        return render_tools(obj);
    }
    if (command == "enable" || command == "disable") {
        std::printf("%s: %s\n", text_field(obj, "name").c_str(), text_field(obj, "state").c_str());
        return true;
    }
    render_reload(obj);
    return true;
}

} // namespace sniper

