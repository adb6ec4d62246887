// example_sniper — buys new pools that pass safety filters and sells on its
// own exit rules (take profit, stop loss, max hold time).
//
// Entry: a NEW_POOL whose token has no mint or freeze authority, enough SOL
// liquidity, most LP burned and a top-10 holder share under the limit.
// Exit: on each POOL_UPDATE of a held token, mark the position at the pool
// price; sell everything at +take_profit_pct, -stop_loss_pct, or after
// max_hold. A sell that fails is retried a few times, then given up (a
// honeypot cannot be sold; the host still reports the position).
#include <sniper/params.hpp>
#include <sniper/strategy.hpp>

#include <cstring>
#include <unordered_map>

namespace {

using sniper::KeyEq;
using sniper::KeyHash;

class ExampleSniper final : public sniper::Strategy {
  public:
    using Strategy::Strategy;

    void init(std::string_view params_json) override {
        const sniper::Params p(params_json);
        buy_lamports_ = p.lamports("buy_sol", 0.1);
        slippage_bps_ = static_cast<uint32_t>(p.number("max_slippage_bps", 300));
        min_liquidity_lamports_ = p.lamports("min_liquidity_sol", 10.0);
        max_top10_bps_ = static_cast<uint32_t>(p.number("max_top10_pct", 35.0) * 100);
        min_lp_burned_bps_ = static_cast<uint32_t>(p.number("min_lp_burned_pct", 90.0) * 100);
        take_profit_ = p.number("take_profit_pct", 60.0) / 100.0;
        stop_loss_ = p.number("stop_loss_pct", 25.0) / 100.0;
        max_hold_ns_ = p.duration_ns("max_hold", 10LL * 60 * 1000000000);
        if (slippage_bps_ == 0 || slippage_bps_ > 10000 || take_profit_ <= 0 || stop_loss_ <= 0 ||
            stop_loss_ >= 1) {
            throw std::invalid_argument("max_slippage_bps must be 1..10000, take_profit_pct > 0, "
                                        "stop_loss_pct in (0, 100)");
        }
    }

    void on_new_pool(const snp_ev_new_pool& ev) override {
        if ((ev.flags & (SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT)) != 0 ||
            ev.quote_reserve_lamports < min_liquidity_lamports_ ||
            ev.top10_holder_bps > max_top10_bps_ || ev.lp_burned_bps < min_lp_burned_bps_ ||
            trading_state() != SNP_TRADING_ACTIVE || held_.count(ev.pool) != 0) {
            return;
        }
        sniper::BuyOptions o;
        o.max_slippage_bps = slippage_bps_;
        o.reason = "new pool passed safety filters";
        buy(ev.base_mint, ev.pool, buy_lamports_, o);
        Holding h;
        h.mint = ev.base_mint;
        h.pool = ev.pool;
        held_.emplace(ev.pool, h);
    }

    void on_order_update(const snp_ev_order_update& ev) override {
        auto it = find_by_mint(ev.mint);
        if (it == held_.end()) {
            return;
        }
        Holding& h = it->second;
        if (ev.side == SNP_SIDE_BUY) {
            if (ev.status == SNP_ORDER_FILLED) {
                h.cost_lamports = ev.in_amount + ev.fee_lamports + ev.tip_lamports;
                h.atoms = ev.out_amount;
                h.opened_ns = now_ns();
                h.open = true;
            } else if (ev.status == SNP_ORDER_REJECTED || ev.status == SNP_ORDER_FAILED ||
                       ev.status == SNP_ORDER_EXPIRED) {
                held_.erase(it);
            }
        } else if (ev.side == SNP_SIDE_SELL) {
            if (ev.status == SNP_ORDER_FILLED) {
                held_.erase(it);
            } else if (ev.status != SNP_ORDER_ACCEPTED) {
                h.exiting = false;
                if (++h.failed_exits >= 3) {
                    warn("giving up on a position that cannot be sold");
                    h.abandoned = true;
                }
            }
        }
    }

    void on_pool_update(const snp_ev_pool_update& ev) override {
        auto it = held_.find(ev.pool);
        if (it == held_.end()) {
            return;
        }
        Holding& h = it->second;
        if (!h.open || h.exiting || h.abandoned || h.atoms == 0 || h.cost_lamports == 0) {
            return;
        }
        // Signal only: the host sizes the sell (SELL_ALL) from its own books.
        const double value = static_cast<double>(h.atoms) * ev.price_lamports_per_atom;
        const double change = value / static_cast<double>(h.cost_lamports) - 1.0;
        const bool timed_out = now_ns() - h.opened_ns >= max_hold_ns_;
        if (change >= take_profit_ || change <= -stop_loss_ || timed_out) {
            h.exiting = true;
            sell_all(h.mint, h.pool, exit_slippage_bps(),
                     change >= take_profit_ ? "take profit" : (timed_out ? "max hold" : "stop loss"));
        }
    }

    std::vector<uint8_t> save_state() override {
        std::vector<uint8_t> out;
        for (const auto& [pool, h] : held_) {
            const auto* p = reinterpret_cast<const uint8_t*>(&h);
            out.insert(out.end(), p, p + sizeof h);
        }
        return out;
    }
    void load_state(const uint8_t* data, size_t size, uint32_t version) override {
        if (version != 1 || size % sizeof(Holding) != 0) {
            throw std::invalid_argument("unknown state layout");
        }
        for (size_t off = 0; off < size; off += sizeof(Holding)) {
            Holding h;
            std::memcpy(&h, data + off, sizeof h);
            held_.emplace(h.pool, h);
        }
    }

  private:
    struct Holding {
        snp_pubkey mint{};
        snp_pubkey pool{};
        uint64_t cost_lamports = 0;
        uint64_t atoms = 0;
        int64_t opened_ns = 0;
        uint32_t failed_exits = 0;
        bool open = false;
        bool exiting = false;
        bool abandoned = false;
    };
    using Map = std::unordered_map<snp_pubkey, Holding, KeyHash, KeyEq>;

    Map::iterator find_by_mint(const snp_pubkey& mint) {
        for (auto it = held_.begin(); it != held_.end(); ++it) {
            if (KeyEq{}(it->second.mint, mint)) {
                return it;
            }
        }
        return held_.end();
    }
    // Exits accept more slippage than entries: getting out matters more.
    uint32_t exit_slippage_bps() const { return slippage_bps_ * 2 > 10000 ? 10000 : slippage_bps_ * 2; }

    uint64_t buy_lamports_ = 0;
    uint32_t slippage_bps_ = 300;
    uint64_t min_liquidity_lamports_ = 0;
    uint32_t max_top10_bps_ = 3500;
    uint32_t min_lp_burned_bps_ = 9000;
    double take_profit_ = 0.6;
    double stop_loss_ = 0.25;
    int64_t max_hold_ns_ = 0;
    Map held_; // by pool
};

} // namespace

SNIPER_EXPORT_STRATEGY(ExampleSniper, "example_sniper", "1.0.0",
                       SNP_EVENT_BIT(SNP_EVENT_NEW_POOL) | SNP_EVENT_BIT(SNP_EVENT_POOL_UPDATE) |
                           SNP_EVENT_BIT(SNP_EVENT_ORDER_UPDATE),
                       1)
