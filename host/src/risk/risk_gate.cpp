#include "risk/risk_gate.hpp"

#include <exception>

namespace sniper {

const char* risk_reason_name(RiskReason r) {
    switch (r) {
    case RiskReason::None:
        return "none";
    case RiskReason::Halted:
        return "halted";
    case RiskReason::Reducing:
        return "reducing";
    case RiskReason::InvalidIntent:
        return "invalid_intent";
    case RiskReason::MaxOrderSize:
        return "max_order_size";
    case RiskReason::MaxOpenPositions:
        return "max_open_positions";
    case RiskReason::MaxSlippage:
        return "max_slippage";
    case RiskReason::NoPosition:
        return "no_position";
    case RiskReason::UnknownPool:
        return "unknown_pool";
    case RiskReason::NoPrice:
        return "no_price";
    case RiskReason::InsufficientBalance:
        return "insufficient_balance";
    case RiskReason::DuplicatePending:
        return "duplicate_pending";
    case RiskReason::InternalError:
        return "internal_error";
    }
    return "unknown";
}

size_t risk_reason_index(RiskReason r) {
    const auto v = static_cast<int32_t>(r);
    return v == 0 ? 0 : static_cast<size_t>(v - 1000);
}

namespace {
RiskDecision reject(RiskReason r, std::string msg) { return RiskDecision{r, std::move(msg)}; }
std::string sol(uint64_t lamports) {
    return std::to_string(lamports / kLamportsPerSol) + "." +
           std::to_string(lamports % kLamportsPerSol + kLamportsPerSol).substr(1) + " SOL";
}
} // namespace

RiskDecision RiskGate::evaluate(const RiskInput& in) const {
    if (in.intent == nullptr || in.strategy == nullptr) {
        return reject(RiskReason::InvalidIntent, "no intent");
    }
    const snp_intent& it = *in.intent;
    const bool buy = it.side == SNP_SIDE_BUY;
    if (it.side != SNP_SIDE_BUY && it.side != SNP_SIDE_SELL) {
        return reject(RiskReason::InvalidIntent, "side must be buy or sell");
    }
    // Trading state first: nothing else matters when halted.
    if (in.state == TradingState::Halted) {
        return reject(RiskReason::Halted, "trading is HALTED");
    }
    if (in.state == TradingState::Reducing && buy) {
        return reject(RiskReason::Reducing, "trading is REDUCING: only exits are allowed");
    }
    if (in.state != TradingState::Active && in.state != TradingState::Reducing) {
        return reject(RiskReason::Halted, "unknown trading state");
    }
    const bool sell_all = (it.flags & SNP_INTENT_SELL_ALL) != 0;
    if (it.amount_in == 0 && !(it.side == SNP_SIDE_SELL && sell_all)) {
        return reject(RiskReason::InvalidIntent, "amount must be positive");
    }
    if (it.max_slippage_bps == 0 || it.max_slippage_bps > 10000) {
        return reject(RiskReason::InvalidIntent, "max_slippage_bps must be 1..10000");
    }
    // The slippage limit bounds what an entry may pay. Exits are not held
    // to it: a position in a collapsing pool must be able to get out.
    if (buy && it.max_slippage_bps > limits_.max_slippage_bps) {
        return reject(RiskReason::MaxSlippage, "slippage " + std::to_string(it.max_slippage_bps) +
                                                   " bps above limit " +
                                                   std::to_string(limits_.max_slippage_bps) + " bps");
    }
    if (in.pool == nullptr || in.pool->mint != it.mint) {
        return reject(RiskReason::UnknownPool, in.pool == nullptr ? "pool not known to the host"
                                                                  : "pool does not trade this mint");
    }
    if (in.pool->base_reserve_atoms == 0 || in.pool->quote_reserve_lamports == 0) {
        return reject(RiskReason::NoPrice, "pool has no valid reserves");
    }
    if (in.order_in_flight) {
        return reject(RiskReason::DuplicatePending, "an order for this mint is still in flight");
    }
    if (buy) {
        if (it.amount_in > limits_.max_order_lamports) {
            return reject(RiskReason::MaxOrderSize, "order " + sol(it.amount_in) + " above limit " +
                                                        sol(limits_.max_order_lamports));
        }
        if (in.position == nullptr && in.open_positions >= limits_.max_open_positions) {
            return reject(RiskReason::MaxOpenPositions,
                          std::to_string(in.open_positions) + " open positions, limit " +
                              std::to_string(limits_.max_open_positions));
        }
        const uint64_t need = it.amount_in + in.fees_per_order_lamports;
        if (need < it.amount_in || need > in.available_lamports) {
            return reject(RiskReason::InsufficientBalance,
                          "need " + sol(need) + ", available " + sol(in.available_lamports));
        }
    } else {
        if (in.position == nullptr || in.position->amount_atoms == 0) {
            return reject(RiskReason::NoPosition, "no position to sell");
        }
        if (!sell_all && it.amount_in > in.position->amount_atoms) {
            return reject(RiskReason::InvalidIntent,
                          "sell of " + std::to_string(it.amount_in) + " atoms exceeds the position of " +
                              std::to_string(in.position->amount_atoms));
        }
    }
    return RiskDecision{};
}

RiskDecision RiskGate::check(const RiskInput& in) {
    RiskDecision d;
    try {
        d = evaluate(in);
    } catch (const std::exception& e) {
        d = reject(RiskReason::InternalError, std::string("risk check failed: ") + e.what());
    } catch (...) {
        d = reject(RiskReason::InternalError, "risk check failed");
    }
    if (d.approved()) {
        ++approved_;
    } else {
        ++rejected_;
        const size_t i = risk_reason_index(d.reason);
        ++by_reason_[i];
        if (in.strategy != nullptr) {
            ++by_strategy_[*in.strategy][i];
        }
    }
    return d;
}

} // namespace sniper
