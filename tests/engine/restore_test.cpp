// Restore (engine/restore.hpp) on its own, over a real journal: what read()
// rebuilds (positions, strategy figures, the paper balance they imply, the
// next intent id, the equity peak) and what settle() does with the orders
// the last run left in flight, for each answer an executor can give.
#include "engine/restore.hpp"

#include "market/pool_book.hpp"

#include <catch2/catch.hpp>

#include "store/test_support.hpp"
#include "test_support.hpp"

#include <optional>
#include <vector>

using namespace sniper;
using test::key;
using testing::QuietLogs;

namespace {

// Answers reconcile from a script; counts the orders it was asked about.
class ScriptedExecutor final : public Executor {
  public:
    explicit ScriptedExecutor(const char* name) : name_(name) {}
    const char* name() const override { return name_; }
    uint64_t quote(const PoolState&, uint32_t, uint64_t) const override { return 0; }
    uint64_t fees_per_order() const override { return 0; }
    int64_t submit(const Order&, int64_t) override { return 0; }
    ExecReport settle(const Order&) override { return {}; }
    std::vector<ExecReport> reconcile(const std::vector<UnsettledOrder>& orders) override {
        asked = orders;
        return answers;
    }
    std::optional<uint64_t> wallet_lamports() override { return wallet; }

    std::vector<ExecReport> answers;
    std::vector<UnsettledOrder> asked;
    std::optional<uint64_t> wallet;

  private:
    const char* name_;
};

struct Parts {
    Portfolio portfolio{0};
    OrderManager orders;
    PoolBook pools;
    CircuitBreakerConfig breaker_cfg;
    CircuitBreaker breaker{breaker_cfg};
    std::unique_ptr<RiskInputs> risk_inputs;
};

// A journal: two open positions (cost 0.1 SOL each), alpha's figures with
// +0.5 SOL realized, intents 1..7, an equity peak of 12 SOL, and intents 5,
// 6, 7 still in flight (ACCEPTED, SENT, ACCEPTED).
void write_journal(Store& store) {
    store.append(test::position("alpha", 1, 5'000));
    store.append(test::position("beta", 3, 7'000));
    store.append(test::pnl("alpha", 500'000'000));
    for (uint64_t id = 1; id <= 7; ++id) {
        store.append(test::intent(id));
    }
    for (uint64_t id = 1; id <= 4; ++id) {
        store.append(test::order(id, SNP_ORDER_FILLED));
    }
    store.append(test::order(5, SNP_ORDER_ACCEPTED));
    store.append(test::order(6, SNP_ORDER_SENT));
    store.append(test::order(7, SNP_ORDER_ACCEPTED));
    EquitySampleRecord eq;
    eq.ts_ns = 1;
    eq.equity_lamports = 12 * kLamportsPerSol;
    store.append(eq);
    store.flush();
}

std::unique_ptr<Store> open_store(const test::TempDir& dir) {
    std::string err;
    auto store = Store::open(dir.path(), &err);
    REQUIRE(store);
    store->start();
    return store;
}

ExecReport report(uint64_t id, uint32_t status) {
    ExecReport r;
    r.intent_id = id;
    r.status = status;
    if (status == SNP_ORDER_FILLED) {
        r.in_amount = 100'000'000;
        r.out_amount = 9'000;
        r.fee_lamports = 5'000;
    }
    return r;
}

} // namespace

TEST_CASE("Restore rebuilds the ledger from the journal and settles what the executor knows", "[engine][restore]") {
    QuietLogs quiet;
    test::TempDir dir;
    auto store = open_store(dir);
    write_journal(*store);

    Parts p;
    p.risk_inputs = std::make_unique<RiskInputs>(store.get(), p.portfolio, p.orders, p.pools);
    ScriptedExecutor ex("paper");
    ex.answers = {report(5, SNP_ORDER_FILLED), report(7, SNP_ORDER_EXPIRED)}; // 6: unknown
    Restore restore({*store, p.portfolio, *p.risk_inputs, p.breaker, p.orders, ex}, 10 * kLamportsPerSol);

    Restore::Outcome out = restore.read();
    CHECK(out.next_intent_id == 8);
    CHECK_FALSE(out.state); // no trading state row was ever written
    CHECK(p.portfolio.open_positions() == 2);
    // 10 SOL + 0.5 realized - 0.2 held.
    CHECK(p.portfolio.balance_lamports() == 10 * kLamportsPerSol + 500'000'000 - 200'000'000);
    CHECK(p.risk_inputs->equity_peak() == 12 * kLamportsPerSol);
    CHECK(p.breaker.peak_lamports() == 12 * kLamportsPerSol);
    CHECK(ex.asked.empty()); // read() asks the executor nothing

    std::vector<ExecReport> applied;
    std::vector<size_t> in_manager; // the order manager held the order when it was applied
    restore.settle(out, [&](const ExecReport& r) {
        applied.push_back(r);
        const Order* o = p.orders.find(r.intent_id);
        REQUIRE(o != nullptr);
        CHECK(o->strategy_index == UINT32_MAX); // no strategy is told
        CHECK(o->pool == key(2));               // from the intent row
        CHECK(o->amount_in == 100'000'000);
        in_manager.push_back(p.orders.size());
        p.orders.take(r.intent_id); // as apply_report does
    });
    REQUIRE(ex.asked.size() == 3);
    CHECK(ex.asked[0].intent_id == 5);
    CHECK(ex.asked[1].intent_id == 6);
    CHECK(ex.asked[2].intent_id == 7);
    REQUIRE(applied.size() == 2);
    CHECK(applied[0].intent_id == 5);
    CHECK(applied[0].status == SNP_ORDER_FILLED);
    CHECK(applied[1].intent_id == 7);
    CHECK(applied[1].status == SNP_ORDER_EXPIRED);
    CHECK(in_manager == std::vector<size_t>{1, 1});
    // The one whose outcome is unknown makes the run start HALTED.
    CHECK(out.halt_why.find("1 order(s) in flight") != std::string::npos);
    CHECK(out.halt_why.find("intent 6") != std::string::npos);
    CHECK(out.halt_why.find("sniperctl resume --confirm") != std::string::npos);
}

TEST_CASE("Restore: a live wallet's balance on chain is the ledger's, and an unreadable one halts", "[engine][restore]") {
    QuietLogs quiet;
    test::TempDir dir;
    auto store = open_store(dir);
    store->append(test::pnl("alpha", 500'000'000));
    store->flush();

    for (const bool readable : {true, false}) {
        Parts p;
        p.risk_inputs = std::make_unique<RiskInputs>(store.get(), p.portfolio, p.orders, p.pools);
        ScriptedExecutor ex("live");
        if (readable) {
            ex.wallet = 3 * kLamportsPerSol;
        }
        Restore restore({*store, p.portfolio, *p.risk_inputs, p.breaker, p.orders, ex}, 10 * kLamportsPerSol);
        Restore::Outcome out = restore.read();
        CHECK(p.portfolio.balance_lamports() == 10 * kLamportsPerSol + 500'000'000); // paper arithmetic first
        restore.settle(out, [](const ExecReport&) { FAIL("nothing was in flight"); });
        if (readable) {
            CHECK(out.halt_why.empty());
            CHECK(p.portfolio.balance_lamports() == 3 * kLamportsPerSol);
        } else {
            CHECK(out.halt_why == "the wallet's balance could not be read from the chain at start");
        }
    }
}
