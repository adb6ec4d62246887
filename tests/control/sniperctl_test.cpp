// End-to-end tests of the sniperctl binary against a ControlServer with a
// canned handler in this process: what a trader types, what they see, and
// the exit codes scripts depend on.
//
// Needs sniperctl built first (tests/CMakeLists.txt: add_dependencies on it).
#include "control/control_server.hpp"
#include "control_test_util.hpp"
#include "core/log.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

using namespace sniper;
using sniper::test::TempDir;

namespace {

const std::string kSniperctl = SNIPER_BUILD_DIR "/sniperctl";

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs sniperctl with `args`. `env` overrides (value nullopt = unset) apply
// on top of this process's environment, with SNIPER_DATA_DIR unset unless
// given. `cwd` empty = inherit.
RunResult run_sniperctl(const std::vector<std::string>& args,
                        const std::map<std::string, std::optional<std::string>>& env = {},
                        const std::string& cwd = {}) {
    REQUIRE(::access(kSniperctl.c_str(), X_OK) == 0);
    std::vector<std::string> env_strings;
    std::map<std::string, std::optional<std::string>> overrides = env;
    overrides.emplace("SNIPER_DATA_DIR", std::nullopt);
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string kv = *e;
        const std::string name = kv.substr(0, kv.find('='));
        if (overrides.count(name) == 0) {
            env_strings.push_back(kv);
        }
    }
    for (const auto& [name, value] : overrides) {
        if (value) {
            env_strings.push_back(name + "=" + *value);
        }
    }
    std::vector<char*> envp;
    for (auto& s : env_strings) {
        envp.push_back(s.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings{kSniperctl};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) {
        argv.push_back(s.data());
    }
    argv.push_back(nullptr);

    int out_pipe[2];
    int err_pipe[2];
    REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    if (!cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    }
    pid_t pid = 0;
    const int rc =
        ::posix_spawn(&pid, kSniperctl.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    REQUIRE(rc == 0);

    RunResult result;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    char buf[4096];
    while (open_fds > 0) {
        if (::poll(fds, 2, 20'000) <= 0) {
            break; // a hung sniperctl; waitpid below would hang too, so kill it
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP)) != 0) {
                const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                if (n > 0) {
                    sinks[i]->append(buf, static_cast<std::size_t>(n));
                } else {
                    ::close(fds[i].fd);
                    fds[i].fd = -1;
                    --open_fds;
                }
            }
        }
    }
    for (auto& f : fds) {
        if (f.fd >= 0) {
            ::kill(pid, SIGKILL);
            ::close(f.fd);
        }
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

const std::string kStatusData =
    R"({"mode":"paper","trading_state":"ACTIVE","state_reason":"","uptime_s":3725,)"
    R"("events_processed":123,"strategies_loaded":2,"open_positions":3,)"
    R"("realized_pnl_lamports":1204100000,"intents":10,"rejections":2,"fills":8,"feed":"sim",)"
    R"("future_field":{"x":[1,2.50]}})";

const std::string kStrategiesData =
    R"({"strategies":[{"name":"example_sniper","kind":"native","file":"/p/example_sniper.so",)"
    R"("version":"1.0.0","state":"running","events":100,"intents":5,"errors":0,"last_error":"",)"
    R"("trades":3,"wins":1,"realized_pnl_lamports":120000000},)"
    R"({"name":"lua_momentum","kind":"lua","state":"disabled","errors":4,)"
    R"("last_error":"on_event: attempt to index nil","realized_pnl_lamports":-2500000,"extra":1}]})";

const std::string kMint = "So11111111111111111111111111111111111111112";

const std::string kPositionsData =
    R"({"positions":[{"strategy":"example_sniper","mint":")" + kMint +
    R"(","amount_atoms":123,"cost_lamports":100000000,"value_lamports":110000000,)"
    R"("unrealized_pnl_lamports":10000000,"opened_s":1764547212.5}]})";

// A daemon stand-in: answers by command with canned data and records every
// request line it got.
class CannedDaemon {
  public:
    explicit CannedDaemon(const std::string& socket_path = {}) {
        log::set_level(log::Level::Error);
        const std::string path = socket_path.empty() ? tmp_ / "run/sniperd.sock" : socket_path;
        std::string error;
        server_ = ControlServer::start(
            path, [this](std::string_view req) { return answer(req); }, &error);
        INFO(error);
        REQUIRE(server_ != nullptr);
    }

    const std::string& path() const { return server_->socket_path(); }
    const TempDir& tmp() const { return tmp_; }

    std::vector<std::string> requests() {
        std::lock_guard lock(mu_);
        return requests_;
    }

    std::atomic<bool> refuse{false};
    std::atomic<bool> garbage{false};
    std::atomic<bool> empty_lists{false};
    std::atomic<bool> hostile_reason{false}; // a kill reason that tries to forge output

  private:
    std::string answer(std::string_view req) {
        {
            std::lock_guard lock(mu_);
            requests_.emplace_back(req);
        }
        if (refuse) {
            return control_error("trading is halted: kill switch engaged by \"ops\"");
        }
        if (garbage) {
            return "this is not json";
        }
        auto is = [&](const char* cmd) {
            return req.find(std::string("\"cmd\":\"") + cmd + "\"") != std::string_view::npos;
        };
        if (is("status")) {
            if (hostile_reason) {
                std::string data = kStatusData;
                const std::string forged = R"(\ntrading state: ACTIVE\u001b[32m ok)";
                data.replace(data.find(R"("state_reason":"")"), 17, R"("state_reason":")" + forged + "\"");
                return control_ok(data);
            }
            return control_ok(kStatusData);
        }
        if (is("strategies")) {
            return control_ok(empty_lists ? R"({"strategies":[]})" : kStrategiesData);
        }
        if (is("positions")) {
            return control_ok(empty_lists ? R"({"positions":[]})" : kPositionsData);
        }
        if (is("kill")) {
            return control_ok(R"({"trading_state":"HALTED","reason":"operator kill"})");
        }
        if (is("resume")) {
            return control_ok(R"({"trading_state":"ACTIVE","reason":""})");
        }
        if (is("reload")) {
            return control_ok(R"({"reloaded":true,"strategies_loaded":2,"errors":[]})");
        }
        return control_error("unknown command");
    }

    TempDir tmp_;
    std::mutex mu_;
    std::vector<std::string> requests_;
    std::unique_ptr<ControlServer> server_;
};

} // namespace

TEST_CASE("sniperctl status: human output and --json", "[control][sniperctl]") {
    CannedDaemon daemon;

    SECTION("human") {
        const auto r = run_sniperctl({"--socket", daemon.path(), "status"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("trading state:"));
        CHECK_THAT(r.out, Catch::Contains("ACTIVE"));
        CHECK_THAT(r.out, Catch::Contains("+1.2041"));
        CHECK_THAT(r.out, Catch::Contains("1h 02m 05s"));
        CHECK_THAT(r.out, Catch::Contains("paper"));
        CHECK(r.out.find("future_field") == std::string::npos);
        // Values line up: every line has its value starting at the same column.
        std::size_t column = std::string::npos;
        std::size_t start = 0;
        while (start < r.out.size()) {
            const std::size_t end = r.out.find('\n', start);
            const std::string line = r.out.substr(start, end - start);
            const std::size_t colon = line.find(':');
            REQUIRE(colon != std::string::npos);
            const std::size_t value_at = line.find_first_not_of(' ', colon + 1);
            if (column == std::string::npos) {
                column = value_at;
            }
            CHECK(value_at == column);
            start = end + 1;
        }
        // Missing fields show as "-": sim_time_s is absent, state_reason empty.
        CHECK_THAT(r.out, Catch::Contains("sim time:"));
        CHECK(daemon.requests() == std::vector<std::string>{R"({"cmd":"status"})"});
    }
    SECTION("control characters in a reason are shown escaped, never as a new line") {
        daemon.hostile_reason = true;
        const auto r = run_sniperctl({"--socket", daemon.path(), "status"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains(R"(\ntrading state: ACTIVE\x1b[32m ok)"));
        CHECK(r.out.find('\x1b') == std::string::npos);
        size_t state_lines = 0;
        for (size_t at = 0; (at = r.out.find("\ntrading state:", at)) != std::string::npos; ++at) {
            ++state_lines;
        }
        CHECK(state_lines + (r.out.rfind("trading state:", 0) == 0 ? 1 : 0) == 1);
    }
    SECTION("--json prints the data object verbatim on one line") {
        const auto r = run_sniperctl({"--json", "--socket", daemon.path(), "status"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out == kStatusData + "\n");
        CHECK(r.err.empty());
    }
    SECTION("--json after the command and --socket=PATH work too") {
        const auto r = run_sniperctl({"--socket=" + daemon.path(), "status", "--json"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out == kStatusData + "\n");
    }
}

TEST_CASE("sniperctl strategies and positions print tables", "[control][sniperctl]") {
    CannedDaemon daemon;

    SECTION("strategies") {
        const auto r = run_sniperctl({"--socket", daemon.path(), "strategies"});
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("NAME"));
        CHECK_THAT(r.out, Catch::Contains("PNL SOL"));
        CHECK_THAT(r.out, Catch::Contains("example_sniper"));
        CHECK_THAT(r.out, Catch::Contains("+0.1200"));
        CHECK_THAT(r.out, Catch::Contains("-0.0025"));
        CHECK_THAT(r.out, Catch::Contains("attempt to index nil"));
        // Three lines: header and two rows; the second row's version is "-".
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);
        CHECK_THAT(r.out, Catch::Contains("lua_momentum    lua     -"));
    }
    SECTION("positions") {
        const auto r = run_sniperctl({"--socket", daemon.path(), "positions"});
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("STRATEGY"));
        CHECK_THAT(r.out, Catch::Contains(kMint));
        CHECK_THAT(r.out, Catch::Contains("0.1000"));
        CHECK_THAT(r.out, Catch::Contains("0.1100"));
        CHECK_THAT(r.out, Catch::Contains("+0.0100"));
        CHECK_THAT(r.out, Catch::Contains("2025-12-01T00:00:12Z")); // UTC, ISO-8601
    }
    SECTION("empty lists say so") {
        daemon.empty_lists = true;
        auto r = run_sniperctl({"--socket", daemon.path(), "positions"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out == "no open positions\n");
        r = run_sniperctl({"--socket", daemon.path(), "strategies"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out == "no strategies loaded\n");
    }
    SECTION("--json prints the list verbatim") {
        const auto r = run_sniperctl({"--socket", daemon.path(), "--json", "positions"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out == kPositionsData + "\n");
    }
}

TEST_CASE("sniperctl kill, resume and reload", "[control][sniperctl]") {
    CannedDaemon daemon;

    SECTION("kill sends a default reason and prints the new state") {
        const auto r = run_sniperctl({"--socket", daemon.path(), "kill"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("HALTED"));
        CHECK(daemon.requests() ==
              std::vector<std::string>{R"({"cmd":"kill","reason":"sniperctl kill"})"});
    }
    SECTION("kill --reason is sent escaped") {
        const auto r =
            run_sniperctl({"--socket", daemon.path(), "kill", "--reason", "rug on \"BONK\""});
        REQUIRE(r.exit_code == 0);
        CHECK(daemon.requests() ==
              std::vector<std::string>{R"({"cmd":"kill","reason":"rug on \"BONK\""})"});
    }
    SECTION("resume without --confirm is a usage error and sends nothing") {
        const auto r = run_sniperctl({"--socket", daemon.path(), "resume"});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("re-enables trading"));
        CHECK_THAT(r.err, Catch::Contains("--confirm"));
        CHECK(daemon.requests().empty());
    }
    SECTION("resume --confirm") {
        const auto r = run_sniperctl({"--socket", daemon.path(), "resume", "--confirm"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("ACTIVE"));
        CHECK(daemon.requests() == std::vector<std::string>{R"({"cmd":"resume","confirm":true})"});
    }
    SECTION("reload") {
        const auto r = run_sniperctl({"--socket", daemon.path(), "reload"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("reloaded\n"));
        CHECK(daemon.requests() == std::vector<std::string>{R"({"cmd":"reload"})"});
    }
}

TEST_CASE("sniperctl exit code 1: the daemon refuses or the reply is broken",
          "[control][sniperctl]") {
    CannedDaemon daemon;
    SECTION("ok:false") {
        daemon.refuse = true;
        const auto r = run_sniperctl({"--socket", daemon.path(), "kill"});
        CHECK(r.exit_code == 1);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains("kill switch engaged by \"ops\""));
    }
    SECTION("not JSON") {
        daemon.garbage = true;
        const auto r = run_sniperctl({"--socket", daemon.path(), "status"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("malformed response"));
    }
}

TEST_CASE("sniperctl exit code 2: usage errors", "[control][sniperctl]") {
    CannedDaemon daemon;
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"--socket", daemon.path(), "frobnicate"},
             {"--socket", daemon.path(), "status", "--frob"},
             {"--socket", daemon.path()},
             {"--socket", daemon.path(), "status", "extra"},
             {"--socket", daemon.path(), "status", "--reason", "x"},
             {"--socket", daemon.path(), "kill", "--reason"},
             {"--socket"},
             {"--socket", daemon.path(), "--timeout", "abc", "status"},
         }) {
        const auto r = run_sniperctl(args);
        INFO(args.back() << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("usage: sniperctl"));
    }
    CHECK(daemon.requests().empty());
}

TEST_CASE("sniperctl help and --version", "[control][sniperctl]") {
    auto r = run_sniperctl({"help"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("resume --confirm"));
    r = run_sniperctl({"--help"});
    CHECK(r.exit_code == 0);
    r = run_sniperctl({"--version"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("sniperctl "));
    // One command's help, either way round; an unknown one is a usage error.
    for (const auto& argv : {std::vector<std::string>{"help", "kill"}, std::vector<std::string>{"kill", "--help"}}) {
        r = run_sniperctl(argv);
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("kill --flatten"));
        CHECK(r.out.find("resume --confirm") == std::string::npos);
    }
    r = run_sniperctl({"help", "bogus"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("no command \"bogus\""));
}

TEST_CASE("sniperctl exit code 3: cannot connect names the path and why", "[control][sniperctl]") {
    TempDir tmp;
    SECTION("--socket") {
        const std::string path = tmp / "nobody.sock";
        const auto r = run_sniperctl({"--socket", path, "status"});
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("cannot connect to sniperd at " + path));
        CHECK_THAT(r.err, Catch::Contains("No such file or directory"));
        CHECK_THAT(r.err, Catch::Contains("is it running?"));
        CHECK_THAT(r.err, Catch::Contains("--socket"));
    }
    SECTION("SNIPER_DATA_DIR") {
        const auto r = run_sniperctl({"status"}, {{"SNIPER_DATA_DIR", tmp.path()}});
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("at " + tmp.path() + "/sniperd.sock"));
        CHECK_THAT(r.err, Catch::Contains("SNIPER_DATA_DIR"));
    }
    SECTION("default ./data") {
        const auto r = run_sniperctl({"status"}, {}, tmp.path());
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("at ./data/sniperd.sock"));
        CHECK_THAT(r.err, Catch::Contains("default"));
    }
}

TEST_CASE("sniperctl finds the socket from SNIPER_DATA_DIR, ./data and --config",
          "[control][sniperctl]") {
    TempDir tmp;
    SECTION("SNIPER_DATA_DIR") {
        CannedDaemon daemon(tmp / "d/sniperd.sock");
        const auto r = run_sniperctl({"status"}, {{"SNIPER_DATA_DIR", tmp / "d"}});
        INFO(r.err);
        CHECK(r.exit_code == 0);
    }
    SECTION("./data") {
        CannedDaemon daemon(tmp / "data/sniperd.sock");
        const auto r = run_sniperctl({"status"}, {}, tmp.path());
        INFO(r.err);
        CHECK(r.exit_code == 0);
    }
    SECTION("--socket wins over SNIPER_DATA_DIR") {
        CannedDaemon daemon(tmp / "d/sniperd.sock");
        const auto r = run_sniperctl({"--socket", daemon.path(), "status"},
                                     {{"SNIPER_DATA_DIR", tmp / "elsewhere"}});
        CHECK(r.exit_code == 0);
    }
    SECTION("--config uses the config's data_dir") {
        CannedDaemon daemon(tmp / "cfgdata/sniperd.sock");
        const std::string cfg = tmp / "sniperd.toml";
        std::FILE* f = std::fopen(cfg.c_str(), "w");
        REQUIRE(f != nullptr);
        std::fputs("mode = \"paper\"\ndata_dir = \"cfgdata\"\n", f);
        std::fclose(f);
        const auto r = run_sniperctl({"--config", cfg, "status"});
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("ACTIVE"));
    }
    SECTION("an invalid --config is exit 2 with its errors") {
        const std::string cfg = tmp / "bad.toml";
        std::FILE* f = std::fopen(cfg.c_str(), "w");
        REQUIRE(f != nullptr);
        std::fputs("mode = \"paper\"\nno_such_key = 1\n", f);
        std::fclose(f);
        const auto r = run_sniperctl({"--config", cfg, "status"});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("no_such_key"));
        CHECK_THAT(r.err, Catch::Contains("bad.toml"));
    }
}
