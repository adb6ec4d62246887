#include "exec/paper_executor.hpp"

#include "market/amm.hpp"

namespace sniper {

uint64_t PaperExecutor::quote_pool(const PoolState& pool, uint32_t side, uint64_t amount_in) {
    if (side == SNP_SIDE_BUY) {
        return amm::swap_out(pool.quote_reserve_lamports, pool.base_reserve_atoms, amount_in,
                             pool.fee_bps);
    }
    return amm::swap_out(pool.base_reserve_atoms, pool.quote_reserve_lamports, amount_in, pool.fee_bps);
}

ExecReport PaperExecutor::settle(const Order& o) {
    ExecReport r;
    r.intent_id = o.intent_id;
    r.status = SNP_ORDER_FAILED;
    // Always draw, so one order's outcome never shifts the next one's dice.
    const bool dropped = rng_.chance_bps(cfg_.failure_rate_bps);
    const uint64_t fees = cfg_.base_fee_lamports + priority_fee_for(o);
    const uint64_t tip = tip_for(o);
    if (o.deadline_ns != 0 && o.land_ns > o.deadline_ns) {
        r.status = SNP_ORDER_EXPIRED;
        r.code = kExecDeadline;
        r.reason = "the intent's deadline passed before the order could land";
        return r;
    }
    if (dropped) {
        r.code = kExecNotLanded;
        r.reason = "transaction did not land";
        return r;
    }
    PoolState* pool = pools_.find(o.pool);
    if (pool == nullptr || pool->base_reserve_atoms == 0 || pool->quote_reserve_lamports == 0) {
        r.code = kExecPoolGone;
        r.reason = "pool has no liquidity at landing";
        return r;
    }
    const uint64_t cost = fees + tip;
    if (o.side == SNP_SIDE_BUY) {
        if (wallet_.balance_lamports() < o.amount_in + cost) {
            r.code = kExecInsufficientBalance; // a real node refuses it before it lands
            r.reason = "insufficient SOL balance at landing";
            return r;
        }
        // From here the transaction lands: it pays its fees even if it reverts.
        r.fee_lamports = fees;
        r.tip_lamports = tip;
        const uint64_t out = quote_pool(*pool, SNP_SIDE_BUY, o.amount_in);
        if (out == 0 || out < o.min_out || out >= pool->base_reserve_atoms) {
            r.code = kExecSlippage;
            r.reason = "slippage: would receive " + std::to_string(out) + " atoms, minimum " +
                       std::to_string(o.min_out);
            return r;
        }
        pool->quote_reserve_lamports += o.amount_in;
        pool->base_reserve_atoms -= out;
        truth_.on_own_swap(o.pool, SNP_SIDE_BUY, o.amount_in, out);
        r.in_amount = o.amount_in;
        r.out_amount = out;
        r.status = SNP_ORDER_FILLED;
        return r;
    }
    const uint64_t held = wallet_.position_atoms(o.strategy, o.mint);
    if (held == 0) {
        r.code = kExecNoPosition;
        r.reason = "no position at landing";
        return r;
    }
    r.fee_lamports = fees;
    r.tip_lamports = tip;
    const uint64_t amount = o.sell_all ? held : std::min(o.amount_in, held);
    if (truth_.sell_blocked(o.mint)) {
        r.code = kExecSellBlocked;
        r.reason = "sell reverted: token account frozen (honeypot)";
        return r;
    }
    const uint64_t out = quote_pool(*pool, SNP_SIDE_SELL, amount);
    if (out == 0 || out < o.min_out || out >= pool->quote_reserve_lamports) {
        r.code = kExecSlippage;
        r.reason = "slippage: would receive " + std::to_string(out) + " lamports, minimum " +
                   std::to_string(o.min_out);
        return r;
    }
    pool->base_reserve_atoms += amount;
    pool->quote_reserve_lamports -= out;
    truth_.on_own_swap(o.pool, SNP_SIDE_SELL, amount, out);
    r.in_amount = amount;
    r.out_amount = out;
    r.status = SNP_ORDER_FILLED;
    return r;
}

std::vector<ExecReport> PaperExecutor::reconcile(const std::vector<UnsettledOrder>& orders) {
    std::vector<ExecReport> out;
    out.reserve(orders.size());
    for (const UnsettledOrder& o : orders) {
        ExecReport r;
        r.intent_id = o.intent_id;
        r.status = SNP_ORDER_EXPIRED;
        r.code = kExecStoppedInFlight;
        r.reason = "the daemon stopped before this paper order landed; settled as expired at start-up";
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace sniper
