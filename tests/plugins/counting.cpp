// counting — counts every event by type and sequence, for tests. Params:
// {"buy_on_new_pool": bool, "buy_sol": number, "slippage_bps": number,
//  "sell_after_updates": number} make it trade in a predictable way.
#include <sniper/params.hpp>
#include <sniper/strategy.hpp>

#include <cstdio>
#include <map>

namespace {
class Counting final : public sniper::Strategy {
  public:
    using Strategy::Strategy;
    void init(std::string_view params) override {
        const sniper::Params p(params);
        buy_ = p.boolean("buy_on_new_pool", false);
        buy_lamports_ = p.lamports("buy_sol", 0.1);
        slippage_ = static_cast<uint32_t>(p.number("slippage_bps", 300));
        sell_after_ = static_cast<int>(p.number("sell_after_updates", 0));
    }
    void on_new_pool(const snp_ev_new_pool& ev) override {
        count(ev.h);
        if (buy_) {
            sniper::BuyOptions o;
            o.max_slippage_bps = slippage_;
            buy(ev.base_mint, ev.pool, buy_lamports_, o);
        }
    }
    void on_pool_update(const snp_ev_pool_update& ev) override {
        count(ev.h);
        if (sell_after_ > 0) {
            snp_position pos;
            if (position(ev.base_mint, pos) && ++updates_[ev.pool.bytes[0]] >= sell_after_) {
                updates_[ev.pool.bytes[0]] = 0;
                sell_all(ev.base_mint, ev.pool, 10000, "test exit");
            }
        }
    }
    void on_trade(const snp_ev_trade& ev) override { count(ev.h); }
    void on_pool_safety(const snp_ev_pool_safety& ev) override { count(ev.h); }
    void on_curve_complete(const snp_ev_curve_complete& ev) override { count(ev.h); }
    void on_order_update(const snp_ev_order_update& ev) override { count(ev.h); }
    void on_timer(const snp_ev_timer& ev) override { count(ev.h); }
    // Carried across hot reloads: the count and the last sequence number,
    // so a lost, repeated or reordered event after a reload is detected.
    std::vector<uint8_t> save_state() override {
        std::vector<uint8_t> out(2 * sizeof(uint64_t));
        std::memcpy(out.data(), &events_, sizeof events_);
        std::memcpy(out.data() + sizeof events_, &last_seq_, sizeof last_seq_);
        return out;
    }
    void load_state(const uint8_t* data, size_t size, uint32_t version) override {
        if (version != 1 || size != 2 * sizeof(uint64_t)) {
            throw std::runtime_error("unknown state");
        }
        std::memcpy(&events_, data, sizeof events_);
        std::memcpy(&last_seq_, data + sizeof events_, sizeof last_seq_);
    }

  private:
    void count(const snp_event_header& h) {
        if (h.seq <= last_seq_) {
            throw std::runtime_error("sequence went backwards");
        }
        last_seq_ = h.seq;
        ++events_;
    }
    bool buy_ = false;
    uint64_t buy_lamports_ = 0;
    uint32_t slippage_ = 300;
    int sell_after_ = 0;
    uint64_t events_ = 0;
    uint64_t last_seq_ = 0;
    std::map<uint8_t, int> updates_;
};
} // namespace

#ifndef COUNTING_VERSION
#define COUNTING_VERSION "1.0.0"
#endif

SNIPER_EXPORT_STRATEGY(Counting, "counting", COUNTING_VERSION,
                       SNP_EVENT_BIT(SNP_EVENT_NEW_POOL) | SNP_EVENT_BIT(SNP_EVENT_POOL_UPDATE) |
                           SNP_EVENT_BIT(SNP_EVENT_TRADE) | SNP_EVENT_BIT(SNP_EVENT_ORDER_UPDATE) |
                           SNP_EVENT_BIT(SNP_EVENT_TIMER) | SNP_EVENT_BIT(SNP_EVENT_POOL_SAFETY) |
                           SNP_EVENT_BIT(SNP_EVENT_CURVE_COMPLETE),
                       1)
