// End-to-end reproductions of the hostile test pass (issue 9), each against
// the real sniperd and sniperctl: a journal that cannot write (the file
// size limit stands in for a full disk), 200 idle control connections, a
// replay with a far-future line and swapped neighbours, a replay whose
// reserves are u64-sized (run under UBSan in CI).
#include "e2e_workspace.hpp"

#include "core/types.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <sys/socket.h>
#include <sys/un.h>

using namespace sniper::e2e;

namespace {

// Index of the first line of `lines` containing every needle, or npos.
size_t first_line(const std::vector<std::string>& lines, const std::vector<std::string>& needles,
                  size_t from = 0) {
    for (size_t i = from; i < lines.size(); ++i) {
        if (std::all_of(needles.begin(), needles.end(), [&](const std::string& n) { return contains(lines[i], n); })) {
            return i;
        }
    }
    return std::string::npos;
}

size_t count_lines(const std::vector<std::string>& lines, const std::string& needle, size_t from = 0,
                   size_t to = std::string::npos) {
    size_t n = 0;
    for (size_t i = from; i < std::min(to, lines.size()); ++i) {
        n += contains(lines[i], needle) ? 1 : 0;
    }
    return n;
}

int connect_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

const std::string kPool = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
const std::string kMint = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const std::string kSol = "So11111111111111111111111111111111111111112";

std::string pool_update(int64_t t, uint64_t slot, const std::string& base, const std::string& quote) {
    return R"({"type":"pool_update","source_ns":)" + std::to_string(t) + R"(,"slot":)" + std::to_string(slot) +
           R"(,"pool":")" + kPool + R"(","base_mint":")" + kMint + R"(","base_reserve_atoms":)" + base +
           R"(,"quote_reserve_lamports":)" + quote + "}";
}

} // namespace

namespace {
// A 2 MB tmpfs mounted on `dir` (mode 0700) for as long as it lives, when
// this process may mount (root); mounted() says whether it is.
struct SmallTmpfs {
    std::string dir;
    bool ok = false;
    explicit SmallTmpfs(std::string d) : dir(std::move(d)) {
        if (::geteuid() != 0) {
            return;
        }
        std::filesystem::create_directories(dir);
        ok = std::system(("mount -t tmpfs -o size=2m,mode=0700 tmpfs '" + dir + "' 2>/dev/null").c_str()) == 0;
    }
    ~SmallTmpfs() {
        if (ok) {
            [[maybe_unused]] const int rc = std::system(("umount -l '" + dir + "' 2>/dev/null").c_str());
        }
    }
    bool mounted() const { return ok; }
};
} // namespace

TEST_CASE("a journal that cannot write halts trading before the fill is reported", "[app][e2e][hardening]") {
    Workspace w;
    copy_example_plugins(w.plugins_dir, kExamples);
    write_file(w.config, paper_config_toml(w.data_dir, w.plugins_dir, sim_feed_toml("48h", 0.0, 6.0)));
    // A full disk: the data folder on a 2 MB tmpfs where the test may mount
    // one (root); otherwise, without root, every file the daemon writes may
    // grow to 1 MiB (SIGXFSZ ignored, so a write past it fails with EFBIG as
    // on a full disk) — the journal's WAL reaches it first.
    const SmallTmpfs disk(w.data_dir);
    INFO((disk.mounted() ? "data_dir on a 2 MB tmpfs" : "data_dir under a 1 MiB file size limit"));
    const std::vector<std::string> argv =
        disk.mounted() ? std::vector<std::string>{kSniperd, "run", "--config", w.config, "--for", "120s"}
                       : std::vector<std::string>{"/bin/bash", "-c", "trap '' XFSZ; ulimit -f 1024; exec \"$@\"",
                                                  "bash", kSniperd, "run", "--config", w.config, "--for", "120s"};
    const RunResult r = run(argv, w.out("diskfull"), {}, 150s);
    INFO(brief(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "sniperd: the journal reported a write error"));
    const std::vector<std::string> log = split_lines(r.err);
    const size_t failed = first_line(log, {"\"component\":\"store\"", "journal failed"});
    REQUIRE(failed != std::string::npos);
    const size_t halted = first_line(log, {"trading state changed", "\"trading_state\":\"HALTED\""});
    REQUIRE(halted != std::string::npos);
    CHECK(halted > failed);
    // Nothing reported as filled once the journal failed: every fill in the
    // log is in the journal.
    const size_t logged = count_lines(log, "\"msg\":\"paper buy filled\"") +
                          count_lines(log, "\"msg\":\"paper sell filled\"");
    CHECK(count_lines(log, "paper buy filled", failed) + count_lines(log, "paper sell filled", failed) == 0);
    uint64_t journaled = 0;
    {
        Db db(w.db());
        journaled = std::stoull(db.rows("SELECT COUNT(*) FROM fills")[0][0]);
    }
    CHECK(logged > 0);
    CHECK(logged <= journaled);
}

TEST_CASE("200 idle control connections cannot stop a kill", "[app][e2e][hardening]") {
    Workspace w;
    copy_example_plugins(w.plugins_dir, kExamples);
    write_file(w.config, paper_config_toml(w.data_dir, w.plugins_dir, sim_feed_toml("6h", 60.0, 4.0)));
    Child daemon({kSniperd, "run", "--config", w.config, "--for", "120s"}, w.out("daemon"));
    const bool ready = wait_ready(w, daemon);
    INFO("daemon stderr:\n" << tail(daemon.stderr_text()));
    REQUIRE(ready);

    std::vector<int> idle; // a leaky monitoring script
    for (int i = 0; i < 200; ++i) {
        const int fd = connect_unix(w.socket());
        REQUIRE(fd >= 0);
        idle.push_back(fd);
    }
    const RunResult kill = sniperctl(w, {"kill", "--reason", "crowded"});
    INFO(brief(kill));
    CHECK(kill.exit_code == 0);
    const auto s = json_status(w);
    REQUIRE(s.has_value());
    CHECK(s->trading_state == "HALTED");
    for (const int fd : idle) {
        ::close(fd);
    }
    daemon.signal(SIGTERM);
    const RunResult end = daemon.wait(60s);
    INFO(brief(end));
    CHECK(end.exit_code == 0);
}

TEST_CASE("a replay with a far-future line and swapped neighbours trades as the clean one",
          "[app][e2e][hardening]") {
    Workspace w;
    copy_example_plugins(w.plugins_dir, kExamples);
    const std::string recording = w.tmp / "clean.jsonl";
    write_file(w.config, paper_config_toml(w.data_dir, w.plugins_dir, small_sim()));
    const RunResult a = run({kSniperd, "run", "--config", w.config, "--for", "50s", "--record", recording},
                            w.out("record"), {}, 60s);
    INFO(brief(a));
    REQUIRE(a.exit_code == 0);

    // The same lines, with a line from the year 2096 after line 100 and
    // lines 200/201 and 300/301 swapped.
    std::vector<std::string> lines = split_lines(read_file(recording));
    REQUIRE(lines.size() > 400);
    std::vector<std::string> dirty = lines;
    std::swap(dirty[200], dirty[201]);
    std::swap(dirty[300], dirty[301]);
    dirty.insert(dirty.begin() + 100, pool_update(4'000'000'000LL * 1'000'000'000LL, 1, "1", "1"));
    std::string text;
    for (const std::string& l : dirty) {
        text += l + "\n";
    }
    const std::string dirty_path = w.tmp / "dirty.jsonl";
    write_file(dirty_path, text);

    auto replay = [&](const std::string& path, const std::string& name, const std::string& extra = "") {
        const std::string data = w.tmp / ("data_" + name);
        const std::string cfg = w.tmp / (name + ".toml");
        write_file(cfg, paper_config_toml(data, w.plugins_dir,
                                          "[feeds.replay]\npath = \"" + path + "\"\nspeed = 0.0\n" + extra));
        const RunResult r = run({kSniperd, "run", "--config", cfg, "--for", "50s"}, w.out(name), {}, 60s);
        return std::make_pair(r, data + "/sniperd.db");
    };
    const auto [clean, clean_db] = replay(recording, "clean");
    INFO(brief(clean));
    REQUIRE(clean.exit_code == 0);
    CHECK(contains(clean.out, "replay: " + std::to_string(lines.size()) + " lines, none skipped"));
    const auto [bad, bad_db] = replay(dirty_path, "dirty");
    INFO(brief(bad));
    CHECK(bad.exit_code == 0); // one line in thousands is under the 1% default
    CHECK(contains(bad.out, "replay: " + std::to_string(dirty.size()) + " lines, 1 skipped"));
    CHECK(contains(bad.out, "far_jump 1"));
    const auto fills_clean = fills_of(clean_db);
    REQUIRE_FALSE(fills_clean.empty());
    CHECK(fills_of(bad_db) == fills_clean);

    // Over the configured share of skipped lines: exit 1, saying why.
    const auto [strict, strict_db] = replay(dirty_path, "strict", "max_rejected_pct = 0.0\n");
    INFO(brief(strict));
    CHECK(strict.exit_code == 1);
    CHECK(contains(strict.err, "more than feeds.replay.max_rejected_pct = 0%: far_jump 1"));
}

TEST_CASE("a replay with u64-sized reserves keeps its figures exact and defined", "[app][e2e][hardening]") {
    Workspace w;
    copy_example_plugins(w.plugins_dir, kExamples);
    const std::string u64max = std::to_string(UINT64_MAX);
    const int64_t s = 1'000'000'000;
    std::string text =
        R"({"type":"new_pool","source_ns":1000000000,"slot":1,"pool":")" + kPool + R"(","base_mint":")" + kMint +
        R"(","quote_mint":")" + kSol + R"(","creator":")" + kSol +
        R"(","dex":"sim","mint_authority":false,"freeze_authority":false,"base_reserve_atoms":1000000000000000,)"
        R"("quote_reserve_lamports":50000000000,"token_supply_atoms":)" + u64max +
        R"(,"fee_bps":25,"lp_burned_bps":10000,"top10_holder_bps":1000,"base_decimals":6,"sell_blocked":false})" "\n";
    uint64_t slot = 2;
    int64_t t = s;
    for (int i = 0; i < 3; ++i) {
        text += pool_update(t += s, slot++, "1000000000000000", "50000000000") + "\n";
    }
    for (int i = 0; i < 20; ++i) { // the price swings between u64 extremes
        text += pool_update(t += s, slot++, "1000", u64max) + "\n";
        text += pool_update(t += s, slot++, u64max, "1") + "\n";
        text += pool_update(t += s, slot++, "1000", u64max) + "\n";
        text += pool_update(t += s, slot++, "1000000000000000", "50000000000") + "\n";
    }
    const std::string path = w.tmp / "u64.jsonl";
    write_file(path, text);
    write_file(w.config, paper_config_toml(w.data_dir, w.plugins_dir,
                                           "[feeds.replay]\npath = \"" + path + "\"\nspeed = 0.0\n"));
    const RunResult r = run({kSniperd, "run", "--config", w.config, "--for", "50s"}, w.out("u64"), {}, 60s);
    INFO(brief(r));
    CHECK(r.exit_code == 0);
    CHECK_FALSE(contains(r.err, "runtime error")); // UBSan, in the sanitized build
    CHECK_FALSE(contains(r.err, "circuit breaker"));
    // The total is the sum of the rows, to the 1/10000 SOL printed.
    const auto rows = summary_rows(r.out);
    REQUIRE(rows.count("total") == 1);
    __int128 sum = 0;
    auto parse = [](const std::string& sol) {
        const size_t dot = sol.find('.');
        const bool neg = sol[0] == '-';
        const std::string whole = sol.substr(sol[0] == '+' || neg ? 1 : 0, dot - (sol[0] == '+' || neg ? 1 : 0));
        __int128 v = 0;
        for (const char c : whole + sol.substr(dot + 1)) {
            v = v * 10 + (c - '0');
        }
        return neg ? -v : v;
    };
    bool traded = false;
    for (const auto& [name, row] : rows) {
        if (name != "total") {
            sum += parse(row[3]);
            traded = traded || row[1] != "0";
        }
    }
    CHECK(traded);
    CHECK(sum == parse(rows.at("total")[3]));
}

TEST_CASE("the journal names its run, its codes, and a per-day PnL that equals the summary",
          "[app][e2e][hardening][journal]") {
    Workspace w;
    copy_example_plugins(w.plugins_dir, kExamples);
    write_file(w.config, paper_config_toml(w.data_dir, w.plugins_dir, sim_feed_toml("30m", 0.0, 6.0)));
    std::vector<RunResult> runs;
    for (int i = 0; i < 2; ++i) { // two runs on one journal
        runs.push_back(run({kSniperd, "run", "--config", w.config, "--for", "50s"}, w.out("run"), {}, 60s));
        INFO(brief(runs.back()));
        REQUIRE(runs.back().exit_code == 0);
    }
    Db db(w.db());
    const auto rows = db.rows("SELECT run_id, mode, clock, feed, length(config_sha256), stopped_ns IS NOT NULL, "
                              "stopped_ns >= started_ns FROM runs ORDER BY run_id");
    REQUIRE(rows.size() == 2);
    for (const auto& r : rows) {
        CHECK(r[1] == "paper");
        CHECK(r[2] == "simulated");
        CHECK(r[3] == "sim");
        CHECK(r[4] == "64");
        CHECK(r[5] == "1");
        CHECK(r[6] == "1");
    }
    // Every history row of the two runs says which run wrote it.
    for (const char* table : {"intents", "orders", "fills", "audit_log", "equity_samples"}) {
        INFO(table);
        CHECK(db.rows(std::string("SELECT COUNT(*) FROM ") + table + " WHERE run_id IS NULL")[0][0] == "0");
        CHECK(db.rows(std::string("SELECT COUNT(DISTINCT run_id) FROM ") + table)[0][0] == "2");
    }
    CHECK(db.rows("SELECT COUNT(*) FROM trading_state WHERE run_id IS NULL")[0][0] == "0");
    // Names instead of codes.
    CHECK(db.rows("SELECT COUNT(*) FROM fills_named WHERE side NOT IN ('buy', 'sell')")[0][0] == "0");
    CHECK(db.rows("SELECT COUNT(*) FROM orders_named WHERE status IS NULL")[0][0] == "0");
    CHECK(db.rows("SELECT COUNT(*) FROM intents_named WHERE accepted = 0 AND reason_name IS NULL")[0][0] == "0");
    // Each run's per-strategy sum of the per-day view is its summary row.
    const auto second = rows[1][0];
    const auto summary = summary_rows(runs[1].out);
    size_t compared = 0;
    for (const auto& r : db.rows("SELECT strategy, SUM(realized_pnl_lamports) FROM pnl_by_strategy_day WHERE run_id = " +
                                 second + " GROUP BY strategy")) {
        INFO("strategy " << r[0]);
        REQUIRE(summary.count(r[0]) == 1);
        const int64_t lamports = std::stoll(r[1]);
        // The run starts from the journal's positions and PnL, so its summary
        // is cumulative; compare the first run's rows plus the second's.
        const auto first_sum = db.rows("SELECT COALESCE(SUM(realized_pnl_lamports), 0) FROM pnl_by_strategy_day "
                                       "WHERE run_id = " + rows[0][0] + " AND strategy = '" + r[0] + "'");
        CHECK(sniper::format_sol(lamports + std::stoll(first_sum[0][0]), true) == summary.at(r[0])[3]);
        ++compared;
    }
    CHECK(compared >= 2);
}
