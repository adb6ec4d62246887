// tests/store/store_test.cpp — the writer thread, start-up reads, the kill
// switch's synchronous write, the canonical dump and write errors.
#include "core/log.hpp"
#include "store/schema.hpp"
#include "test_support.hpp"

#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

using namespace sniper;
using namespace sniper::test;

namespace {

// Silences the store's error log for the tests that provoke errors on
// purpose, restoring stderr after.
class QuietLog {
  public:
    QuietLog() : fd_(::open("/dev/null", O_WRONLY)) { log::set_fd(fd_); }
    ~QuietLog() {
        log::set_fd(2);
        ::close(fd_);
    }
    QuietLog(const QuietLog&) = delete;
    QuietLog& operator=(const QuietLog&) = delete;

  private:
    int fd_;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

} // namespace

TEST_CASE("every record kind is written and read back", "[store]") {
    TempDir tmp;
    auto s = open_ok(tmp.path());
    CHECK(s->max_intent_id() == 0);
    CHECK_FALSE(s->load_trading_state().has_value());
    CHECK(s->load_open_positions().empty());
    CHECK(s->load_strategy_pnl().empty());

    IntentRecord big = intent(41);
    big.client_tag = std::numeric_limits<uint64_t>::max(); // uint64 keeps all 64 bits
    big.accepted = false;
    big.reason_code = 7;
    big.reason = "max open positions";

    // Appended before start(): they wait in the queue.
    s->append(intent(40));
    s->append(big);
    s->append(order(40));
    s->append(order(40, SNP_ORDER_FILLED));
    s->append(fill(40));
    s->append(position("alpha", 1, 500));
    s->append(position("alpha", 3, 9));
    s->append(position("alpha", 3, 0)); // upsert: closes it
    s->append(position("beta", 2, (1ULL << 63) + 5));
    s->append(pnl("alpha", 100));
    s->append(pnl("alpha", 250)); // upsert: replaces the row
    s->append(pnl("beta", -30));
    s->append(TradingStateRecord{TradingState::Reducing, "drawdown", "risk", 11});
    s->append(TradingStateRecord{TradingState::Active, "operator", "sniperctl", 12});
    s->append(AuditRecord{13, "sniperctl", "reload", "2 plugins"});
    CHECK(s->records_written() == 0);

    s->start();
    s->flush();
    CHECK(s->records_written() == 15);
    CHECK(s->records_dropped() == 0);
    CHECK(s->healthy());

    CHECK(s->max_intent_id() == 41);

    const auto state = s->load_trading_state();
    REQUIRE(state.has_value());
    CHECK(state->state == TradingState::Active); // the latest row wins
    CHECK(state->reason == "operator");
    CHECK(state->actor == "sniperctl");
    CHECK(state->ts_ns == 12);

    const auto positions = s->load_open_positions();
    REQUIRE(positions.size() == 2); // the closed one is left out
    CHECK(positions[0].strategy == "alpha");
    CHECK(to_base58(positions[0].mint) == to_base58(key(1)));
    CHECK(to_base58(positions[0].pool) == to_base58(key(101)));
    CHECK(positions[0].amount_atoms == 500);
    CHECK(positions[0].cost_lamports == 100'000'000);
    CHECK(positions[0].realized_pnl_lamports == -42);
    CHECK(positions[0].opened_ns == 1'000);
    CHECK(positions[0].updated_ns == 2'000);
    CHECK(positions[1].strategy == "beta");
    CHECK(positions[1].amount_atoms == (1ULL << 63) + 5);

    const auto totals = s->load_strategy_pnl();
    REQUIRE(totals.size() == 2);
    CHECK(totals[0].strategy == "alpha");
    CHECK(totals[0].realized_pnl_lamports == 250);
    CHECK(totals[0].peak_pnl_lamports == 260);
    CHECK(totals[0].trades == 3);
    CHECK(totals[0].wins == 2);
    CHECK(totals[0].max_drawdown_lamports == 10);
    CHECK(totals[0].fees_lamports == 15'000);
    CHECK(totals[0].updated_ns == 3'000);
    CHECK(totals[1].strategy == "beta");
    CHECK(totals[1].realized_pnl_lamports == -30);

    RawDb raw(s->path());
    CHECK(raw.integer("SELECT count(*) FROM orders WHERE intent_id = 40") == 2);
    CHECK(raw.integer("SELECT status FROM orders ORDER BY id DESC LIMIT 1") == SNP_ORDER_FILLED);
    CHECK(raw.integer("SELECT out_amount FROM fills") == 123'456);
    CHECK(raw.text("SELECT mint FROM fills") == to_base58(key(1)));
    CHECK(raw.integer("SELECT count(*) FROM positions") == 3);
    CHECK(raw.integer("SELECT count(*) FROM trading_state") == 2);
    CHECK(raw.text("SELECT action FROM audit_log") == "reload");
    CHECK(raw.integer("SELECT accepted FROM intents WHERE intent_id = 41") == 0);
    CHECK(raw.text("SELECT reason FROM intents WHERE intent_id = 41") == "max open positions");
}

TEST_CASE("flush and stop without a writer thread write on the caller's thread", "[store]") {
    TempDir tmp;
    auto s = open_ok(tmp.path());

    s->append(intent(1));
    s->flush(); // never started
    CHECK(s->records_written() == 1);

    s->start();
    s->start(); // a second start is a no-op
    s->append(intent(2));
    s->stop();
    CHECK(s->records_written() == 2);

    s->append(intent(3)); // after stop: queued, then written by flush
    s->flush();
    CHECK(s->records_written() == 3);
    s->append(intent(4)); // ... or by the destructor
    const std::string dir = tmp.path();
    s.reset();
    CHECK(open_ok(dir)->max_intent_id() == 4);
}

TEST_CASE("append order is kept under appends from 4 threads", "[store]") {
    TempDir tmp;
    auto s = open_ok(tmp.path());
    s->start();

    constexpr int kThreads = 4;
    constexpr uint64_t kPerThread = 2'500;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&s, t] {
            for (uint64_t i = 0; i < kPerThread; ++i) {
                const uint64_t id = static_cast<uint64_t>(t) * 1'000'000 + i;
                s->append(order(id));
                if (i % 97 == 0) {
                    s->flush(); // flushes racing with appends from the others
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    s->flush();
    CHECK(s->records_written() == kThreads * kPerThread);
    CHECK(s->healthy());

    // Each thread's orders must appear in the journal in the order that
    // thread appended them.
    RawDb raw(s->path());
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw.get(), "SELECT intent_id FROM orders ORDER BY id", -1, &st,
                               nullptr) == SQLITE_OK);
    std::map<uint64_t, uint64_t> next; // thread -> next expected i
    uint64_t rows = 0;
    bool in_order = true;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const auto id = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
        const uint64_t t = id / 1'000'000;
        const uint64_t i = id % 1'000'000;
        if (next[t] != i) {
            in_order = false;
        }
        next[t] = i + 1;
        ++rows;
    }
    sqlite3_finalize(st);
    CHECK(in_order);
    CHECK(rows == kThreads * kPerThread);
    for (int t = 0; t < kThreads; ++t) {
        CHECK(next[static_cast<uint64_t>(t)] == kPerThread);
    }
}

TEST_CASE("commit writes on the caller's thread after what was queued, racing appends and the writer",
          "[store]") {
    TempDir tmp;
    auto s = open_ok(tmp.path());
    s->append(order(1)); // queued before any writer: commit writes it first
    s->commit(intent(1));
    CHECK(s->records_written() == 2);
    s->start();
    // Two threads append while this one commits (bounded: an unbounded
    // producer would outrun any writer).
    std::vector<std::thread> appenders;
    for (uint64_t t = 1; t <= 2; ++t) {
        appenders.emplace_back([&s, t] {
            for (uint64_t i = 0; i < 3'000; ++i) {
                s->append(order(t * 1'000'000 + i));
                if (i % 10 == 0) {
                    std::this_thread::yield();
                }
            }
        });
    }
    RawDb raw(s->path());
    bool visible = true;
    for (uint64_t id = 2; id <= 300; ++id) {
        s->commit(intent(id));
        // Committed when commit returns: another connection sees it.
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(raw.get(), "SELECT count(*) FROM intents WHERE intent_id = ?", -1, &st,
                                   nullptr) == SQLITE_OK);
        sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(id));
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        visible = visible && sqlite3_column_int64(st, 0) == 1;
        sqlite3_finalize(st);
    }
    for (auto& th : appenders) {
        th.join();
    }
    s->flush();
    CHECK(visible);
    CHECK(s->healthy());
    CHECK(s->max_intent_id() == 300);
    // Each appender's orders are in its own order, whoever wrote them.
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw.get(), "SELECT intent_id FROM orders WHERE intent_id >= 1000000 ORDER BY id", -1,
                               &st, nullptr) == SQLITE_OK);
    std::map<uint64_t, uint64_t> next;
    bool in_order = true;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const auto id = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
        in_order = in_order && next[id / 1'000'000] == id % 1'000'000;
        next[id / 1'000'000] = id % 1'000'000 + 1;
    }
    sqlite3_finalize(st);
    CHECK(in_order);
    CHECK(next[1] == 3'000);
    CHECK(next[2] == 3'000);
    CHECK(s->records_written() == 2 + 299 + 6'000);
}

TEST_CASE("write_trading_state_sync is durable and writes what was queued before it", "[store]") {
    TempDir tmp;
    {
        auto s = open_ok(tmp.path());
        s->append(intent(5)); // queued, no writer running
        CHECK(s->write_trading_state_sync({TradingState::Halted, "kill switch", "sniperctl", 1}));
        CHECK(s->records_written() == 2);
        CHECK(s->max_intent_id() == 5);

        s->start();
        s->append(intent(6));
        CHECK(s->write_trading_state_sync({TradingState::Reducing, "test", "risk", 2}));
        CHECK(s->max_intent_id() == 6);
        CHECK(s->write_trading_state_sync({TradingState::Halted, "again", "sniperctl", 3}));
    }
    auto s = open_ok(tmp.path());
    const auto state = s->load_trading_state();
    REQUIRE(state.has_value());
    CHECK(state->state == TradingState::Halted);
    CHECK(state->reason == "again");
    CHECK(s->max_intent_id() == 6);
}

TEST_CASE("a kill -9 right after the kill switch still comes up HALTED", "[store]") {
    TempDir tmp;
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // Child: no Catch macros here; the exit status tells the parent.
        std::string err;
        auto s = Store::open(tmp.path(), &err);
        if (s == nullptr) {
            _exit(2);
        }
        s->start();
        for (uint64_t i = 1; i <= 100; ++i) {
            s->append(intent(i));
        }
        if (!s->write_trading_state_sync({TradingState::Halted, "kill", "sniperctl", 1})) {
            _exit(3);
        }
        s->append(intent(1000)); // may or may not make it: not flushed
        kill(getpid(), SIGKILL); // no destructor, no checkpoint, no close
        _exit(4);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    INFO("child status " << status);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    auto s = open_ok(tmp.path());
    const auto state = s->load_trading_state();
    REQUIRE(state.has_value());
    CHECK(state->state == TradingState::Halted);
    CHECK(s->max_intent_id() >= 100);
    RawDb raw(s->path());
    CHECK(raw.integer("SELECT count(*) FROM intents WHERE intent_id <= 100") == 100);
}

namespace {

// One day's trading as a replay would journal it. `jitter` moves every
// timestamp and the non-journal rows, which must not change the dump.
void feed(Store& s, int64_t jitter, uint64_t last_fill_out = 777) {
    for (uint64_t id = 1; id <= 20; ++id) {
        IntentRecord in = intent(id, id % 2 == 0 ? "alpha" : "beta|pipe");
        in.ts_ns += jitter;
        in.reason = "line\nbreak \\ and | pipe";
        s.append(in);
        OrderRecord o = order(id);
        o.ts_ns += jitter;
        s.append(o);
        o.status = SNP_ORDER_FILLED;
        s.append(o);
        FillRecord f = fill(id);
        f.ts_ns += jitter;
        if (id == 20) {
            f.out_amount = last_fill_out;
        }
        s.append(f);
    }
    PositionRecord p = position("beta|pipe", 9, 10);
    p.opened_ns += jitter;
    p.updated_ns += jitter;
    s.append(p);
    s.append(position("alpha", 4, 0));
    StrategyPnlRecord t = pnl("alpha", 5);
    t.updated_ns += jitter;
    s.append(t);
    s.append(pnl("beta|pipe", -5));
    s.append(TradingStateRecord{TradingState::Active, "start", "startup", 99 + jitter});
    s.append(AuditRecord{jitter, "test", "feed", std::to_string(jitter)});
}

} // namespace

TEST_CASE("dump_trade_journal is canonical: same records, same text", "[store]") {
    TempDir a_dir;
    TempDir b_dir;
    TempDir c_dir;
    auto a = open_ok(a_dir.path());
    auto b = open_ok(b_dir.path());
    auto c = open_ok(c_dir.path());
    a->start();
    feed(*a, 0);
    feed(*b, 123'456'789); // b never starts: flush writes inline
    c->start();
    feed(*c, 0, 778); // one fill differs by one atom
    a->flush();
    b->flush();
    c->flush();

    const std::string da = a->dump_trade_journal();
    const std::string db = b->dump_trade_journal();
    const std::string dc = c->dump_trade_journal();
    CHECK(da == db);
    CHECK(da != dc);
    CHECK(a->dump_trade_journal() == da); // and stable on repeat

    const auto lines = lines_of(da);
    REQUIRE(lines.size() == 20 + 40 + 20 + 2 + 2);
    CHECK(lines.front().rfind("intent|intent_id=1|strategy=beta\\|pipe|side=buy|", 0) == 0);
    CHECK(lines.front().find("|reason=line\\nbreak \\\\ and \\| pipe") != std::string::npos);
    CHECK(lines[20].rfind("order|intent_id=1|strategy=alpha|status=accepted|", 0) == 0);
    CHECK(lines[21].rfind("order|intent_id=1|strategy=alpha|status=filled|", 0) == 0);
    CHECK(lines[60].rfind("fill|intent_id=1|", 0) == 0);
    CHECK(lines[80].rfind("position|strategy=alpha|", 0) == 0);
    CHECK(lines[81].rfind("position|strategy=beta\\|pipe|", 0) == 0);
    CHECK(lines[82].rfind("pnl|strategy=alpha|", 0) == 0);
    CHECK(lines[83].rfind("pnl|strategy=beta\\|pipe|", 0) == 0);
    CHECK(da.find("_ns") == std::string::npos);
    CHECK(dc.find("out_amount=778") != std::string::npos);
}

TEST_CASE("a write error makes the store unhealthy, with a message, and it keeps going",
          "[store]") {
    QuietLog quiet;
    TempDir tmp;
    auto s = open_ok(tmp.path());
    s->start();
    s->append(fill(1));
    s->flush();
    REQUIRE(s->healthy());
    REQUIRE(s->records_written() == 1);

    {
        RawDb raw(s->path());
        raw.exec("DROP TABLE fills");
    }
    s->append(fill(2));
    s->flush();
    CHECK_FALSE(s->healthy());
    CHECK_THAT(s->last_error(), Catch::Contains("fill"));
    CHECK_THAT(s->last_error(), Catch::Contains("no such table"));
    CHECK_THAT(s->last_error(), Catch::Contains(s->path()));
    CHECK(s->records_written() == 1); // not counted as written
    CHECK(s->records_dropped() == 1);

    // The writer is still alive: later records still land, the error stays.
    const std::string first = s->last_error();
    s->append(intent(10));
    s->flush();
    CHECK(s->max_intent_id() == 10);
    CHECK_FALSE(s->healthy());
    CHECK(s->last_error() == first);
    CHECK(s->write_trading_state_sync({TradingState::Halted, "store error", "risk", 1}));
    CHECK(s->load_trading_state()->state == TradingState::Halted);
}

TEST_CASE("write_trading_state_sync returns false when the row cannot be written", "[store]") {
    QuietLog quiet;
    TempDir tmp;
    auto s = open_ok(tmp.path());
    s->start();
    {
        RawDb raw(s->path());
        raw.exec("DROP TABLE trading_state");
    }
    CHECK_FALSE(s->write_trading_state_sync({TradingState::Halted, "kill", "sniperctl", 1}));
    CHECK_FALSE(s->healthy());
    CHECK_THAT(s->last_error(), Catch::Contains("trading_state"));
}

TEST_CASE("a damaged position row makes start-up reads unhealthy", "[store]") {
    QuietLog quiet;
    TempDir tmp;
    auto s = open_ok(tmp.path());
    s->append(position("alpha", 1, 5));
    s->flush();
    {
        RawDb raw(s->path());
        raw.exec("UPDATE positions SET mint = 'not-base58-0OIl'");
    }
    CHECK(s->load_open_positions().empty());
    CHECK_FALSE(s->healthy());
    CHECK_THAT(s->last_error(), Catch::Contains("malformed"));
}

// A position's pool fee and token decimals (schema version 7) come back
// after a restart; a row from before them, or out of range, reads as
// unknown (-1), never as a wrong fact.
TEST_CASE("a position keeps its pool fee and decimals and an older or damaged row reads them as unknown",
          "[store][schema]") {
    TempDir tmp;
    const std::string dir = tmp.sub("data");
    {
        // A journal at schema version 6 holding one open position.
        std::filesystem::create_directories(dir);
        RawDb raw(dir + "/sniperd.db");
        std::string err;
        REQUIRE(store::apply_migrations(raw.get(), store::migrations().first(6), &err));
        raw.exec("INSERT INTO positions (strategy, mint, pool, amount_atoms, cost_lamports,"
                 " realized_pnl_lamports, opened_ns, updated_ns) VALUES ('old', '" +
                 to_base58(key(1)) + "', '" + to_base58(key(2)) + "', 7, 100, 0, 1, 2)");
    }
    auto s = open_ok(dir);
    PositionRecord known = position("new", 3, 9);
    known.pool_fee_bps = 25;
    known.base_decimals = 6;
    PositionRecord zero = position("zero", 4, 9);
    zero.pool_fee_bps = 0;
    zero.base_decimals = 0;
    s->append(known);
    s->append(zero);
    s->append(position("unset", 5, 9));
    s->start();
    s->flush();
    {
        const auto rows = s->load_open_positions();
        REQUIRE(rows.size() == 4);
        std::map<std::string, std::pair<int32_t, int32_t>> facts;
        for (const auto& r : rows) {
            facts[r.strategy] = {r.pool_fee_bps, r.base_decimals};
        }
        CHECK(facts["old"] == std::pair<int32_t, int32_t>{-1, -1}); // written before version 7
        CHECK(facts["new"] == std::pair<int32_t, int32_t>{25, 6});
        CHECK(facts["zero"] == std::pair<int32_t, int32_t>{0, 0}); // 0 is a fact, not "unknown"
        CHECK(facts["unset"] == std::pair<int32_t, int32_t>{-1, -1});
    }
    {
        RawDb raw(s->path());
        CHECK(raw.integer("PRAGMA user_version") == store::latest_schema_version());
        raw.exec("UPDATE positions SET pool_fee_bps = 10001, base_decimals = 19 WHERE strategy = 'new'");
    }
    for (const auto& r : s->load_open_positions()) {
        if (r.strategy == "new") {
            CHECK(r.pool_fee_bps == -1);
            CHECK(r.base_decimals == -1);
        }
    }
    CHECK(s->healthy());
    s->stop();
}
