// throws_in_on_event — submits an intent and then throws on every pool
// update: the intent must be discarded, the faults counted, and the
// strategy disabled after the configured number of faults.
#include <sniper/strategy.hpp>

namespace {
class ThrowsInOnEvent final : public sniper::Strategy {
  public:
    using Strategy::Strategy;
    void on_new_pool(const snp_ev_new_pool& ev) override {
        buy(ev.base_mint, ev.pool, 100000000);
        throw std::runtime_error("boom in on_event");
    }
};
} // namespace

SNIPER_EXPORT_STRATEGY(ThrowsInOnEvent, "throws_in_on_event", "1.0.0",
                       SNP_EVENT_BIT(SNP_EVENT_NEW_POOL), 1)
