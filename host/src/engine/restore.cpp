// engine/restore.cpp — see restore.hpp.
#include "engine/restore.hpp"

#include "core/log.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace sniper {

Restore::Outcome Restore::read() {
    Outcome out;
    out.state = p_.store.load_trading_state();
    int64_t spent_on_open = 0;
    for (const Position& p : p_.store.load_open_positions()) {
        p_.portfolio.restore_position(p);
        spent_on_open += static_cast<int64_t>(p.cost_lamports);
    }
    int64_t realized = 0;
    for (const StrategyPnlRecord& r : p_.store.load_strategy_pnl()) {
        p_.portfolio.restore_stats(r.strategy, r);
        realized += r.realized_pnl_lamports;
    }
    // Paper balance = start + realized PnL - cost of what is still held.
    const int64_t bal = static_cast<int64_t>(starting_balance_) + realized - spent_on_open;
    p_.portfolio.set_balance(bal > 0 ? static_cast<uint64_t>(bal) : 0);
    out.next_intent_id = p_.store.max_intent_id() + 1;
    if (auto peak = p_.store.max_equity()) {
        p_.risk_inputs.set_equity_peak(*peak); // the drawdown limits measure from the journal's peak
        p_.breaker.set_peak(*peak);
    }
    return out;
}

void Restore::settle(Outcome& out, const Apply& apply) {
    // Each order in flight is settled before anything else, so none stays
    // open forever and none is applied later. A fill found on chain moves
    // the position, the balance and the PnL like any other.
    const std::vector<InFlightOrderRecord> unsettled = p_.store.unsettled_orders();
    std::vector<UnsettledOrder> ask;
    ask.reserve(unsettled.size());
    for (const InFlightOrderRecord& f : unsettled) {
        ask.push_back(UnsettledOrder{f.order.intent_id, f.order.strategy, f.order.side, f.order.mint});
    }
    const std::vector<ExecReport> settled = p_.executor.reconcile(ask);
    std::vector<uint64_t> open_outcomes;
    for (const InFlightOrderRecord& f : unsettled) {
        auto r = std::find_if(settled.begin(), settled.end(),
                              [&](const ExecReport& x) { return x.intent_id == f.order.intent_id; });
        if (r == settled.end() || !r->final()) {
            open_outcomes.push_back(f.order.intent_id); // its outcome on chain is unknown
            continue;
        }
        log::warn("engine", "order in flight at the last stop settled at start-up",
                  {{"strategy", f.order.strategy}, {"intent_id", f.order.intent_id},
                   {"mint", to_base58(f.order.mint)}, {"status", order_status_name(r->status)},
                   {"reason", r->reason}});
        Order o;
        o.intent_id = f.order.intent_id;
        o.strategy_index = UINT32_MAX; // no strategy is told: none is loaded yet
        o.strategy = f.order.strategy;
        o.side = f.order.side;
        o.mint = f.order.mint;
        o.pool = f.pool;
        o.amount_in = f.amount_in;
        o.min_out = f.order.min_out;
        o.submit_ns = f.order.ts_ns;
        p_.orders.add(o, 0, false);
        apply(*r);
    }
    if (!open_outcomes.empty()) {
        out.halt_why = std::to_string(open_outcomes.size()) +
                       " order(s) in flight at the last stop could not be settled from the chain (first: intent " +
                       std::to_string(open_outcomes.front()) +
                       "); check the wallet, then `sniperctl resume --confirm`";
    }
    if (auto chain = p_.executor.wallet_lamports()) {
        p_.portfolio.set_balance(*chain); // live: the wallet's balance on chain is the ledger's
    } else if (std::string_view(p_.executor.name()) == "live") {
        out.halt_why = "the wallet's balance could not be read from the chain at start";
    }
}

} // namespace sniper
