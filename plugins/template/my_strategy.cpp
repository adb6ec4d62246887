// my_strategy — a starting point. Rename the class, the file and the
// strategy name ("my_strategy"), then fill in the callbacks you need.
// See README.md next to this file and sdk/README.md for the ABI rules.
#include <sniper/params.hpp>
#include <sniper/strategy.hpp>

namespace {

class MyStrategy final : public sniper::Strategy {
  public:
    using Strategy::Strategy;

    // [strategies.my_strategy] from the config, as JSON. Throw to refuse.
    void init(std::string_view params_json) override {
        const sniper::Params p(params_json);
        buy_lamports_ = p.lamports("buy_sol", 0.01);
    }

    void on_new_pool(const snp_ev_new_pool& ev) override {
        // Example rule: never touch a token whose authorities are still live.
        if ((ev.flags & (SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT)) != 0) {
            return;
        }
        (void)buy_lamports_; // buy(ev.base_mint, ev.pool, buy_lamports_);
    }

    void on_order_update(const snp_ev_order_update& ev) override {
        if (ev.status == SNP_ORDER_REJECTED) {
            warn("intent rejected by the risk gate");
        }
    }

  private:
    uint64_t buy_lamports_ = 0;
};

} // namespace

SNIPER_EXPORT_STRATEGY(MyStrategy, "my_strategy", "0.1.0",
                       SNP_EVENT_BIT(SNP_EVENT_NEW_POOL) | SNP_EVENT_BIT(SNP_EVENT_ORDER_UPDATE), 1)
