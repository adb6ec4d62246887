// engine/engine_orders.cpp — the order path: intents to the risk gate with
// its inputs (exposure, today's figures, equity), approved orders to the
// executor and the order manager, and every final report applied to the
// ledger and journaled write-ahead.
#include "engine/engine.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "feeds/event_json.hpp"
#include "market/amm.hpp"
#include "risk/utc_day.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <filesystem>
#include <thread>

namespace sniper {

// ------------------------------------------------------------ risk + orders

void Engine::commit_intents(StrategyInstance& s) {
    std::vector<PendingIntent> batch;
    batch.swap(s.pending());
    for (PendingIntent& p : batch) {
        decide_intent(s.name(), s.index(), p);
    }
}

void Engine::decide_intent(const std::string& strategy, uint32_t strategy_index, PendingIntent& p) {
    {
        ++intents_;
        if (breaker_.tier() == CircuitBreaker::Tier::Warning && p.intent.side == SNP_SIDE_BUY && p.intent.amount_in > 1) {
            p.reason += (p.reason.empty() ? "" : " ") + std::string("[circuit breaker warning: size halved from ") +
                        std::to_string(p.intent.amount_in) + "]";
            p.intent.amount_in /= 2;
        }
        if (is_zero(p.intent.pool)) { // ABI 1.1: the route finds the pool (jupiter)
            if (const PoolState* best = pools_.best_for_mint(p.intent.mint)) {
                p.intent.pool = best->pool;
            }
        }
        const snp_intent& in = p.intent;
        const bool sell_all = (in.flags & SNP_INTENT_SELL_ALL) != 0;
        RiskInput ri;
        ri.strategy = &strategy;
        ri.intent = &in;
        ri.state = trading_state();
        ri.pool = pools_.find(in.pool);
        ri.position = portfolio_.find(strategy, in.mint);
        ri.order_in_flight = orders_.in_flight(strategy_index, in.mint);
        ri.open_positions = static_cast<uint32_t>(portfolio_.open_positions()) + orders_.new_buys();
        const uint64_t bal = portfolio_.balance_lamports();
        const uint64_t reserved = orders_.reserved_lamports();
        ri.available_lamports = bal > reserved ? bal - reserved : 0;
        ri.fees_per_order_lamports = executor_->fees_per_order();
        risk_inputs_.fill(strategy, in.mint, now_ns_, ri);
        if (!journal_ok()) {
            ri.state = trading_state(); // a failed journal write halts before any approval
        }
        const RiskDecision d = risk_.check(ri);

        IntentRecord rec;
        rec.intent_id = p.intent_id;
        rec.strategy = strategy;
        rec.side = in.side;
        rec.mint = in.mint;
        rec.pool = in.pool;
        rec.amount_in = in.amount_in;
        rec.max_slippage_bps = in.max_slippage_bps;
        rec.flags = in.flags;
        rec.client_tag = in.client_tag;
        rec.accepted = d.approved();
        rec.reason_code = static_cast<int32_t>(d.reason);
        rec.reason = d.approved() || p.reason.empty() ? (d.approved() ? p.reason : d.message)
                                                      : d.message + " (strategy: " + p.reason + ")";
        rec.ts_ns = now_ns_;
        if (store_ != nullptr) {
            store_->append(rec);
        }
        if (!d.approved()) {
            ++rejections_;
            log::debug("risk", "intent rejected",
                       {{"strategy", strategy}, {"intent_id", p.intent_id},
                        {"mint", to_base58(in.mint)}, {"reason", risk_reason_name(d.reason)},
                        {"detail", d.message}});
            queue_order_update(strategy_index, p.intent_id, in.client_tag, in.mint, in.side,
                               SNP_ORDER_REJECTED, in.amount_in, 0, 0, 0,
                               static_cast<int32_t>(d.reason),
                               std::string(risk_reason_name(d.reason)) + ": " + d.message);
            return;
        }
        Order o;
        o.intent_id = p.intent_id;
        o.strategy_index = strategy_index;
        o.strategy = strategy;
        o.side = in.side;
        o.mint = in.mint;
        o.pool = in.pool;
        o.sell_all = sell_all;
        o.amount_in = (in.side == SNP_SIDE_SELL && sell_all) ? ri.position->amount_atoms : in.amount_in;
        o.client_tag = in.client_tag;
        o.submit_ns = now_ns_;
        o.route = in.route;
        o.max_slippage_bps = in.max_slippage_bps;
        o.stop_loss_bps = in.stop_loss_bps;
        o.take_profit_bps = in.take_profit_bps;
        o.trailing_stop_bps = in.trailing_stop_bps;
        o.max_hold_ns = in.max_hold_ns;
        o.deadline_ns = in.deadline_ns;
        o.max_priority_fee_lamports = in.max_priority_fee_lamports;
        o.max_tip_lamports = in.max_tip_lamports;
        o.min_out = amm::min_out_for(executor_->quote(*ri.pool, in.side, o.amount_in),
                                     in.max_slippage_bps);
        const bool is_buy = in.side == SNP_SIDE_BUY;
        const uint64_t reserve = is_buy ? in.amount_in + executor_->fees_per_order() : 0;
        const bool opens_position = is_buy && ri.position == nullptr;
        if (store_ != nullptr) {
            store_->append(order_row(o, SNP_ORDER_ACCEPTED, {}));
        }
        o.land_ns = executor_->submit(o, now_ns_);
        if (o.land_ns != 0) {
            schedule(o.land_ns, 1, o.intent_id); // a simulated venue settles it then
        }
        queue_order_update(strategy_index, o.intent_id, o.client_tag, o.mint, o.side, SNP_ORDER_ACCEPTED,
                           o.amount_in, 0, 0, 0, 0, {});
        orders_.add(std::move(o), reserve, opens_position);
    }
}

void Engine::land(uint64_t intent_id) {
    const Order* held = orders_.find(intent_id);
    if (held == nullptr) {
        return;
    }
    ExecReport out = executor_->settle(*held);
    apply_report(std::move(out));
}

void Engine::on_exec_report(ExecReport r) {
    if (r.final()) {
        apply_report(std::move(r));
        return;
    }
    const Order* o = orders_.find(r.intent_id);
    if (o == nullptr || r.status != SNP_ORDER_SENT) {
        return; // settled already, or progress nobody needs
    }
    if (store_ != nullptr) {
        store_->append(order_row(*o, SNP_ORDER_SENT, r.reason)); // the attempt and its signature
    }
    queue_order_update(o->strategy_index, o->intent_id, o->client_tag, o->mint, o->side, SNP_ORDER_SENT,
                       o->amount_in, 0, 0, 0, 0, r.reason);
    stamp_transaction(r);
}

void Engine::stamp_transaction(const ExecReport& r) {
    // ABI 1.1: the live transaction behind the update just queued.
    snp_ev_order_update& u = deliveries_.back().ev.order_update;
    std::copy(r.signature.begin(), r.signature.end(), u.signature);
    u.landed_slot = r.status == SNP_ORDER_SENT ? 0 : r.slot;
    u.attempt = r.attempt;
}

void Engine::apply_report(ExecReport out) {
    if (!out.final()) {
        return; // progress (live): nothing for the ledger yet
    }
    std::optional<Order> taken = orders_.take(out.intent_id);
    if (!taken) {
        return; // already settled: a report is applied once
    }
    Order o = std::move(*taken);
    if (o.land_ns == 0) {
        o.land_ns = now_ns_;
    }
    // The order's outcome, fill, position and PnL commit together, and
    // before anyone hears of the fill (write-ahead): a crash either loses
    // the landing as a whole (settled as expired at the next start) or
    // keeps it whole.
    std::vector<StoreRecord> group;
    group_ = &group;
    const StrategyStats before = portfolio_.stats(o.strategy);
    const LedgerChange change = portfolio_.apply(o, out);
    // Today's realized PnL and fees, for the daily limits.
    risk_inputs_.on_settled(o, out, before, portfolio_.stats(o.strategy), change.realized_pnl_lamports, now_ns_);
    if (!restoring_) { // at restore the balance and prices are not known yet
        risk_inputs_.note_equity(equity_lamports());
    }
    if (o.side == SNP_SIDE_BUY && out.status == SNP_ORDER_FILLED) {
        protection_.arm(o);
    }
    OrderRecord orec = order_row(o, out.status, out.reason);
    orec.fee_lamports = out.fee_lamports + out.tip_lamports;
    orec.code = out.code;
    if (store_ != nullptr) {
        journal(orec);
    }
    if (change.fill && store_ != nullptr) {
        journal(*change.fill);
    }
    if (out.fee_lamports != 0 || out.status == SNP_ORDER_FILLED) {
        journal_position(o.strategy, o.mint, o.pool);
        journal_pnl(o.strategy);
    }
    group_ = nullptr;
    if (store_ != nullptr) {
        store_->append_group(std::move(group));
        if (out.status == SNP_ORDER_FILLED) {
            store_->flush(); // durable before the strategy, the snapshot or a retry sees it
        }
    }
    // A failed write-ahead commit halts trading before the landing is
    // logged or reported: nobody hears of a fill the journal does not hold.
    const bool journaled = journal_ok();
    if (out.status == SNP_ORDER_FILLED) {
        ++fills_;
        if (journaled) {
            log::info("exec", std::string(executor_->name()) + (o.side == SNP_SIDE_BUY ? " buy filled" : " sell filled"),
                      {{"strategy", o.strategy}, {"intent_id", o.intent_id}, {"mint", to_base58(o.mint)},
                       {"in", out.in_amount}, {"out", out.out_amount},
                       {"fee_lamports", out.fee_lamports + out.tip_lamports},
                       {"pnl_lamports", change.realized_pnl_lamports}});
        } else {
            log::error("exec", "fill NOT journaled (journal failed, trading HALTED)",
                       {{"strategy", o.strategy}, {"intent_id", o.intent_id}, {"mint", to_base58(o.mint)},
                        {"side", side_name(o.side)}, {"in", out.in_amount}, {"out", out.out_amount}});
        }
    } else {
        ++failed_orders_;
        log::info("exec", std::string(executor_->name()) + " order " + order_status_name(out.status),
                  {{"strategy", o.strategy}, {"intent_id", o.intent_id}, {"mint", to_base58(o.mint)},
                   {"side", side_name(o.side)}, {"code", out.code}, {"reason", out.reason}});
    }
    if (!restoring_) {
        check_breaker();
    }
    const bool filled = out.status == SNP_ORDER_FILLED;
    if (std::optional<HostExits::Exit> exit = exits_.take(o.intent_id)) {
        if (exit->purpose == HostExits::Purpose::Flatten) {
            flatten_.on_exit_settled(*exit, filled, out.reason);
        } else {
            protection_.on_exit_settled(*exit, filled, out.reason, now_ns_);
        }
    }
    protection_.forget_if_closed(o.strategy, o.mint);
    if (o.side == SNP_SIDE_BUY && filled) {
        flatten_.on_buy_filled(o.strategy, o.mint, o.pool);
    }
    finish_flatten_if_done();
    queue_order_update(o.strategy_index, o.intent_id, o.client_tag, o.mint, o.side, out.status,
                       out.in_amount, out.out_amount, out.fee_lamports, out.tip_lamports, out.code,
                       out.reason);
    stamp_transaction(out);
}

OrderRecord Engine::order_row(const Order& o, uint32_t status, std::string detail) const {
    OrderRecord r;
    r.intent_id = o.intent_id;
    r.strategy = o.strategy;
    r.status = status;
    r.side = o.side;
    r.mint = o.mint;
    r.min_out = o.min_out;
    r.detail = std::move(detail);
    r.ts_ns = now_ns_;
    return r;
}

void Engine::journal(StoreRecord r) {
    if (group_ != nullptr) {
        group_->push_back(std::move(r));
    } else if (store_ != nullptr) {
        store_->append(std::move(r));
    }
}

void Engine::journal_position(const std::string& strategy, const Pubkey& mint, const Pubkey& pool) {
    if (store_ == nullptr) {
        return;
    }
    // The ledger's position as it is now; a closed one as a zero row.
    const Position* p = portfolio_.find(strategy, mint);
    PositionRecord r = p != nullptr ? *p : Position{};
    r.strategy = strategy;
    r.mint = mint;
    r.pool = pool;
    r.updated_ns = now_ns_;
    // The pool's fee and decimals, so a restart knows them before its
    // NEW_POOL (PoolBook::adopt); kept as restored while still unknown.
    if (const PoolState* ps = pools_.find(pool); ps != nullptr && ps->facts_known) {
        r.pool_fee_bps = static_cast<int32_t>(ps->fee_bps);
        r.base_decimals = ps->decimals;
    }
    journal(r);
}

void Engine::journal_pnl(const std::string& strategy) {
    if (store_ == nullptr) {
        return;
    }
    StrategyPnlRecord r;
    static_cast<StrategyStats&>(r) = portfolio_.stats(strategy);
    r.strategy = strategy;
    r.updated_ns = now_ns_;
    journal(r);
}

void Engine::queue_order_update(uint32_t strategy, uint64_t intent_id, uint64_t client_tag,
                                const Pubkey& mint, uint32_t side, uint32_t status,
                                uint64_t in_amount, uint64_t out_amount, uint64_t fee, uint64_t tip,
                                int32_t code, std::string reason) {
    Delivery d;
    d.strategy = strategy;
    init_event(d.ev, SNP_EVENT_ORDER_UPDATE);
    auto& u = d.ev.order_update;
    u.intent_id = intent_id;
    u.client_tag = client_tag;
    u.mint = mint;
    u.status = status;
    u.side = side;
    u.in_amount = in_amount;
    u.out_amount = out_amount;
    u.fee_lamports = fee;
    u.tip_lamports = tip;
    u.reason_code = code;
    d.reason = std::move(reason);
    deliveries_.push_back(std::move(d));
}

} // namespace sniper
