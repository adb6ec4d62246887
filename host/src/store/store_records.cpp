// store/store_records.cpp — the journal's INSERT statements, one per
// StoreRecord kind, and the binding of each record's fields to its
// statement's parameters.
#include "store/store_records.hpp"

namespace sniper::store {

constexpr std::array<const char*, kKinds> kKindNames{
    "intent", "order", "fill", "position", "strategy_pnl", "trading_state", "audit", "equity_sample",
    "send_attempt",
};

constexpr std::array<bool, kKinds> kHasRunId{true, true, true, false, false, true, true, true, true};

constexpr std::array<const char*, kKinds> kInsertSql{
    "INSERT INTO intents (intent_id, strategy, side, mint, pool, amount_in, max_slippage_bps,"
    " flags, client_tag, accepted, reason_code, reason, ts_ns, run_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",

    "INSERT INTO orders (intent_id, strategy, status, side, mint, min_out, detail, ts_ns, fee_lamports, code,"
    " run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",

    "INSERT INTO fills (intent_id, strategy, side, mint, pool, in_amount, out_amount,"
    " fee_lamports, tip_lamports, realized_pnl_lamports, ts_ns, run_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",

    "INSERT INTO positions (strategy, mint, pool, amount_atoms, cost_lamports,"
    " realized_pnl_lamports, opened_ns, updated_ns, stop_loss_bps, take_profit_bps,"
    " trailing_stop_bps, max_hold_ns, peak_value_lamports, pool_fee_bps, base_decimals)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (strategy, mint) DO UPDATE SET pool = excluded.pool,"
    " amount_atoms = excluded.amount_atoms, cost_lamports = excluded.cost_lamports,"
    " realized_pnl_lamports = excluded.realized_pnl_lamports,"
    " opened_ns = excluded.opened_ns, updated_ns = excluded.updated_ns,"
    " stop_loss_bps = excluded.stop_loss_bps, take_profit_bps = excluded.take_profit_bps,"
    " trailing_stop_bps = excluded.trailing_stop_bps, max_hold_ns = excluded.max_hold_ns,"
    " peak_value_lamports = excluded.peak_value_lamports,"
    " pool_fee_bps = excluded.pool_fee_bps, base_decimals = excluded.base_decimals",

    "INSERT INTO strategy_pnl (strategy, trades, wins, realized_pnl_lamports,"
    " peak_pnl_lamports, max_drawdown_lamports, fees_lamports, updated_ns)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (strategy) DO UPDATE SET trades = excluded.trades, wins = excluded.wins,"
    " realized_pnl_lamports = excluded.realized_pnl_lamports,"
    " peak_pnl_lamports = excluded.peak_pnl_lamports,"
    " max_drawdown_lamports = excluded.max_drawdown_lamports,"
    " fees_lamports = excluded.fees_lamports, updated_ns = excluded.updated_ns",

    "INSERT INTO trading_state (state, reason, actor, ts_ns, run_id) VALUES (?, ?, ?, ?, ?)",

    "INSERT INTO audit_log (ts_ns, actor, action, detail, run_id) VALUES (?, ?, ?, ?, ?)",

    "INSERT INTO equity_samples (ts_ns, equity_lamports, balance_lamports, realized_pnl_lamports,"
    " unrealized_pnl_lamports, open_positions, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",

    "INSERT INTO send_attempts (intent_id, attempt, route, signature, tx, tip_tx,"
    " last_valid_block_height, ts_ns, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

void bind_record(Binder& b, const SendAttemptRecord& r) {
    b.u64(r.intent_id);
    b.i64(r.attempt);
    b.text(r.route);
    b.text(r.signature);
    b.blob(r.tx);
    b.blob(r.tip_tx);
    b.u64(r.last_valid_block_height);
    b.i64(r.ts_ns);
}

void bind_record(Binder& b, const IntentRecord& r) {
    b.u64(r.intent_id);
    b.text(r.strategy);
    b.i64(r.side);
    b.key(r.mint);
    b.key(r.pool);
    b.u64(r.amount_in);
    b.i64(r.max_slippage_bps);
    b.i64(r.flags);
    b.u64(r.client_tag);
    b.i64(r.accepted ? 1 : 0);
    b.i64(r.reason_code);
    b.text(r.reason);
    b.i64(r.ts_ns);
}

void bind_record(Binder& b, const OrderRecord& r) {
    b.u64(r.intent_id);
    b.text(r.strategy);
    b.i64(r.status);
    b.i64(r.side);
    b.key(r.mint);
    b.u64(r.min_out);
    b.text(r.detail);
    b.i64(r.ts_ns);
    b.u64(r.fee_lamports);
    b.i64(r.code);
}

void bind_record(Binder& b, const FillRecord& r) {
    b.u64(r.intent_id);
    b.text(r.strategy);
    b.i64(r.side);
    b.key(r.mint);
    b.key(r.pool);
    b.u64(r.in_amount);
    b.u64(r.out_amount);
    b.u64(r.fee_lamports);
    b.u64(r.tip_lamports);
    b.i64(r.realized_pnl_lamports);
    b.i64(r.ts_ns);
}

void bind_record(Binder& b, const PositionRecord& r) {
    b.text(r.strategy);
    b.key(r.mint);
    b.key(r.pool);
    b.u64(r.amount_atoms);
    b.u64(r.cost_lamports);
    b.i64(r.realized_pnl_lamports);
    b.i64(r.opened_ns);
    b.i64(r.updated_ns);
    b.i64(r.stop_loss_bps);
    b.i64(r.take_profit_bps);
    b.i64(r.trailing_stop_bps);
    b.i64(r.max_hold_ns);
    b.u64(r.peak_value_lamports);
    b.i64(r.pool_fee_bps);
    b.i64(r.base_decimals);
}

void bind_record(Binder& b, const StrategyPnlRecord& r) {
    b.text(r.strategy);
    b.u64(r.trades);
    b.u64(r.wins);
    b.i64(r.realized_pnl_lamports);
    b.i64(r.peak_pnl_lamports);
    b.i64(r.max_drawdown_lamports);
    b.u64(r.fees_lamports);
    b.i64(r.updated_ns);
}

void bind_record(Binder& b, const TradingStateRecord& r) {
    b.i64(static_cast<int64_t>(r.state));
    b.text(r.reason);
    b.text(r.actor);
    b.i64(r.ts_ns);
}

void bind_record(Binder& b, const AuditRecord& r) {
    b.i64(r.ts_ns);
    b.text(r.actor);
    b.text(r.action);
    b.text(r.detail);
}

void bind_record(Binder& b, const EquitySampleRecord& r) {
    b.i64(r.ts_ns);
    b.i64(r.equity_lamports);
    b.u64(r.balance_lamports);
    b.i64(r.realized_pnl_lamports);
    b.i64(r.unrealized_pnl_lamports);
    b.i64(r.open_positions);
}

} // namespace sniper::store
