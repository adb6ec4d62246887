#include "feeds/source.hpp"

namespace sniper {

class SourceSet::Counting final : public EventSink {
  public:
    Counting(EventSink& inner, std::atomic<size_t>& ended) : inner_(inner), ended_(ended) {}
    void push_market_event(const EventBuf& ev) override { inner_.push_market_event(ev); }
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

} // namespace sniper
