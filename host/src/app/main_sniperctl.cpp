// sniperctl — the trader's command line for a running sniperd: status,
// strategies, positions, pnl, risk, the kill switch, resume and reload, over the
// control socket (control/control_server.hpp for the protocol).
//
// Exit codes: 0 ok, 1 sniperd refused or the request failed, 2 usage error,
// 3 cannot connect.
#include "config/config.hpp"
#include "control/control_client.hpp"
#include "control/sniperctl_render.hpp"
#include "core/json.hpp"

#include <simdjson.h>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>
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
  risk                    limits in force, circuit breaker, today's loss and fees, rejections
  tools                   external tools: state, workers, calls, errors by kind, timeouts, restarts, latency
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
    if (args->version) {
        return -1;
    }
    if (args->help) { // `sniperctl CMD --help` is `sniperctl help CMD`
        if (!positional.empty() && positional[0] != "help") {
            args->name = positional[0];
        }
        return -1;
    }
    if (positional.empty()) {
        return usage_error("no command given");
    }
    args->command = positional[0];
    if (args->command == "help") {
        if (positional.size() > 2) {
            return usage_error("help takes at most one command name");
        }
        args->name = positional.size() == 2 ? positional[1] : "";
        return -1;
    }
    const bool takes_name = args->command == "enable" || args->command == "disable";
    if (takes_name) {
        if (positional.size() != 2) {
            return usage_error(args->command + " needs exactly one strategy name");
        }
        args->name = positional[1];
    } else if (positional.size() > 1) {
        return usage_error("unexpected argument \"" + positional[1] + "\" after " + args->command);
    }
    static const char* const kCommands[] = {"status", "strategies", "positions", "pnl",     "risk",    "tools",
                                            "reduce", "kill",       "resume",    "reload",  "enable",  "disable",
                                            "help"};
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
    return sniper::render_response(args.command, raw) ? kExitOk : kExitFailed;
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
        if (args.name.empty()) {
            std::fputs(kUsage, stdout);
            return kExitOk;
        }
        // The usage lines of one command, from the command list.
        std::string text;
        const std::string_view usage(kUsage);
        size_t at = 0;
        while (at < usage.size()) {
            const size_t end = std::min(usage.find('\n', at), usage.size());
            const std::string_view line = usage.substr(at, end - at);
            if (line.starts_with("  " + args.name + " ") || line == "  " + args.name) {
                text += std::string(line) + "\n";
            }
            at = end + 1;
        }
        if (text.empty()) {
            std::fprintf(stderr, "sniperctl: no command \"%s\"; `sniperctl help` lists them\n", args.name.c_str());
            return kExitUsage;
        }
        std::printf("usage: sniperctl [--socket PATH | --config PATH] [--json] %s ...\n%s", args.name.c_str(),
                    text.c_str());
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
