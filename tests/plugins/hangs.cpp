// hangs — a strategy that stops returning, for the hang watchdog tests.
// Params: {"mode": "sleep" | "spin" | "slow", "after": N, "slow_ms": M,
// "in_create": bool}. After N pool updates on_event sleeps forever
// ("sleep"), spins forever ("spin"), or from then on takes M ms per call
// ("slow"); with in_create it hangs in create instead. Before that it
// buys on every new pool, so a test has positions for protection to guard.
#include <sniper/params.hpp>
#include <sniper/strategy.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace {
std::atomic<uint64_t> g_sink{0};

[[noreturn]] void hang(const std::string& mode) {
    if (mode == "spin") {
        for (uint64_t i = 0;; ++i) {
            g_sink.store(i, std::memory_order_relaxed);
        }
    }
    for (;;) {
        std::this_thread::sleep_for(std::chrono::hours(1));
    }
}

class Hangs final : public sniper::Strategy {
  public:
    using Strategy::Strategy;
    void init(std::string_view params) override {
        const sniper::Params p(params);
        mode_ = p.string("mode", "sleep");
        after_ = static_cast<int64_t>(p.number("after", 0));
        slow_ms_ = static_cast<int64_t>(p.number("slow_ms", 50));
        if (p.boolean("in_create", false)) {
            hang(mode_);
        }
    }
    void on_new_pool(const snp_ev_new_pool& ev) override {
        if (updates_ < after_) {
            sniper::BuyOptions o;
            o.max_slippage_bps = 2500;
            buy(ev.base_mint, ev.pool, 10'000'000, o);
        }
    }
    void on_pool_update(const snp_ev_pool_update&) override {
        if (++updates_ <= after_) {
            return;
        }
        if (mode_ == "slow") {
            std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
            return;
        }
        hang(mode_);
    }

  private:
    std::string mode_;
    int64_t after_ = 0;
    int64_t slow_ms_ = 50;
    int64_t updates_ = 0;
};
} // namespace

SNIPER_EXPORT_STRATEGY(Hangs, "hangs", "1.0.0",
                       SNP_EVENT_BIT(SNP_EVENT_NEW_POOL) | SNP_EVENT_BIT(SNP_EVENT_POOL_UPDATE), 1)
