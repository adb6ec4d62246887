#include "risk/risk_gate.hpp"

#include <catch2/catch.hpp>

using namespace sniper;

namespace {
struct Fixture {
    RiskConfig limits;
    std::string strategy = "s";
    snp_intent intent{};
    PoolState pool;
    Position position;
    RiskInput in;
    Fixture() {
        limits.max_order_lamports = kLamportsPerSol / 2;
        limits.max_open_positions = 3;
        limits.max_slippage_bps = 500;
        intent.struct_size = sizeof intent;
        intent.side = SNP_SIDE_BUY;
        intent.mint.bytes[0] = 2;
        intent.pool.bytes[0] = 1;
        intent.amount_in = kLamportsPerSol / 10;
        intent.max_slippage_bps = 300;
        pool.pool = intent.pool;
        pool.mint = intent.mint;
        pool.base_reserve_atoms = 1'000'000;
        pool.quote_reserve_lamports = 1'000'000'000;
        position.strategy = "s";
        position.mint = intent.mint;
        position.amount_atoms = 500;
        in.strategy = &strategy;
        in.intent = &intent;
        in.state = TradingState::Active;
        in.pool = &pool;
        in.available_lamports = 10 * kLamportsPerSol;
        in.fees_per_order_lamports = 15000;
    }
    RiskReason check() {
        RiskGate g(limits);
        return g.check(in).reason;
    }
};
} // namespace

TEST_CASE("a well-formed buy within limits is approved", "[risk]") {
    Fixture f;
    CHECK(f.check() == RiskReason::None);
}

TEST_CASE("trading state gates entries and exits", "[risk]") {
    Fixture f;
    f.in.state = TradingState::Halted;
    CHECK(f.check() == RiskReason::Halted);
    f.in.state = TradingState::Reducing;
    CHECK(f.check() == RiskReason::Reducing);
    f.intent.side = SNP_SIDE_SELL;
    f.intent.flags = SNP_INTENT_SELL_ALL;
    f.intent.amount_in = 0;
    f.in.position = &f.position;
    CHECK(f.check() == RiskReason::None); // exits allowed while reducing
    f.in.state = TradingState::Halted;
    CHECK(f.check() == RiskReason::Halted); // nothing while halted
}

TEST_CASE("max order size: at the limit passes, one lamport over is refused", "[risk]") {
    Fixture f;
    f.intent.amount_in = f.limits.max_order_lamports;
    CHECK(f.check() == RiskReason::None);
    f.intent.amount_in = f.limits.max_order_lamports + 1;
    CHECK(f.check() == RiskReason::MaxOrderSize);
}

TEST_CASE("max open positions counts only new positions", "[risk]") {
    Fixture f;
    f.in.open_positions = f.limits.max_open_positions - 1;
    CHECK(f.check() == RiskReason::None);
    f.in.open_positions = f.limits.max_open_positions;
    CHECK(f.check() == RiskReason::MaxOpenPositions);
    f.in.position = &f.position; // adding to an existing position
    CHECK(f.check() == RiskReason::None);
}

TEST_CASE("max slippage: at the limit passes, above is refused", "[risk]") {
    Fixture f;
    f.intent.max_slippage_bps = f.limits.max_slippage_bps;
    CHECK(f.check() == RiskReason::None);
    f.intent.max_slippage_bps = f.limits.max_slippage_bps + 1;
    CHECK(f.check() == RiskReason::MaxSlippage);
    // Exits are not held to the entry slippage limit.
    f.intent.side = SNP_SIDE_SELL;
    f.intent.flags = SNP_INTENT_SELL_ALL;
    f.intent.max_slippage_bps = 9000;
    f.in.position = &f.position;
    CHECK(f.check() == RiskReason::None);
}

TEST_CASE("the gate fails closed on what it cannot establish", "[risk]") {
    Fixture f;
    SECTION("unknown pool") {
        f.in.pool = nullptr;
        CHECK(f.check() == RiskReason::UnknownPool);
    }
    SECTION("pool of another mint") {
        f.pool.mint.bytes[0] = 9;
        CHECK(f.check() == RiskReason::UnknownPool);
    }
    SECTION("no price: zero reserves") {
        f.pool.quote_reserve_lamports = 0;
        CHECK(f.check() == RiskReason::NoPrice);
    }
    SECTION("zero amount") {
        f.intent.amount_in = 0;
        CHECK(f.check() == RiskReason::InvalidIntent);
    }
    SECTION("zero or impossible slippage") {
        f.intent.max_slippage_bps = 0;
        CHECK(f.check() == RiskReason::InvalidIntent);
        f.intent.max_slippage_bps = 10001;
        CHECK(f.check() == RiskReason::InvalidIntent);
    }
    SECTION("invalid side") {
        f.intent.side = 7;
        CHECK(f.check() == RiskReason::InvalidIntent);
    }
    SECTION("unknown trading state value") {
        f.in.state = static_cast<TradingState>(0);
        CHECK(f.check() == RiskReason::Halted);
    }
    SECTION("no intent at all") {
        f.in.intent = nullptr;
        CHECK(f.check() == RiskReason::InvalidIntent);
    }
    SECTION("an order in flight for the mint") {
        f.in.order_in_flight = true;
        CHECK(f.check() == RiskReason::DuplicatePending);
    }
    SECTION("balance: amount + fees must fit") {
        f.in.available_lamports = f.intent.amount_in + f.in.fees_per_order_lamports;
        CHECK(f.check() == RiskReason::None);
        f.in.available_lamports -= 1;
        CHECK(f.check() == RiskReason::InsufficientBalance);
    }
    SECTION("amount overflow with fees") {
        f.limits.max_order_lamports = UINT64_MAX;
        f.intent.amount_in = UINT64_MAX;
        CHECK(f.check() == RiskReason::InsufficientBalance);
    }
}

TEST_CASE("sells need a position and cannot exceed it", "[risk]") {
    Fixture f;
    f.intent.side = SNP_SIDE_SELL;
    f.intent.amount_in = 100;
    CHECK(f.check() == RiskReason::NoPosition);
    f.in.position = &f.position;
    CHECK(f.check() == RiskReason::None);
    f.intent.amount_in = f.position.amount_atoms + 1;
    CHECK(f.check() == RiskReason::InvalidIntent);
}

TEST_CASE("rejections are counted by reason and strategy", "[risk]") {
    Fixture f;
    RiskGate g(f.limits);
    g.check(f.in);
    f.intent.amount_in = f.limits.max_order_lamports + 1;
    g.check(f.in);
    g.check(f.in);
    CHECK(g.approved_count() == 1);
    CHECK(g.rejected_count() == 2);
    CHECK(g.rejections_by_reason()[risk_reason_index(RiskReason::MaxOrderSize)] == 2);
    CHECK(g.rejections_by_strategy().at("s")[risk_reason_index(RiskReason::MaxOrderSize)] == 2);
}
