// The journal's lookup tables (schema version 4: risk_reasons,
// order_statuses, sides, trading_states) name every code exactly as the
// code does, so the views analysts read never drift from the host.
#include "core/types.hpp"
#include "risk/risk_gate.hpp"
#include "store/store.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <sqlite3.h>

#include <map>

using namespace sniper;

namespace {
std::map<int64_t, std::string> lookup(const std::string& db_path, const std::string& table) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, ("SELECT code, name FROM " + table).c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::map<int64_t, std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        out[sqlite3_column_int64(st, 0)] = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}
} // namespace

TEST_CASE("the journal's lookup tables name every code as the host does", "[store][journal]") {
    testing::QuietLogs quiet;
    testing::TempDir dir;
    std::string err;
    { REQUIRE(Store::open(dir.path.string(), &err)); }
    const std::string db = (dir.path / "sniperd.db").string();

    const auto reasons = lookup(db, "risk_reasons");
    CHECK(reasons.size() == kRiskReasonCount);
    CHECK(reasons.at(0) == risk_reason_name(RiskReason::None));
    for (int32_t code = 1001; code < 1000 + static_cast<int32_t>(kRiskReasonCount); ++code) {
        INFO("risk reason " << code);
        REQUIRE(reasons.count(code) == 1);
        CHECK(reasons.at(code) == risk_reason_name(static_cast<RiskReason>(code)));
    }
    const auto statuses = lookup(db, "order_statuses");
    for (uint32_t code = SNP_ORDER_ACCEPTED; code <= SNP_ORDER_SENT; ++code) {
        INFO("order status " << code);
        CHECK(statuses.at(code) == order_status_name(code));
    }
    const auto sides = lookup(db, "sides");
    CHECK(sides.at(SNP_SIDE_BUY) == side_name(SNP_SIDE_BUY));
    CHECK(sides.at(SNP_SIDE_SELL) == side_name(SNP_SIDE_SELL));
    const auto states = lookup(db, "trading_states");
    for (const TradingState s : {TradingState::Active, TradingState::Reducing, TradingState::Halted}) {
        CHECK(states.at(static_cast<int64_t>(s)) == trading_state_name(s));
    }
}
