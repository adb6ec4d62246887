// Recording and pacing wrap any feed (feeds/recording.hpp, feeds/paced.hpp):
// a recording of a pull or a push feed replays to the same events; pacing
// holds events to their source time, runs the idle work while it waits,
// ends a wait on a stop and never loses the event it waited for.
#include "core/clock.hpp"
#include "feeds/paced.hpp"
#include "feeds/recording.hpp"
#include "feeds/replay.hpp"
#include "feeds/sim_market.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <thread>
#include <vector>

using namespace sniper;

namespace {

SimFeedConfig small_market() {
    SimFeedConfig cfg;
    cfg.duration_ns = 3LL * 60 * kNsPerSec;
    cfg.pools_per_minute = 20;
    return cfg;
}

// A push feed whose one source thread pushes the events it was given.
class PushingFeed final : public Feed {
  public:
    explicit PushingFeed(std::vector<EventBuf> evs) : evs_(std::move(evs)) {}
    bool next(EventBuf&) override { return false; }
    bool pushes() const override { return true; }
    void start(EventSink& sink) override {
        th_ = std::thread([this, &sink] {
            for (const EventBuf& e : evs_) {
                sink.push_market_event(e);
            }
            sink.source_ended();
        });
    }
    void stop() override {
        if (th_.joinable()) {
            th_.join();
        }
    }
    const char* name() const override { return "pushing"; }
    bool sell_blocked(const Pubkey&) const override { return false; }

  private:
    std::vector<EventBuf> evs_;
    std::thread th_;
};

struct CollectingSink final : EventSink {
    std::vector<EventBuf> got;
    int ended = 0;
    void push_market_event(const EventBuf& ev) override { got.push_back(ev); }
    void source_ended() override { ++ended; }
};

std::vector<EventBuf> replay_all(const std::string& path) {
    std::string err;
    auto replay = ReplayFeed::open(path, &err);
    REQUIRE(replay != nullptr);
    std::vector<EventBuf> out;
    EventBuf ev;
    while (replay->next(ev)) {
        out.push_back(ev);
    }
    CHECK(replay->rejected_inputs() == 0);
    return out;
}

void check_same(const std::vector<EventBuf>& a, const std::vector<EventBuf>& b) {
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].h.type == b[i].h.type);
        CHECK(a[i].h.source_ns == b[i].h.source_ns);
        if (a[i].h.type == SNP_EVENT_POOL_UPDATE) {
            CHECK(a[i].pool_update.base_reserve_atoms == b[i].pool_update.base_reserve_atoms);
            CHECK(a[i].pool_update.quote_reserve_lamports == b[i].pool_update.quote_reserve_lamports);
        }
    }
}

} // namespace

TEST_CASE("a recording of a pull feed replays to the same events, honeypot flags included", "[feeds][record]") {
    testing::TempDir dir;
    const std::string path = (dir.path / "rec.jsonl").string();
    SimMarket market(small_market());
    std::vector<EventBuf> seen;
    size_t blocked = 0;
    {
        RecordingFeed rec(market, path);
        REQUIRE(rec.ok());
        EventBuf ev;
        while (rec.next(ev)) {
            seen.push_back(ev);
            blocked += ev.h.type == SNP_EVENT_NEW_POOL && market.sell_blocked(ev.new_pool.base_mint) ? 1 : 0;
        }
        CHECK(rec.recorded() == seen.size());
    }
    REQUIRE(seen.size() > 100);
    check_same(seen, replay_all(path));
    std::string err;
    auto replay = ReplayFeed::open(path, &err);
    EventBuf ev;
    size_t blocked_back = 0;
    while (replay->next(ev)) {
        blocked_back += ev.h.type == SNP_EVENT_NEW_POOL && replay->sell_blocked(ev.new_pool.base_mint) ? 1 : 0;
    }
    CHECK(blocked_back == blocked);
}

TEST_CASE("a recording of a push feed records what its sources pushed and passes it on", "[feeds][record]") {
    testing::TempDir dir;
    const std::string path = (dir.path / "rec.jsonl").string();
    SimMarket market(small_market());
    std::vector<EventBuf> evs;
    EventBuf ev;
    while (market.next(ev) && evs.size() < 500) {
        evs.push_back(ev);
    }
    PushingFeed push(evs);
    CollectingSink sink;
    {
        RecordingFeed rec(push, path);
        REQUIRE(rec.ok());
        CHECK(rec.pushes());
        rec.start(sink);
        rec.stop(); // joins the source: everything is pushed and written
        CHECK(rec.recorded() == evs.size());
    }
    CHECK(sink.ended == 1);
    check_same(evs, sink.got);
    check_same(evs, replay_all(path));
}

TEST_CASE("a record file that cannot be opened says so and records nothing", "[feeds][record]") {
    SimMarket market(small_market());
    RecordingFeed rec(market, "/nonexistent-dir/rec.jsonl");
    CHECK_FALSE(rec.ok());
    CHECK(rec.error().find("/nonexistent-dir/rec.jsonl") != std::string::npos);
    EventBuf ev;
    CHECK(rec.next(ev)); // the feed itself still runs
}

TEST_CASE("pacing holds each event to its source time and runs the idle work meanwhile", "[feeds][pace]") {
    SimMarket market(small_market());
    // 3 simulated minutes at 3600x: 50 ms of wall time at least, far more
    // than making the events takes even under the sanitizers on a loaded
    // machine (at 36000x the feed could fall behind and never wait).
    int idles = 0;
    PacedFeed paced(market, 3600.0, [&] {
        ++idles;
        return true;
    });
    const int64_t t0 = mono_ns();
    EventBuf ev;
    int64_t first = -1, last = 0;
    size_t n = 0;
    while (paced.next(ev)) {
        first = first < 0 ? ev.h.source_ns : first;
        last = ev.h.source_ns;
        ++n;
    }
    const int64_t took = mono_ns() - t0;
    REQUIRE(n > 100);
    CHECK(took >= static_cast<int64_t>(static_cast<double>(last - first) / 3600.0));
    CHECK(idles > 0);
}

TEST_CASE("a stop ends a pacing wait and the waited-for event is not lost", "[feeds][pace]") {
    SimMarket reference(small_market());
    SimMarket market(small_market());
    bool stop = false;
    PacedFeed paced(market, 1e-6, [&] { return !stop; }); // a second of source time: ~11 days
    EventBuf first, second, ref;
    REQUIRE(paced.next(first)); // the first event is due at once
    stop = true;
    REQUIRE(paced.next(second)); // the wait for the next one ends on the stop
    REQUIRE(reference.next(ref));
    CHECK(ref.h.source_ns == first.h.source_ns);
    REQUIRE(reference.next(ref));
    CHECK(ref.h.source_ns == second.h.source_ns);
}
