// tests/app/e2e_util.hpp — helpers for the end-to-end tests of the real
// sniperd and sniperctl binaries: a private temporary directory, child
// processes with captured output and bounded waits, config text, and
// read-only SQLite queries.
//
// Every wait has a deadline. A child still running when its Child object
// goes out of scope (a failed REQUIRE, an exception) is killed with SIGKILL
// and reaped, so a failing test never leaves a daemon behind.
#pragma once

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <cerrno>
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sniper::e2e {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline const std::string kBuildDir = SNIPER_BUILD_DIR;
inline const std::string kSourceDir = SNIPER_SOURCE_DIR;
inline const std::string kTestPluginDir = SNIPER_TEST_PLUGIN_DIR;
inline const std::string kSniperd = kBuildDir + "/sniperd";
inline const std::string kSniperctl = kBuildDir + "/sniperctl";

// The longest any single wait in these tests may take.
constexpr auto kMaxWait = 240s;

// ---------------------------------------------------------------- files

// A fresh directory under /tmp, removed with everything in it at scope exit.
// Short on purpose: the control socket path must fit in 107 bytes.
class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/sde2e-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

inline void write_file(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) {
        throw std::runtime_error("cannot write " + path);
    }
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

inline bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

inline mode_t mode_of(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return 0;
    }
    return st.st_mode & 07777;
}

inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    return lines;
}

inline std::vector<std::string> split_words(const std::string& line) {
    std::vector<std::string> words;
    std::istringstream in(line);
    std::string w;
    while (in >> w) {
        words.push_back(w);
    }
    return words;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Copies the named plugins (e.g. "example_sniper") from the build's plugins
// directory into `dir`, creating it.
inline void copy_example_plugins(const std::string& dir, const std::vector<std::string>& names) {
    std::filesystem::create_directories(dir);
    for (const std::string& n : names) {
        const std::string from = kBuildDir + "/plugins/" + n + ".so";
        REQUIRE(exists(from));
        std::filesystem::copy_file(from, dir + "/" + n + ".so",
                                   std::filesystem::copy_options::overwrite_existing);
    }
}

// ---------------------------------------------------------------- processes

// How a child ended: the exit code, 128 + signal when a signal killed it,
// or -1 when it did not end before the deadline (it is then killed).
struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    double seconds = 0;
};

inline std::string describe(const RunResult& r) {
    return "exit " + std::to_string(r.exit_code) + " after " + std::to_string(r.seconds) +
           " s\n--- stdout ---\n" + r.out + "\n--- stderr ---\n" + r.err;
}

// Environment edits for a child: name -> value, or nullopt to unset.
using EnvEdits = std::map<std::string, std::optional<std::string>>;

class Child {
  public:
    // Starts `argv` with stdin from /dev/null and stdout/stderr captured to
    // <out_prefix>.out / <out_prefix>.err. SNIPER_TRADING_MODE and
    // SNIPER_DATA_DIR are unset unless `env` sets them.
    Child(const std::vector<std::string>& argv, const std::string& out_prefix,
          const EnvEdits& env = {})
        : out_path_(out_prefix + ".out"), err_path_(out_prefix + ".err") {
        EnvEdits edits = env;
        edits.emplace("SNIPER_TRADING_MODE", std::nullopt);
        edits.emplace("SNIPER_DATA_DIR", std::nullopt);
        std::vector<std::string> env_strings;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string kv = *e;
            if (edits.count(kv.substr(0, kv.find('='))) == 0) {
                env_strings.push_back(kv);
            }
        }
        for (const auto& [name, value] : edits) {
            if (value) {
                env_strings.push_back(name + "=" + *value);
            }
        }
        std::vector<char*> c_argv;
        for (const std::string& a : argv) {
            c_argv.push_back(const_cast<char*>(a.c_str()));
        }
        c_argv.push_back(nullptr);
        std::vector<char*> c_env;
        for (const std::string& e : env_strings) {
            c_env.push_back(const_cast<char*>(e.c_str()));
        }
        c_env.push_back(nullptr);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        // Signal dispositions and the mask are inherited across exec: start
        // the child with defaults whatever the test runner installed.
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t all;
        sigfillset(&all);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
        const int rc =
            ::posix_spawn(&pid_, c_argv[0], &actions, &attr, c_argv.data(), c_env.data());
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
        }
        started_ = Clock::now();
    }
    ~Child() { kill_and_reap(); }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    bool reaped() const { return reaped_; }

    // True while the child has not exited (reaps it when it has).
    bool running() {
        poll_exit();
        return !reaped_;
    }

    void signal(int sig) {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, sig);
        }
    }

    // Waits up to `timeout` for the child to exit. On timeout the child is
    // killed with SIGKILL and the result's exit_code is -1.
    RunResult wait(std::chrono::milliseconds timeout =
                       std::chrono::duration_cast<std::chrono::milliseconds>(kMaxWait)) {
        const auto deadline =
            Clock::now() +
            std::min<std::chrono::milliseconds>(
                timeout, std::chrono::duration_cast<std::chrono::milliseconds>(kMaxWait));
        while (!reaped_ && Clock::now() < deadline) {
            poll_exit();
            if (!reaped_) {
                std::this_thread::sleep_for(10ms);
            }
        }
        bool timed_out = false;
        if (!reaped_) {
            timed_out = true;
            kill_and_reap();
        }
        RunResult r;
        r.exit_code = timed_out ? -1 : code_;
        r.out = read_file(out_path_);
        r.err = read_file(err_path_);
        r.seconds = std::chrono::duration<double>(ended_ - started_).count();
        return r;
    }

    std::string stdout_text() const { return read_file(out_path_); }
    std::string stderr_text() const { return read_file(err_path_); }

  private:
    void record(int status) {
        reaped_ = true;
        ended_ = Clock::now();
        if (WIFEXITED(status)) {
            code_ = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            code_ = 128 + WTERMSIG(status);
        }
    }
    void poll_exit() {
        if (pid_ <= 0 || reaped_) {
            return;
        }
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            record(status);
        } else if (r < 0 && errno != EINTR) {
            reaped_ = true; // not our child any more; nothing to wait for
            ended_ = Clock::now();
        }
    }
    void kill_and_reap() {
        if (pid_ <= 0 || reaped_) {
            return;
        }
        ::kill(pid_, SIGKILL);
        int status = 0;
        pid_t r = 0;
        do {
            r = ::waitpid(pid_, &status, 0); // SIGKILL cannot be caught: this returns
        } while (r < 0 && errno == EINTR);
        if (r == pid_) {
            record(status);
        } else {
            reaped_ = true;
            ended_ = Clock::now();
        }
    }

    pid_t pid_ = -1;
    bool reaped_ = false;
    int code_ = -1;
    std::string out_path_;
    std::string err_path_;
    Clock::time_point started_{};
    Clock::time_point ended_{};
};

// Runs `argv` to completion (bounded by `timeout`), capturing its output to
// files named after `out_prefix`.
inline RunResult run(const std::vector<std::string>& argv, const std::string& out_prefix,
                     const EnvEdits& env = {},
                     std::chrono::milliseconds timeout =
                         std::chrono::duration_cast<std::chrono::milliseconds>(kMaxWait)) {
    Child c(argv, out_prefix, env);
    return c.wait(timeout);
}

// Polls `ready` every `interval` until it is true, `give_up` is true, or
// the deadline passes. Returns whether `ready` became true.
inline bool poll_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout,
                       const std::function<bool()>& give_up = {},
                       std::chrono::milliseconds interval = 20ms) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (ready()) {
            return true;
        }
        if ((give_up && give_up()) || Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(interval);
    }
}

// ---------------------------------------------------------------- config

// The example strategies' tables, with the parameters of config/paper.toml.
inline std::string example_strategies_toml() {
    return R"toml(
[strategies.example_sniper]
enabled = true
buy_sol = 0.1
max_slippage_bps = 2500
min_liquidity_sol = 10.0
max_top10_pct = 35.0
min_lp_burned_pct = 90.0
take_profit_pct = 60.0
stop_loss_pct = 25.0
max_hold = "10m"

[strategies.example_momentum]
enabled = true
buy_sol = 0.05
lookback = 60
entry_change_pct = 25.0
exit_change_pct = -10.0
take_profit_pct = 40.0
min_liquidity_sol = 30.0
cooldown = "15m"
max_slippage_bps = 300
)toml";
}

// A simulated feed section.
inline std::string sim_feed_toml(const std::string& duration, double speed, double pools_per_minute,
                                 int seed = 42) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "[feeds.sim]\n"
                  "enabled = true\n"
                  "seed = %d\n"
                  "pools_per_minute = %.3f\n"
                  "duration = \"%s\"\n"
                  "update_interval = \"1s\"\n"
                  "speed = %.3f\n",
                  seed, pools_per_minute, duration.c_str(), speed);
    return buf;
}

// A full paper-trading config: absolute data_dir and plugins_dir, the given
// feed section, the paper executor and risk limits of config/paper.toml
// (max_slippage_bps = 3000 so the sniper's 2500 bps entries pass), and the
// example strategies.
inline std::string paper_config_toml(const std::string& data_dir, const std::string& plugins_dir,
                                     const std::string& feed_section,
                                     const std::string& mode = "paper") {
    return "mode = \"" + mode + "\"\n" + "data_dir = \"" + data_dir + "\"\n" + "plugins_dir = \"" +
           plugins_dir + "\"\n" +
           R"toml(
[logging]
level = "info"
format = "json"

)toml" + feed_section +
           R"toml(
[paper]
starting_balance_sol = 10.0
base_fee_lamports = 5000
priority_fee_lamports = 10000
tip_sol = 0.0
landing_delay = "400ms"
failure_rate_pct = 2.0
seed = 7

[risk]
max_order_sol = 0.5
max_open_positions = 10
max_slippage_bps = 3000

[control]
socket = ""
)toml" + example_strategies_toml();
}

// ---------------------------------------------------------------- summary

// The rows of the summary table sniperd prints at exit, by strategy name
// (first word of the line), or empty when there is no header line
// `strategy trades win% pnl_sol max_dd_sol ...`.
inline std::map<std::string, std::vector<std::string>> summary_rows(const std::string& out) {
    std::map<std::string, std::vector<std::string>> rows;
    bool in_table = false;
    for (const std::string& line : split_lines(out)) {
        const auto words = split_words(line);
        if (!in_table) {
            in_table = words.size() >= 5 && words[0] == "strategy" && words[1] == "trades" &&
                       words[2] == "win%" && words[3] == "pnl_sol" && words[4] == "max_dd_sol";
            continue;
        }
        if (words.empty()) {
            break;
        }
        rows[words[0]] = words;
    }
    return rows;
}

// ---------------------------------------------------------------- SQLite

class Db {
  public:
    explicit Db(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            const std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw std::runtime_error("cannot open " + path + " read-only: " + msg);
        }
        sqlite3_busy_timeout(db_, 5000);
    }
    ~Db() { sqlite3_close(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // Every row of `sql` as text columns (NULL as "NULL"); `params` bind as
    // text to ?1, ?2, ...
    std::vector<std::vector<std::string>> rows(const std::string& sql,
                                               const std::vector<std::string>& params = {}) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            throw std::runtime_error("prepare '" + sql + "': " + sqlite3_errmsg(db_));
        }
        for (size_t i = 0; i < params.size(); ++i) {
            sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
        }
        std::vector<std::vector<std::string>> out;
        int rc = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int c = 0; c < sqlite3_column_count(st); ++c) {
                const unsigned char* t = sqlite3_column_text(st, c);
                row.emplace_back(t != nullptr ? reinterpret_cast<const char*>(t) : "NULL");
            }
            out.push_back(std::move(row));
        }
        const std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
        sqlite3_finalize(st);
        if (!err.empty()) {
            throw std::runtime_error("step '" + sql + "': " + err);
        }
        return out;
    }

    int64_t count(const std::string& sql, const std::vector<std::string>& params = {}) {
        const auto r = rows(sql, params);
        if (r.size() != 1 || r[0].size() != 1) {
            throw std::runtime_error("expected one value from '" + sql + "'");
        }
        return std::stoll(r[0][0]);
    }

  private:
    sqlite3* db_ = nullptr;
};


// What `sniperctl --json status` says, as the e2e tests read it.
struct Status {
    std::string mode;
    std::string trading_state;
    std::string state_reason;
    uint64_t strategies_loaded = 0;
    uint64_t open_positions = 0;
};

// Parses `sniperctl --json status` output; nullopt when it is not a JSON
// object with the fields every status has.
inline std::optional<Status> parse_status(const std::string& json) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const simdjson::padded_string padded(json);
    if (parser.parse(padded).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
        return std::nullopt;
    }
    Status s;
    std::string_view text;
    if (doc["mode"].get_string().get(text) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    s.mode = text;
    if (doc["trading_state"].get_string().get(text) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    s.trading_state = text;
    if (doc["state_reason"].get_string().get(text) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    s.state_reason = text;
    if (doc["strategies_loaded"].get_uint64().get(s.strategies_loaded) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    if (doc["open_positions"].get_uint64().get(s.open_positions) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    return s;
}

} // namespace sniper::e2e
