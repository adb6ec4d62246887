// example_momentum — trades established pools on price momentum.
//
// Keeps the last `lookback` prices of every pool with enough liquidity.
// Buys when the price rose entry_change_pct over the window; sells all
// when the change over the window falls to exit_change_pct (negative) or
// the position is up take_profit_pct. After an exit it waits `cooldown`
// before entering the same pool again. Pools quiet for 10 minutes are
// forgotten so memory stays bounded.
#include <sniper/params.hpp>
#include <sniper/strategy.hpp>

#include <cstring>
#include <unordered_map>
#include <vector>

namespace {

using sniper::KeyEq;
using sniper::KeyHash;

class ExampleMomentum final : public sniper::Strategy {
  public:
    using Strategy::Strategy;

    void init(std::string_view params_json) override {
        const sniper::Params p(params_json);
        buy_lamports_ = p.lamports("buy_sol", 0.05);
        const double lb = p.number("lookback", 10);
        entry_ = p.number("entry_change_pct", 8.0) / 100.0;
        exit_ = p.number("exit_change_pct", -5.0) / 100.0;
        take_profit_ = p.number("take_profit_pct", 30.0) / 100.0;
        slippage_bps_ = static_cast<uint32_t>(p.number("max_slippage_bps", 300));
        min_liquidity_lamports_ = p.lamports("min_liquidity_sol", 20.0);
        cooldown_ns_ = p.duration_ns("cooldown", 5LL * 60 * 1000000000);
        if (!(lb >= 2 && lb <= 1000) || entry_ <= 0 || exit_ >= 0 || slippage_bps_ == 0 ||
            slippage_bps_ > 10000) {
            throw std::invalid_argument("lookback must be 2..1000, entry_change_pct > 0, "
                                        "exit_change_pct < 0, max_slippage_bps 1..10000");
        }
        lookback_ = static_cast<size_t>(lb);
    }

    void on_new_pool(const snp_ev_new_pool& ev) override {
        if ((ev.flags & SNP_POOL_FREEZE_AUTHORITY_PRESENT) != 0) {
            return; // cannot be sure a sell will go through
        }
        Track t;
        t.mint = ev.base_mint;
        t.prices.assign(lookback_, 0.0);
        tracks_.emplace(ev.pool, std::move(t));
        maybe_prune(ev.h.source_ns);
    }

    void on_pool_update(const snp_ev_pool_update& ev) override {
        auto it = tracks_.find(ev.pool);
        if (it == tracks_.end()) {
            return;
        }
        Track& t = it->second;
        t.last_ns = ev.h.source_ns;
        const double oldest = t.prices[t.next];
        t.prices[t.next] = ev.price_lamports_per_atom;
        t.next = (t.next + 1) % lookback_;
        if (t.filled < lookback_) {
            ++t.filled;
            return;
        }
        const double change = ev.price_lamports_per_atom / oldest - 1.0;
        if (t.state == State::Flat) {
            if (ev.h.source_ns >= t.cooldown_until_ns && change >= entry_ && ev.quote_reserve_lamports >= min_liquidity_lamports_ &&
                trading_state() == SNP_TRADING_ACTIVE) {
                sniper::BuyOptions o;
                o.max_slippage_bps = slippage_bps_;
                o.reason = "momentum entry";
                buy(t.mint, ev.pool, buy_lamports_, o);
                t.state = State::Entering;
            }
        } else if (t.state == State::Long) {
            const double value = static_cast<double>(t.atoms) * ev.price_lamports_per_atom;
            const double pnl = value / static_cast<double>(t.cost_lamports) - 1.0;
            if (change <= exit_ || pnl >= take_profit_) {
                sell_all(t.mint, ev.pool, slippage_bps_ * 2 > 10000 ? 10000 : slippage_bps_ * 2,
                         pnl >= take_profit_ ? "take profit" : "momentum lost");
                t.state = State::Exiting;
            }
        }
    }

    void on_order_update(const snp_ev_order_update& ev) override {
        for (auto& [pool, t] : tracks_) {
            if (!KeyEq{}(t.mint, ev.mint)) {
                continue;
            }
            if (ev.status == SNP_ORDER_ACCEPTED) {
                return;
            }
            const bool filled = ev.status == SNP_ORDER_FILLED;
            if (ev.side == SNP_SIDE_BUY) {
                t.state = filled ? State::Long : State::Flat;
                if (filled) {
                    t.atoms = ev.out_amount;
                    t.cost_lamports = ev.in_amount + ev.fee_lamports + ev.tip_lamports;
                } else {
                    // Refused or failed: do not hammer the gate every update.
                    t.cooldown_until_ns = now_ns() + cooldown_ns_ / 5;
                }
            } else {
                if (filled) {
                    t.state = State::Flat;
                    t.atoms = 0;
                    t.cooldown_until_ns = now_ns() + cooldown_ns_;
                } else {
                    t.state = ++t.failed_exits >= 3 ? State::Stuck : State::Long;
                }
            }
            return;
        }
    }

  private:
    enum class State : uint8_t { Flat, Entering, Long, Exiting, Stuck };
    struct Track {
        snp_pubkey mint{};
        std::vector<double> prices;
        size_t next = 0;
        size_t filled = 0;
        int64_t last_ns = 0;
        int64_t cooldown_until_ns = 0;
        State state = State::Flat;
        uint64_t atoms = 0;
        uint64_t cost_lamports = 0;
        uint32_t failed_exits = 0;
    };

    void maybe_prune(int64_t now) {
        if (now - last_prune_ns_ < 60'000'000'000LL) {
            return;
        }
        last_prune_ns_ = now;
        for (auto it = tracks_.begin(); it != tracks_.end();) {
            const bool quiet = it->second.last_ns != 0 && now - it->second.last_ns > 600'000'000'000LL;
            if (quiet && (it->second.state == State::Flat || it->second.state == State::Stuck)) {
                it = tracks_.erase(it);
            } else {
                ++it;
            }
        }
    }

    uint64_t buy_lamports_ = 0;
    size_t lookback_ = 10;
    double entry_ = 0.08, exit_ = -0.05, take_profit_ = 0.3;
    uint32_t slippage_bps_ = 300;
    uint64_t min_liquidity_lamports_ = 0;
    int64_t cooldown_ns_ = 0; // after an exit; a fifth of it after a refused entry
    int64_t last_prune_ns_ = 0;
    std::unordered_map<snp_pubkey, Track, KeyHash, KeyEq> tracks_;
};

} // namespace

SNIPER_EXPORT_STRATEGY(ExampleMomentum, "example_momentum", "1.0.0",
                       SNP_EVENT_BIT(SNP_EVENT_NEW_POOL) | SNP_EVENT_BIT(SNP_EVENT_POOL_UPDATE) |
                           SNP_EVENT_BIT(SNP_EVENT_ORDER_UPDATE),
                       1)
