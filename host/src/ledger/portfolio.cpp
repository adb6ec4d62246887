#include "ledger/portfolio.hpp"

#include <algorithm>

namespace sniper {

const Position* Portfolio::find(const std::string& strategy, const Pubkey& mint) const {
    auto it = positions_.find({strategy, mint});
    return it == positions_.end() ? nullptr : &it->second;
}

void Portfolio::record_pnl(StrategyStats& s, int64_t delta) {
    s.realized_pnl_lamports = sat_add(s.realized_pnl_lamports, delta);
    s.peak_pnl_lamports = std::max(s.peak_pnl_lamports, s.realized_pnl_lamports);
    s.max_drawdown_lamports =
        std::max(s.max_drawdown_lamports, sat_sub(s.peak_pnl_lamports, s.realized_pnl_lamports));
}

const Position& Portfolio::apply_buy(const std::string& strategy, const Pubkey& mint,
                                     const Pubkey& pool, uint64_t lamports_in, uint64_t atoms_out,
                                     uint64_t fees, int64_t ts_ns) {
    const uint64_t spend = sat_add(lamports_in, fees);
    balance_ = balance_ >= spend ? balance_ - spend : 0;
    Position& p = positions_[{strategy, mint}];
    if (p.amount_atoms == 0) {
        p.strategy = strategy;
        p.mint = mint;
        p.pool = pool;
        p.opened_ns = ts_ns;
        p.cost_lamports = 0;
        p.realized_pnl_lamports = 0;
    }
    p.amount_atoms = sat_add(p.amount_atoms, atoms_out);
    p.cost_lamports = sat_add(p.cost_lamports, spend);
    p.updated_ns = ts_ns;
    stats_[strategy].fees_lamports = sat_add(stats_[strategy].fees_lamports, fees);
    return p;
}

int64_t Portfolio::apply_sell(const std::string& strategy, const Pubkey& mint, uint64_t atoms_in,
                              uint64_t lamports_out, uint64_t fees, int64_t ts_ns, bool* closed) {
    *closed = false;
    auto it = positions_.find({strategy, mint});
    if (it == positions_.end() || it->second.amount_atoms == 0) {
        return 0;
    }
    Position& p = it->second;
    atoms_in = std::min(atoms_in, p.amount_atoms);
    // Cost basis of the part sold, proportional to the atoms sold.
    const uint64_t basis = static_cast<uint64_t>(static_cast<unsigned __int128>(p.cost_lamports) *
                                                 atoms_in / p.amount_atoms);
    const uint64_t net = lamports_out >= fees ? lamports_out - fees : 0;
    balance_ = sat_add(balance_, net);
    if (fees > lamports_out) {
        const uint64_t extra = fees - lamports_out;
        balance_ = balance_ >= extra ? balance_ - extra : 0;
    }
    const int64_t pnl = sat_i64(static_cast<__int128>(lamports_out) - fees - basis);
    p.amount_atoms -= atoms_in;
    p.cost_lamports -= basis;
    p.realized_pnl_lamports = sat_add(p.realized_pnl_lamports, pnl);
    p.updated_ns = ts_ns;
    StrategyStats& s = stats_[strategy];
    s.fees_lamports = sat_add(s.fees_lamports, fees);
    record_pnl(s, pnl);
    if (p.amount_atoms == 0) {
        *closed = true;
        ++s.trades;
        if (p.realized_pnl_lamports > 0) {
            ++s.wins;
        }
        positions_.erase(it);
    }
    return pnl;
}

void Portfolio::charge_fee(const std::string& strategy, const Pubkey& mint, uint64_t fees) {
    balance_ = balance_ >= fees ? balance_ - fees : 0;
    StrategyStats& s = stats_[strategy];
    s.fees_lamports = sat_add(s.fees_lamports, fees);
    const int64_t loss = sat_i64(-static_cast<__int128>(fees));
    auto it = positions_.find({strategy, mint});
    if (it != positions_.end()) {
        it->second.realized_pnl_lamports = sat_add(it->second.realized_pnl_lamports, loss);
    }
    record_pnl(s, loss);
}

LedgerChange Portfolio::apply(const Order& o, const ExecReport& r) {
    LedgerChange c;
    const uint64_t cost = sat_add(r.fee_lamports, r.tip_lamports);
    if (r.status == SNP_ORDER_FILLED) {
        c.changed = true;
        if (o.side == SNP_SIDE_BUY) {
            apply_buy(o.strategy, o.mint, o.pool, r.in_amount, r.out_amount, cost, o.land_ns);
        } else {
            c.realized_pnl_lamports =
                apply_sell(o.strategy, o.mint, r.in_amount, r.out_amount, cost, o.land_ns, &c.position_closed);
        }
        Fill& f = c.fill.emplace();
        f.intent_id = o.intent_id;
        f.strategy = o.strategy;
        f.side = o.side;
        f.mint = o.mint;
        f.pool = o.pool;
        f.in_amount = r.in_amount;
        f.out_amount = r.out_amount;
        f.fee_lamports = r.fee_lamports;
        f.tip_lamports = r.tip_lamports;
        f.realized_pnl_lamports = c.realized_pnl_lamports;
        f.ts_ns = o.land_ns;
    } else if (cost != 0) {
        c.changed = true;
        charge_fee(o.strategy, o.mint, cost);
    }
    return c;
}

} // namespace sniper
