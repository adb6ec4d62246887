// feeds/forwarding.hpp — the base of a feed that wraps another
// (recording, pacing): everything is passed to the inner feed unchanged;
// a wrapper overrides only what it adds to.
#pragma once

#include "feeds/feed.hpp"

namespace sniper {

class ForwardingFeed : public Feed {
  public:
    explicit ForwardingFeed(Feed& inner) : inner_(inner) {}

    bool next(EventBuf& out) override { return inner_.next(out); }
    bool pushes() const override { return inner_.pushes(); }
    void start(EventSink& sink) override { inner_.start(sink); }
    void stop() override { inner_.stop(); }
    bool ended() const override { return inner_.ended(); }
    const char* name() const override { return inner_.name(); }
    uint64_t rejected_inputs() const override { return inner_.rejected_inputs(); }
    std::vector<SourceStatus> sources() const override { return inner_.sources(); }
    void watch_pools(std::vector<Pubkey> pools) override { inner_.watch_pools(std::move(pools)); }
    void watch_mints(std::vector<Pubkey> mints) override { inner_.watch_mints(std::move(mints)); }
    // VenueTruth
    bool sell_blocked(const Pubkey& mint) const override { return inner_.sell_blocked(mint); }
    void on_own_swap(const Pubkey& pool, uint32_t side, uint64_t in_amount, uint64_t out_amount) override {
        inner_.on_own_swap(pool, side, in_amount, out_amount);
    }

  protected:
    Feed& inner_;
};

} // namespace sniper
