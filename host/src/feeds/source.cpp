// feeds/source.cpp — SourceSet: starts, stops and reports its push sources.
#include "feeds/source.hpp"

namespace sniper {

class SourceSet::Counting final : public EventSink {
  public:
    Counting(EventSink& inner, std::atomic<size_t>& ended) : inner_(inner), ended_(ended) {}
    void push_market_event(const EventBuf& ev) override { inner_.push_market_event(ev); }
    void pools_stale(std::vector<Pubkey> pools, std::string why) override {
        inner_.pools_stale(std::move(pools), std::move(why));
    }
    void reference_prices(std::vector<ReferencePrice> prices) override {
        inner_.reference_prices(std::move(prices));
    }
    void source_ended() override {
        ended_.fetch_add(1, std::memory_order_acq_rel);
        inner_.source_ended();
    }

  private:
    EventSink& inner_;
    std::atomic<size_t>& ended_;
};

void SourceSet::start(EventSink& sink) {
    if (started_) {
        return;
    }
    started_ = true;
    counting_ = std::make_unique<Counting>(sink, ended_);
    for (auto& s : sources_) {
        s->start(*counting_);
    }
}

void SourceSet::stop() {
    for (auto& s : sources_) {
        s->stop();
    }
}

uint64_t SourceSet::rejected_inputs() const {
    uint64_t n = 0;
    for (const auto& s : sources_) {
        n += s->rejected_inputs();
    }
    return n;
}

void SourceSet::watch_pools(std::vector<Pubkey> pools) {
    for (auto& s : sources_) {
        s->watch_pools(pools);
    }
}

void SourceSet::watch_mints(std::vector<Pubkey> mints) {
    for (auto& s : sources_) {
        s->watch_mints(mints);
    }
}

std::vector<SourceStatus> SourceSet::sources() const {
    std::vector<SourceStatus> out;
    for (const auto& s : sources_) {
        if (auto st = s->status()) {
            out.push_back(std::move(*st));
        } else {
            SourceStatus row;
            row.name = s->name();
            row.state = "up";
            row.rejected = s->rejected_inputs();
            out.push_back(std::move(row));
        }
    }
    return out;
}

} // namespace sniper
