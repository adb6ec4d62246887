// tests/app/e2e_workspace.hpp — one end-to-end test's private world (temp
// directory, data dir, plugins dir, config) and the helpers the daemon
// tests share: run sniperctl against it, read its status, wait until the
// example strategies are loaded, tails of long logs for failure messages.
#pragma once

#include "e2e_util.hpp"

namespace sniper::e2e {

inline const std::vector<std::string> kExamples = {"example_sniper", "example_momentum"};

// A small simulated market that still gives both example strategies fills
// (measured: ~1.5 s in a Debug build).
inline std::string small_sim() {
    return sim_feed_toml("8m", 0.0, 4.0);
}

// One test's private world: temporary directory, data dir, plugins dir and
// config path, all absolute.
struct Workspace {
    TempDir tmp;
    std::string data_dir = tmp / "data";
    std::string plugins_dir = tmp / "plugins";
    std::string config = tmp / "sniperd.toml";
    int outputs = 0;

    std::string socket() const { return data_dir + "/sniperd.sock"; }
    std::string db() const { return data_dir + "/sniperd.db"; }
    // A fresh prefix for a child's captured output.
    std::string out(const std::string& name) {
        return tmp / (std::to_string(++outputs) + "-" + name);
    }
};

// The last `n` characters of `text`, for failure messages (logs are long).
inline std::string tail(const std::string& text, size_t n = 3000) {
    return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

inline std::string brief(const RunResult& r) {
    return "exit " + std::to_string(r.exit_code) + " after " + std::to_string(r.seconds) +
           " s\n--- stdout (tail) ---\n" + tail(r.out) + "\n--- stderr (tail) ---\n" + tail(r.err);
}

inline RunResult sniperctl(Workspace& w, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kSniperctl, "--socket", w.socket()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, w.out("sniperctl"), {}, 30s);
}


// `sniperctl --json status`, parsed; nullopt when the call or parse failed.
inline std::optional<Status> json_status(Workspace& w) {
    const RunResult r = sniperctl(w, {"--json", "status"});
    if (r.exit_code != 0) {
        return std::nullopt;
    }
    return parse_status(r.out);
}

// Waits until the daemon answers status with both example strategies
// loaded. Gives up early when the daemon exits.
inline bool wait_ready(Workspace& w, Child& daemon) {
    return poll_until(
        [&] {
            const auto s = json_status(w);
            return s && s->strategies_loaded == kExamples.size();
        },
        45s, [&] { return !daemon.running(); }, 100ms);
}

// True when some line of `text` contains every one of `needles`.
inline bool some_line_has(const std::string& text, const std::vector<std::string>& needles) {
    for (const std::string& line : split_lines(text)) {
        bool all = true;
        for (const std::string& n : needles) {
            all = all && contains(line, n);
        }
        if (all) {
            return true;
        }
    }
    return false;
}

// Rows of the trade journal the replay test compares.
inline std::vector<std::vector<std::string>> fills_of(const std::string& db_path) {
    Db db(db_path);
    return db.rows("SELECT strategy, side, mint, in_amount, out_amount FROM fills ORDER BY id");
}

} // namespace sniper::e2e
