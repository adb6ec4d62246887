// sniperctl — the trader's command line for a running sniperd: status,
// strategies, positions, the kill switch, resume and reload, over the
// control socket (control/control_server.hpp for the protocol).
//
// Exit codes: 0 ok, 1 sniperd refused or the request failed, 2 usage error,
// 3 cannot connect.
#include "config/config.hpp"
#include "control/control_client.hpp"
#include "core/json.hpp"

#include <simdjson.h>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef SNIPER_VERSION
// The build defines it for sniperd; keep sniperctl buildable on its own.
#define SNIPER_VERSION "0.1.0"
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitCannotConnect = 3;
constexpr int64_t kDefaultTimeoutMs = 10'000;

constexpr const char* kUsage =
    R"(usage: sniperctl [--socket PATH | --config PATH] [--json] [--timeout SECONDS] COMMAND [ARGS]

Talks to a running sniperd over its control socket.

commands:
  status                  mode, trading state and counters
  strategies              loaded strategies and their statistics
  positions               open positions: cost, value, unrealized PnL
  pnl                     realized and unrealized PnL, fees, balance, equity
  kill [--reason TEXT]    halt trading now (the kill switch)
  kill --flatten          exit every position first (REDUCING), then HALTED
  reduce                  exits only: no new positions
  resume --confirm        re-enable trading after a kill
  reload                  rescan the plugins folder and re-read the config (like SIGHUP)
  enable NAME             let a disabled or failed strategy receive events again
  disable NAME            stop sending events to a strategy (its positions stay)
  help                    show this help

options:
  --socket PATH           the control socket to use (wins over --config)
  --config PATH           use the socket of this sniperd config file
  --json                  print the response data as one line of JSON
  --timeout SECONDS       how long to wait for sniperd (default 10)
  --version               print the version and exit

Without --socket or --config the socket is $SNIPER_DATA_DIR/sniperd.sock,
or ./data/sniperd.sock when SNIPER_DATA_DIR is not set.
SOL amounts are shown with 4 decimals.

exit codes: 0 ok, 1 sniperd refused or the request failed, 2 usage error,
            3 cannot connect to sniperd
)";

struct Args {
    std::string socket;
    std::string config;
    bool json = false;
    int64_t timeout_ms = kDefaultTimeoutMs;
    std::string command;
    std::string name; // enable / disable
    std::optional<std::string> reason;
    bool confirm = false;
    bool flatten = false;
    bool help = false;
    bool version = false;
};

int usage_error(const std::string& message) {
    std::fprintf(stderr, "sniperctl: %s\n\n%s", message.c_str(), kUsage);
    return kExitUsage;
}

// Returns -1 on success, else the exit code to return.
int parse_args(int argc, char** argv, Args* args) {
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::optional<std::string> inline_value;
        if (arg.rfind("--", 0) == 0) {
            const auto eq = arg.find('=');
            if (eq != std::string::npos) {
                inline_value = arg.substr(eq + 1);
                arg.resize(eq);
            }
        }
        auto take_value = [&](std::string* out) -> bool {
            if (inline_value) {
                *out = *inline_value;
                return true;
            }
            if (i + 1 >= argc) {
                return false;
            }
            *out = argv[++i];
            return true;
        };
        auto no_value = [&]() -> int {
            return inline_value ? usage_error(arg + " takes no value") : -1;
        };

        if (arg == "--socket" || arg == "--config") {
            std::string* out = arg == "--socket" ? &args->socket : &args->config;
            if (!take_value(out) || out->empty()) {
                return usage_error(arg + " needs a path");
            }
        } else if (arg == "--reason") {
            std::string reason;
            if (!take_value(&reason) || reason.empty()) {
                return usage_error("--reason needs a text");
            }
            args->reason = std::move(reason);
        } else if (arg == "--timeout") {
            std::string text;
            if (!take_value(&text)) {
                return usage_error("--timeout needs a number of seconds");
            }
            char* end = nullptr;
            errno = 0;
            const double secs = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || errno != 0 || !(secs > 0) || secs > 3600) {
                return usage_error("--timeout must be a number of seconds in (0, 3600], got \"" +
                                   text + "\"");
            }
            args->timeout_ms = static_cast<int64_t>(std::ceil(secs * 1000));
        } else if (arg == "--flatten") {
            if (const int rc = no_value(); rc >= 0) {
                return rc;
            }
            args->flatten = true;
        } else if (arg == "--json" || arg == "--confirm" || arg == "--version" || arg == "--help" ||
                   arg == "-h") {
            if (const int rc = no_value(); rc >= 0) {
                return rc;
            }
            if (arg == "--json") {
                args->json = true;
            } else if (arg == "--confirm") {
                args->confirm = true;
            } else if (arg == "--version") {
                args->version = true;
            } else {
                args->help = true;
            }
        } else if (arg.size() > 1 && arg[0] == '-') {
            return usage_error("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (args->help || args->version) {
        return -1;
    }
    if (positional.empty()) {
        return usage_error("no command given");
    }
    args->command = positional[0];
    const bool takes_name = args->command == "enable" || args->command == "disable";
    if (takes_name) {
        if (positional.size() != 2) {
            return usage_error(args->command + " needs exactly one strategy name");
        }
        args->name = positional[1];
    } else if (positional.size() > 1) {
        return usage_error("unexpected argument \"" + positional[1] + "\" after " + args->command);
    }
    static const char* const kCommands[] = {"status", "strategies", "positions", "pnl", "reduce", "kill",
                                            "resume", "reload",     "enable",    "disable", "help"};
    bool known = false;
    for (const char* c : kCommands) {
        known = known || args->command == c;
    }
    if (!known) {
        return usage_error("unknown command \"" + args->command + "\"");
    }
    if (args->flatten && args->command != "kill") {
        return usage_error("--flatten only applies to kill");
    }
    if (args->reason && args->command != "kill") {
        return usage_error("--reason only applies to kill");
    }
    if (args->confirm && args->command != "resume") {
        return usage_error("--confirm only applies to resume");
    }
    if (args->command == "resume" && !args->confirm) {
        // Not the usage text: the point is to make the trader stop and read.
        std::fprintf(stderr,
                     "sniperctl: resume re-enables trading: strategies may open new positions "
                     "with real effect.\n"
                     "sniperctl: if that is what you want, run: sniperctl resume --confirm\n");
        return kExitUsage;
    }
    return -1;
}

std::string build_request(const Args& args) {
    sniper::JsonWriter w;
    w.begin_object().kv("cmd", args.command);
    if (args.command == "kill") {
        w.kv("reason", args.reason.value_or("sniperctl kill"));
        if (args.flatten) {
            w.kv("flatten", true);
        }
    } else if (args.command == "resume") {
        w.kv("confirm", true);
    } else if (args.command == "enable" || args.command == "disable") {
        w.kv("name", args.name);
    }
    w.end_object();
    return w.take();
}

// --- rendering -------------------------------------------------------------

namespace dom = simdjson::dom;

// A signed amount of base units that may exceed int64 on the positive side.
struct Amount {
    bool negative = false;
    uint64_t magnitude = 0;
};

std::optional<dom::element> field(const dom::object& obj, std::string_view key) {
    dom::element e;
    if (obj.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
        return std::nullopt;
    }
    return e;
}

std::optional<Amount> amount_of(const dom::element& e) {
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    if (e.get_int64().get(i) == simdjson::SUCCESS) {
        return Amount{i < 0, i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i)};
    }
    if (e.get_uint64().get(u) == simdjson::SUCCESS) {
        return Amount{false, u};
    }
    if (e.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && std::fabs(d) < 9.2e18) {
        const int64_t r = std::llround(d);
        return Amount{r < 0, r < 0 ? 0 - static_cast<uint64_t>(r) : static_cast<uint64_t>(r)};
    }
    return std::nullopt;
}

// Lamports as SOL with 4 decimals, rounded half away from zero in integer
// arithmetic (1 SOL = 1e9 lamports; 0.0001 SOL = 100000 lamports).
std::string format_sol(const Amount& a, bool show_plus) {
    uint64_t units = a.magnitude / 100000;
    if (a.magnitude % 100000 >= 50000) {
        ++units;
    }
    const char* sign =
        a.negative && a.magnitude != 0 ? "-" : (show_plus && a.magnitude != 0 ? "+" : "");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%04" PRIu64, sign, units / 10000, units % 10000);
    return buf;
}

std::string sol_field(const dom::object& obj, std::string_view key, bool show_plus) {
    const auto e = field(obj, key);
    if (!e) {
        return "-";
    }
    const auto a = amount_of(*e);
    return a ? format_sol(*a, show_plus) : "-";
}

std::string format_number(double d, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, d);
    return buf;
}

// Any scalar as display text; missing, null and empty strings are "-".
std::string text_field(const dom::object& obj, std::string_view key) {
    const auto e = field(obj, key);
    if (!e) {
        return "-";
    }
    std::string_view s;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    bool b = false;
    if (e->get_string().get(s) == simdjson::SUCCESS) {
        return s.empty() ? "-" : std::string(s);
    }
    if (e->get_int64().get(i) == simdjson::SUCCESS) {
        return std::to_string(i);
    }
    if (e->get_uint64().get(u) == simdjson::SUCCESS) {
        return std::to_string(u);
    }
    if (e->get_double().get(d) == simdjson::SUCCESS) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", d);
        return buf;
    }
    if (e->get_bool().get(b) == simdjson::SUCCESS) {
        return b ? "yes" : "no";
    }
    return simdjson::minify(*e);
}

// Seconds as "45s", "3m 05s", "2h 03m 04s", "1d 02h 03m".
std::string duration_field(const dom::object& obj, std::string_view key) {
    const auto e = field(obj, key);
    std::optional<Amount> a;
    if (e) {
        a = amount_of(*e);
    }
    if (!a || a->negative) {
        return text_field(obj, key);
    }
    const uint64_t s = a->magnitude;
    char buf[64];
    if (s < 60) {
        std::snprintf(buf, sizeof buf, "%" PRIu64 "s", s);
    } else if (s < 3600) {
        std::snprintf(buf, sizeof buf, "%" PRIu64 "m %02" PRIu64 "s", s / 60, s % 60);
    } else if (s < 86400) {
        std::snprintf(buf, sizeof buf, "%" PRIu64 "h %02" PRIu64 "m %02" PRIu64 "s", s / 3600,
                      s / 60 % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%" PRIu64 "d %02" PRIu64 "h %02" PRIu64 "m", s / 86400,
                      s / 3600 % 24, s / 60 % 60);
    }
    return buf;
}

void print_key_values(const std::vector<std::pair<std::string, std::string>>& rows) {
    std::size_t width = 0;
    for (const auto& [k, v] : rows) {
        width = std::max(width, k.size() + 1);
    }
    for (const auto& [k, v] : rows) {
        const std::string label = k + ":";
        std::printf("%-*s %s\n", static_cast<int>(width), label.c_str(), v.c_str());
    }
}

struct Column {
    const char* header;
    bool right_align;
};

void print_table(const std::vector<Column>& columns,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
        width[c] = std::strlen(columns[c].header);
        for (const auto& row : rows) {
            width[c] = std::max(width[c], row[c].size());
        }
    }
    auto print_row = [&](auto cell_at) {
        std::string line;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const std::string cell = cell_at(c);
            const std::size_t pad = width[c] - cell.size();
            const bool last = c + 1 == columns.size();
            if (c > 0) {
                line += "  ";
            }
            if (columns[c].right_align) {
                line.append(pad, ' ');
                line += cell;
            } else {
                line += cell;
                if (!last) {
                    line.append(pad, ' ');
                }
            }
        }
        std::printf("%s\n", line.c_str());
    };
    print_row([&](std::size_t c) { return std::string(columns[c].header); });
    for (const auto& row : rows) {
        print_row([&](std::size_t c) { return row[c]; });
    }
}

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
}

// The array under `key`, or nullopt (with a message) when it is not one.
std::optional<dom::array> list_field(const dom::object& d, std::string_view key) {
    dom::array arr;
    if (d.at_key(key).get_array().get(arr) != simdjson::SUCCESS) {
        std::fprintf(stderr, "sniperctl: the response has no \"%.*s\" list\n",
                     static_cast<int>(key.size()), key.data());
        return std::nullopt;
    }
    return arr;
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
        rows.push_back({text_field(s, "name"), text_field(s, "kind"), text_field(s, "version"),
                        text_field(s, "state"), text_field(s, "events"), text_field(s, "intents"),
                        text_field(s, "trades"), text_field(s, "wins"), text_field(s, "errors"),
                        sol_field(s, "realized_pnl_lamports", true), text_field(s, "last_error")});
    }
    if (rows.empty()) {
        std::printf("no strategies loaded\n");
        return true;
    }
    print_table({{"NAME", false},
                 {"KIND", false},
                 {"VERSION", false},
                 {"STATE", false},
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
            o && o->get_double().get(secs) == simdjson::SUCCESS) {
            opened = format_number(secs, 1);
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
bool render_human(const std::string& command, std::string_view data_json) {
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
    if (command == "enable" || command == "disable") {
        std::printf("%s: %s\n", text_field(obj, "name").c_str(), text_field(obj, "state").c_str());
        return true;
    }
    render_reload(obj);
    return true;
}

// --- the exchange ----------------------------------------------------------

struct SocketChoice {
    std::string path;
    std::string because;
};

// Returns -1 on success, else the exit code.
int resolve_socket(const Args& args, SocketChoice* out) {
    if (!args.socket.empty()) {
        *out = {args.socket, "of --socket"};
        return -1;
    }
    if (!args.config.empty()) {
        const auto loaded = sniper::load_config_file(args.config);
        if (!loaded.errors.empty() || !loaded.config) {
            for (const auto& e : loaded.errors) {
                std::fprintf(stderr, "%s\n", e.to_string().c_str());
            }
            std::fprintf(stderr, "sniperctl: config %s is invalid\n", args.config.c_str());
            return kExitUsage;
        }
        *out = {loaded.config->socket_path(), "of --config " + args.config};
        return -1;
    }
    if (const char* dir = std::getenv("SNIPER_DATA_DIR"); dir != nullptr && *dir != '\0') {
        std::string path = dir;
        if (path.back() != '/') {
            path += '/';
        }
        *out = {path + "sniperd.sock", "SNIPER_DATA_DIR=" + std::string(dir)};
        return -1;
    }
    *out = {"./data/sniperd.sock", "that is the default (./data)"};
    return -1;
}

// Returns the exit code.
int handle_response(const Args& args, const std::string& response) {
    simdjson::padded_string padded(response);
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    bool ok = false;
    if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(obj) != simdjson::SUCCESS ||
        obj["ok"].get_bool().get(ok) != simdjson::SUCCESS) {
        std::fprintf(stderr, "sniperctl: malformed response from sniperd: %s\n", response.c_str());
        return kExitFailed;
    }
    if (!ok) {
        std::string_view error;
        if (obj["error"].get_string().get(error) != simdjson::SUCCESS) {
            error = "(no error message)";
        }
        std::fprintf(stderr, "sniperctl: sniperd refused %s: %.*s\n", args.command.c_str(),
                     static_cast<int>(error.size()), error.data());
        return kExitFailed;
    }
    simdjson::ondemand::value data;
    simdjson::ondemand::json_type type;
    std::string_view raw;
    if (obj["data"].get(data) != simdjson::SUCCESS || data.type().get(type) != simdjson::SUCCESS) {
        std::fprintf(stderr, "sniperctl: malformed response from sniperd (no data): %s\n",
                     response.c_str());
        return kExitFailed;
    }
    simdjson::error_code ec = simdjson::SUCCESS;
    if (type == simdjson::ondemand::json_type::object) {
        simdjson::ondemand::object o;
        ec = data.get_object().get(o);
        if (ec == simdjson::SUCCESS) {
            ec = o.raw_json().get(raw);
        }
    } else if (type == simdjson::ondemand::json_type::array) {
        simdjson::ondemand::array a;
        ec = data.get_array().get(a);
        if (ec == simdjson::SUCCESS) {
            ec = a.raw_json().get(raw);
        }
    } else {
        raw = data.raw_json_token();
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r')) {
            raw.remove_suffix(1);
        }
    }
    if (ec != simdjson::SUCCESS) {
        std::fprintf(stderr, "sniperctl: malformed response from sniperd: %s\n", response.c_str());
        return kExitFailed;
    }
    if (args.json) {
        std::printf("%.*s\n", static_cast<int>(raw.size()), raw.data());
        return kExitOk;
    }
    return render_human(args.command, raw) ? kExitOk : kExitFailed;
}

} // namespace

int main(int argc, char** argv) {
    Args args;
    if (const int rc = parse_args(argc, argv, &args); rc >= 0) {
        return rc;
    }
    if (args.version) {
        std::printf("sniperctl %s\n", SNIPER_VERSION);
        return kExitOk;
    }
    if (args.help || args.command == "help") {
        std::fputs(kUsage, stdout);
        return kExitOk;
    }

    SocketChoice socket;
    if (const int rc = resolve_socket(args, &socket); rc >= 0) {
        return rc;
    }
    const auto result = sniper::control_call(socket.path, build_request(args), args.timeout_ms);
    if (result.status == sniper::ControlCallStatus::CannotConnect) {
        std::fprintf(stderr,
                     "sniperctl: cannot connect to sniperd at %s: %s; is it running? "
                     "(looked at %s because %s)\n",
                     socket.path.c_str(), result.error.c_str(), socket.path.c_str(),
                     socket.because.c_str());
        return kExitCannotConnect;
    }
    if (result.status != sniper::ControlCallStatus::Ok) {
        std::fprintf(stderr, "sniperctl: %s request to sniperd at %s failed: %s\n",
                     args.command.c_str(), socket.path.c_str(), result.error.c_str());
        return kExitFailed;
    }
    return handle_response(args, result.response);
}
