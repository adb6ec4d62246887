#include "exec/paper_executor.hpp"

#include "exec/amm.hpp"

namespace sniper {

uint64_t PaperExecutor::quote(const PoolState& pool, uint32_t side, uint64_t amount_in) {
    if (side == SNP_SIDE_BUY) {
        return amm::swap_out(pool.quote_reserve_lamports, pool.base_reserve_atoms, amount_in,
                             pool.fee_bps);
    }
    return amm::swap_out(pool.base_reserve_atoms, pool.quote_reserve_lamports, amount_in, pool.fee_bps);
}

PaperOutcome PaperExecutor::land(const PaperOrder& o, PoolBook& pools, Portfolio& portfolio,
                                 Feed& feed) {
    PaperOutcome r;
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
    PoolState* pool = pools.find(o.pool);
    if (pool == nullptr || pool->base_reserve_atoms == 0 || pool->quote_reserve_lamports == 0) {
        r.code = kExecPoolGone;
        r.reason = "pool has no liquidity at landing";
        return r;
    }
    // From here the transaction lands: it pays its fees even if it reverts.
    r.fee_lamports = fees;
    r.tip_lamports = tip;
    const uint64_t cost = fees + tip;
    if (o.side == SNP_SIDE_BUY) {
        if (portfolio.balance_lamports() < o.amount_in + cost) {
            r.fee_lamports = 0; // a real node refuses it before it lands
            r.tip_lamports = 0;
            r.code = kExecInsufficientBalance;
            r.reason = "insufficient SOL balance at landing";
            return r;
        }
        const uint64_t out = quote(*pool, SNP_SIDE_BUY, o.amount_in);
        if (out == 0 || out < o.min_out || out >= pool->base_reserve_atoms) {
            portfolio.charge_fee(o.strategy, o.mint, cost);
            r.code = kExecSlippage;
            r.reason = "slippage: would receive " + std::to_string(out) + " atoms, minimum " +
                       std::to_string(o.min_out);
            return r;
        }
        portfolio.apply_buy(o.strategy, o.mint, o.pool, o.amount_in, out, cost, o.land_ns);
        r.in_amount = o.amount_in;
        pool->quote_reserve_lamports += o.amount_in;
        pool->base_reserve_atoms -= out;
        feed.on_own_swap(o.pool, SNP_SIDE_BUY, o.amount_in, out);
        r.out_amount = out;
        r.status = SNP_ORDER_FILLED;
        return r;
    }
    const Position* pos = portfolio.find(o.strategy, o.mint);
    if (pos == nullptr || pos->amount_atoms == 0) {
        r.fee_lamports = 0;
        r.tip_lamports = 0;
        r.code = kExecNoPosition;
        r.reason = "no position at landing";
        return r;
    }
    const uint64_t amount = o.sell_all ? pos->amount_atoms : std::min(o.amount_in, pos->amount_atoms);
    r.in_amount = amount;
    if (feed.sell_blocked(o.mint)) {
        portfolio.charge_fee(o.strategy, o.mint, cost);
        r.code = kExecSellBlocked;
        r.in_amount = 0;
        r.reason = "sell reverted: token account frozen (honeypot)";
        return r;
    }
    const uint64_t out = quote(*pool, SNP_SIDE_SELL, amount);
    if (out == 0 || out < o.min_out || out >= pool->quote_reserve_lamports) {
        portfolio.charge_fee(o.strategy, o.mint, cost);
        r.code = kExecSlippage;
        r.in_amount = 0;
        r.reason = "slippage: would receive " + std::to_string(out) + " lamports, minimum " +
                   std::to_string(o.min_out);
        return r;
    }
    r.realized_pnl_lamports =
        portfolio.apply_sell(o.strategy, o.mint, amount, out, cost, o.land_ns, &r.position_closed);
    pool->base_reserve_atoms += amount;
    pool->quote_reserve_lamports -= out;
    feed.on_own_swap(o.pool, SNP_SIDE_SELL, amount, out);
    r.out_amount = out;
    r.status = SNP_ORDER_FILLED;
    return r;
}

} // namespace sniper
