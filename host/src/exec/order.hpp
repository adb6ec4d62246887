// exec/order.hpp — the order and its outcome, one shape each, the same for
// paper and live: an Order is an intent the risk gate approved, with what
// the host decided for it (amount, slippage bound, protection, deadline,
// route, caps); an ExecReport is what an executor says happened to it.
// Journal rows, ABI order updates and snapshot rows are derived from these.
#pragma once

#include "core/types.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace sniper {

struct Order {
    uint64_t intent_id = 0;
    uint32_t strategy_index = 0;
    std::string strategy;
    uint32_t side = 0;
    Pubkey mint{};
    Pubkey pool{};
    uint64_t amount_in = 0; // BUY lamports; SELL atoms (ignored with sell_all)
    bool sell_all = false;
    uint64_t min_out = 0;   // from the quote at decision time
    uint32_t max_slippage_bps = 0; // the intent's (live routes quote with it)
    uint64_t client_tag = 0;
    int64_t submit_ns = 0;
    int64_t land_ns = 0;    // when a simulated venue settles it; 0 for live
    // BUY: the intent's protection fields (0 = config default, < 0 = none).
    int32_t stop_loss_bps = 0;
    int32_t take_profit_bps = 0;
    int32_t trailing_stop_bps = 0;
    int64_t max_hold_ns = 0;
    // ABI 1.1: must not land after this (host clock; 0 = no deadline), the
    // route (SNP_ROUTE_*), and caps on priority fee and tip (0 = config's).
    int64_t deadline_ns = 0;
    uint32_t route = 0;
    uint64_t max_priority_fee_lamports = 0;
    uint64_t max_tip_lamports = 0;
};

// What an executor reports about one order. Final statuses: FILLED,
// FAILED, EXPIRED; SENT and ACCEPTED are progress (live).
struct ExecReport {
    uint64_t intent_id = 0;
    uint32_t status = SNP_ORDER_INVALID;
    uint64_t in_amount = 0;  // what left the wallet (BUY lamports, SELL atoms)
    uint64_t out_amount = 0; // what arrived (BUY atoms, SELL lamports)
    uint64_t fee_lamports = 0; // network + priority fee paid (also on a revert)
    uint64_t tip_lamports = 0;
    int32_t code = 0;          // failure code, 2000-range (docs/error-codes.md)
    std::string reason;
    std::array<uint8_t, 64> signature{}; // live: the transaction's signature
    uint64_t slot = 0;
    uint32_t attempt = 0;
    bool final() const {
        return status == SNP_ORDER_FILLED || status == SNP_ORDER_FAILED || status == SNP_ORDER_EXPIRED;
    }
};

// Failure codes of executed orders (registry, never renumbered).
enum : int32_t {
    kExecNotLanded = 2001,
    kExecPoolGone = 2002,
    kExecNoPosition = 2003,
    kExecSellBlocked = 2004,
    kExecSlippage = 2005,
    kExecInsufficientBalance = 2006,
    kExecDeadline = 2007,
    kExecStoppedInFlight = 2008,
};

} // namespace sniper
