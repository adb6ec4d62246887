// engine/protection.cpp — see protection.hpp.
#include "engine/protection.hpp"

#include "core/log.hpp"
#include "market/amm.hpp"

#include <algorithm>
#include <vector>

namespace sniper {

namespace {
constexpr int64_t kBackoffNs = 60 * kNsPerSec;
} // namespace

void Protection::arm(const Order& o) {
    Position* pos = portfolio_.find_mut(o.strategy, o.mint);
    if (pos == nullptr) {
        return;
    }
    // Intent value > 0: that value; 0: the [protection] default; < 0: none.
    const auto pick = [](int32_t v, const std::optional<uint32_t>& def) -> uint32_t {
        return v > 0 ? static_cast<uint32_t>(v) : v < 0 ? 0u : def.value_or(0u);
    };
    pos->stop_loss_bps = pick(o.stop_loss_bps, defaults_.stop_loss_bps);
    pos->take_profit_bps = pick(o.take_profit_bps, defaults_.take_profit_bps);
    pos->trailing_stop_bps = pick(o.trailing_stop_bps, defaults_.trailing_stop_bps);
    pos->max_hold_ns = o.max_hold_ns > 0 ? o.max_hold_ns
                       : o.max_hold_ns < 0 ? 0
                                           : defaults_.max_hold_ns.value_or(0);
    if (const PoolState* pool = pools_.find(pos->pool)) {
        pos->peak_value_lamports = std::max<uint64_t>(
            pos->peak_value_lamports,
            amm::mark_value(pos->amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports));
    }
    state_.erase({o.strategy, o.mint}); // new limits: a fresh start
}

void Protection::check_pool(const Pubkey& pool, int64_t now_ns) {
    std::vector<std::pair<std::string, Pubkey>> keys;
    for (const auto& [key, p] : portfolio_.positions()) {
        if (p.pool == pool && p.protected_any()) {
            keys.push_back(key);
        }
    }
    for (const auto& [strategy, mint] : keys) {
        check(strategy, mint, now_ns);
    }
}

void Protection::check_all(int64_t now_ns) {
    std::vector<std::pair<std::string, Pubkey>> keys;
    for (const auto& [key, p] : portfolio_.positions()) {
        if (p.protected_any()) {
            keys.push_back(key);
        }
    }
    for (const auto& [strategy, mint] : keys) {
        check(strategy, mint, now_ns);
    }
}

void Protection::check(const std::string& strategy, const Pubkey& mint, int64_t now_ns) {
    Position* p = portfolio_.find_mut(strategy, mint);
    if (p == nullptr || p->amount_atoms == 0 || !p->protected_any()) {
        return;
    }
    uint64_t value = 0;
    const PoolState* pool = pools_.find(p->pool);
    // A pool known without reserves yet (adopted after a restart from its
    // safety facts, before its first update) has no price: no price rule
    // applies to it (its value is not 0).
    const bool priced = pool != nullptr && pool->base_reserve_atoms > 0 && pool->quote_reserve_lamports > 0;
    if (priced) {
        value = amm::mark_value(p->amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports);
        p->peak_value_lamports = std::max(p->peak_value_lamports, value);
    }
    if (pool != nullptr && pool->complete) {
        return; // a completed curve takes no trade: the exit waits for the coin's new pool (follow_migration)
    }
    if (exits_.in_flight(HostExits::Purpose::Protection, strategy, mint)) {
        return; // one exit in flight per position
    }
    const auto key = std::make_pair(strategy, mint);
    auto st = state_.find(key);
    if (st != state_.end() && now_ns < st->second.retry_at_ns &&
        (st->second.failed || st->second.refused_state == trading_state())) {
        return; // backing off: no resend on every event
    }
    using u128 = unsigned __int128;
    const auto scaled = [](uint64_t base, uint64_t num) {
        const u128 v = static_cast<u128>(base) * num / 10000u;
        return v > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(v);
    };
    const char* rule = nullptr;
    if (priced) {
        if (p->stop_loss_bps != 0 &&
            value <= scaled(p->cost_lamports, 10000u - std::min<uint32_t>(p->stop_loss_bps, 10000u))) {
            rule = "stop_loss";
        } else if (p->trailing_stop_bps != 0 && p->peak_value_lamports > 0 &&
                   value <= scaled(p->peak_value_lamports,
                                   10000u - std::min<uint32_t>(p->trailing_stop_bps, 10000u))) {
            rule = "trailing_stop";
        } else if (p->take_profit_bps != 0 &&
                   value >= scaled(p->cost_lamports, 10000ull + p->take_profit_bps)) {
            rule = "take_profit";
        }
    }
    if (rule == nullptr && p->max_hold_ns != 0 && now_ns - p->opened_ns >= p->max_hold_ns) {
        rule = "max_hold";
    }
    if (rule == nullptr) {
        return;
    }
    State& ps = state_[key];
    if (!ps.logged) {
        ps.logged = true;
        ++exits_by_rule_[rule];
        log::warn("protection", "position protection triggered: exiting",
                  {{"strategy", strategy}, {"mint", to_base58(mint)}, {"rule", rule},
                   {"value_lamports", value}, {"cost_lamports", p->cost_lamports},
                   {"peak_lamports", p->peak_value_lamports},
                   {"held_ns", static_cast<uint64_t>(std::max<int64_t>(0, now_ns - p->opened_ns))}});
    }
    // After every attempt failed: one attempt per retry period.
    send(strategy, mint, p->pool, rule, ps.failed ? HostExits::kMaxAttempts : 1, now_ns);
}

bool Protection::send(const std::string& strategy, const Pubkey& mint, const Pubkey& pool,
                      const std::string& rule, uint32_t attempt, int64_t now_ns) {
    if (exits_.send({HostExits::Purpose::Protection, strategy, mint, pool, rule, attempt}, "protection: " + rule) != 0) {
        return true;
    }
    // Refused (HALTED, an order of the strategy in flight, ...): wait for
    // the state to change or the back-off to pass.
    State& ps = state_[{strategy, mint}];
    ps.retry_at_ns = now_ns + kBackoffNs;
    ps.refused_state = trading_state();
    return false;
}

void Protection::on_exit_settled(const HostExits::Exit& exit, bool filled, const std::string& why,
                                 int64_t now_ns) {
    if (filled || portfolio_.find(exit.strategy, exit.mint) == nullptr) {
        return;
    }
    if (exit.attempt < HostExits::kMaxAttempts) {
        send(exit.strategy, exit.mint, exit.pool, exit.rule, exit.attempt + 1, now_ns);
        return;
    }
    State& ps = state_[{exit.strategy, exit.mint}];
    if (!ps.failed) {
        ps.failed = true;
        ++exit_failures_;
        log::error("protection",
                   "position protection: exit failed every attempt; the position stays open, retried "
                   "every 60 s",
                   {{"strategy", exit.strategy}, {"mint", to_base58(exit.mint)}, {"rule", exit.rule},
                    {"attempts", exit.attempt}, {"reason", why}});
    }
    ps.retry_at_ns = now_ns + kBackoffNs;
}

void Protection::forget_if_closed(const std::string& strategy, const Pubkey& mint) {
    if (portfolio_.find(strategy, mint) == nullptr) {
        state_.erase({strategy, mint});
    }
}

bool Protection::exit_failed(const std::pair<std::string, Pubkey>& position) const {
    auto it = state_.find(position);
    return it != state_.end() && it->second.failed;
}

} // namespace sniper
