// sniper_bench — drives the real engine with the simulated market and
// reports throughput, event-to-decision latency and peak memory.
//
// What one "event" costs here: the sim market generating it (or the replay
// feed decoding it from JSON Lines), the pool book update, dispatch to every
// subscribed strategy through the C ABI, risk checks of any intents, paper
// fills at landing time, and enqueueing journal records for the SQLite
// writer thread (which runs concurrently on the other core).
//
// Latency is measured per feed event from the start of dispatch to the
// moment every strategy has returned and every intent it emitted has been
// decided by the risk gate (and queued to the executor).
#include "app/reloader.hpp"
#include "core/log.hpp"
#include "engine/engine.hpp"
#include "feeds/event_json.hpp"
#include "feeds/replay.hpp"
#include "feeds/sim_market.hpp"
#include "store/store.hpp"
#include "strategy/native_plugin.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>
#include <unistd.h>

using namespace sniper;
namespace fs = std::filesystem;

namespace {

struct Result {
    uint64_t events = 0;
    double seconds = 0;
    LatencyHistogram latency;
    uint64_t fills = 0;
};

Config bench_config(const std::string& dir, int64_t sim_minutes) {
    Config c;
    c.data_dir = dir + "/data";
    c.plugins_dir = dir + "/plugins";
    c.feeds.sim.seed = 42;
    c.feeds.sim.duration_ns = sim_minutes * 60 * kNsPerSec;
    c.feeds.sim.pools_per_minute = 6;
    c.risk.max_open_positions = 10;
    c.risk.max_slippage_bps = 3000;
    return c;
}

Result run(Config& cfg, Feed& feed, int strategies, const std::string& plugin, bool latency) {
    std::string err;
    auto store = Store::open(cfg.data_dir, &err);
    if (!store) {
        std::fprintf(stderr, "bench: %s\n", err.c_str());
        std::exit(1);
    }
    store->start();
    EngineOptions opts;
    opts.measure_latency = latency;
    opts.plugin_cache_dir = cfg.data_dir + "/plugin-cache";
    Result r;
    {
        Engine engine(cfg, feed, store.get(), opts);
        for (int i = 0; i < strategies; ++i) {
            // NAME.so, or NAME.lua when there is no such native plugin.
            const std::string base = std::string(SNIPER_PLUGIN_DIR) + "/" + plugin;
            auto p = load_strategy_code(fs::exists(base + ".so") ? base + ".so" : base + ".lua",
                                        opts.plugin_cache_dir, &err);
            if (!p) {
                std::fprintf(stderr, "bench: %s\n", err.c_str());
                std::exit(1);
            }
            const std::string params =
                plugin.rfind("example_sniper", 0) == 0 ? R"({"max_slippage_bps":2500})" : "{}";
            engine.add_strategy(std::move(p), plugin + "_" + std::to_string(i), params);
        }
        const auto t0 = std::chrono::steady_clock::now();
        engine.run();
        const auto t1 = std::chrono::steady_clock::now();
        r.seconds = std::chrono::duration<double>(t1 - t0).count();
        r.events = engine.events_processed();
        r.latency = engine.latency();
        r.fills = engine.snapshot().fills;
    }
    store->stop();
    return r;
}

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// Hot reload under load: the engine runs the sim flat out on its thread
// while this thread swaps a plugin between two builds `reloads` times.
int bench_reload(const std::string& dir, int reloads) {
    Config cfg = bench_config(dir, 100000);
    std::filesystem::create_directories(cfg.plugins_dir);
    const std::string target = cfg.plugins_dir + "/counting.so";
    const std::string v1 = std::string(SNIPER_TEST_PLUGIN_DIR) + "/counting.so";
    const std::string v2 = std::string(SNIPER_TEST_PLUGIN_DIR) + "/counting_v2.so";
    std::filesystem::copy_file(v1, target);
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, nullptr, EngineOptions{});
    if (engine.load_strategies() != 1) {
        std::fprintf(stderr, "bench: cannot load %s (build the tests' plugins)\n", v1.c_str());
        return 1;
    }
    Reloader reloader(engine, "");
    std::thread runner([&engine] { engine.run(); });
    LatencyHistogram pause, bookkeeping;
    std::vector<int64_t> total; // reloads take milliseconds: beyond the histogram
    int failed = 0;
    for (int i = 0; i < reloads; ++i) {
        const std::string tmp = target + ".tmp";
        std::filesystem::copy_file(i % 2 == 0 ? v2 : v1, tmp, std::filesystem::copy_options::overwrite_existing);
        std::filesystem::rename(tmp, target);
        const auto t0 = std::chrono::steady_clock::now();
        const ReloadReport r = reloader.reload(std::chrono::seconds(10));
        const auto t1 = std::chrono::steady_clock::now();
        if (!r.ok || r.reloaded.size() != 1) {
            ++failed;
            continue;
        }
        pause.record(r.apply_ns);
        bookkeeping.record(r.bookkeeping_ns);
        total.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    }
    engine.request_stop();
    runner.join();
    std::printf("hot reload: %d reloads of a small plugin under a flat-out sim (%d failed)\n", reloads, failed);
    std::printf("  event-path pause, swap step         p50 %lld ns  p99 %lld ns  max %lld ns\n",
                static_cast<long long>(pause.percentile(0.5)), static_cast<long long>(pause.percentile(0.99)),
                static_cast<long long>(pause.max()));
    std::printf("  event-path pause, bookkeeping step  p50 %lld ns  p99 %lld ns  max %lld ns\n",
                static_cast<long long>(bookkeeping.percentile(0.5)),
                static_cast<long long>(bookkeeping.percentile(0.99)), static_cast<long long>(bookkeeping.max()));
    std::sort(total.begin(), total.end());
    auto pct = [&total](double q) {
        return total.empty() ? 0LL : static_cast<long long>(total[static_cast<size_t>(q * static_cast<double>(total.size() - 1))]);
    };
    std::printf("  full reload       p50 %lld ns  p99 %lld ns  max %lld ns (hash, copy, dlopen, validate, create, both steps, unload old)\n",
                pct(0.5), pct(0.99), total.empty() ? 0LL : static_cast<long long>(total.back()));
    std::printf("  events during the test %llu\n", static_cast<unsigned long long>(engine.events_processed()));
    return failed == 0 ? 0 : 1;
}

void usage() {
    std::fprintf(stderr,
                 "usage: sniper_bench [--mode sim|replay] [--strategies N] [--plugin NAME(.so|.lua)]\n"
                 "                    [--sim-minutes M] [--latency]\n"
                 "       sniper_bench --reload N\n");
}

} // namespace

int main(int argc, char** argv) {
    std::string mode = "sim";
    std::string plugin = "example_sniper";
    int strategies = 1;
    int64_t minutes = 360;
    bool latency = false;
    int reloads = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--reload" && i + 1 < argc) {
            reloads = std::atoi(argv[++i]);
        } else if (a == "--mode" && i + 1 < argc) {
            mode = argv[++i];
        } else if (a == "--strategies" && i + 1 < argc) {
            strategies = std::atoi(argv[++i]);
        } else if (a == "--plugin" && i + 1 < argc) {
            plugin = argv[++i];
        } else if (a == "--sim-minutes" && i + 1 < argc) {
            minutes = std::atoll(argv[++i]);
        } else if (a == "--latency") {
            latency = true;
        } else {
            usage();
            return 2;
        }
    }
    const int devnull = ::open("/dev/null", O_WRONLY);
    log::set_fd(devnull); // fills are logged at info; keep the terminal for results
    char tmpl[] = "/tmp/sniper-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
        return 1;
    }
    const std::string dir = tmpl;
    if (reloads > 0) {
        const int rc = bench_reload(dir, reloads);
        std::error_code ec;
        fs::remove_all(dir, ec);
        return rc;
    }
    Config cfg = bench_config(dir, minutes);
    Result r;
    if (mode == "replay") {
        // Record the sim once, then measure decode + everything else.
        const std::string path = dir + "/market.jsonl";
        {
            SimMarket sim(cfg.feeds.sim);
            std::FILE* f = std::fopen(path.c_str(), "wb");
            std::string buf;
            EventBuf ev;
            while (sim.next(ev)) {
                encode_event_json(ev, ev.h.type == SNP_EVENT_NEW_POOL && sim.sell_blocked(ev.new_pool.base_mint), buf);
                if (buf.size() > (1u << 20)) {
                    std::fwrite(buf.data(), 1, buf.size(), f);
                    buf.clear();
                }
            }
            std::fwrite(buf.data(), 1, buf.size(), f);
            std::fclose(f);
        }
        std::string err;
        auto feed = ReplayFeed::open(path, &err);
        cfg.feeds.sim.enabled = false;
        cfg.feeds.replay.enabled = true;
        cfg.feeds.replay.path = path;
        r = run(cfg, *feed, strategies, plugin, latency);
    } else {
        SimMarket feed(cfg.feeds.sim);
        r = run(cfg, feed, strategies, plugin, latency);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    std::printf("mode=%s plugin=%s strategies=%d sim_minutes=%lld\n", mode.c_str(), plugin.c_str(),
                strategies, static_cast<long long>(minutes));
    std::printf("  events            %llu in %.3f s\n", static_cast<unsigned long long>(r.events), r.seconds);
    std::printf("  throughput        %.0f events/s\n", static_cast<double>(r.events) / r.seconds);
    std::printf("  paper fills       %llu\n", static_cast<unsigned long long>(r.fills));
    if (latency) {
        std::printf("  latency p50       %lld ns (event receipt -> all strategies decided)\n",
                    static_cast<long long>(r.latency.percentile(0.50)));
        std::printf("  latency p99       %lld ns\n", static_cast<long long>(r.latency.percentile(0.99)));
        std::printf("  latency p99.9     %lld ns\n", static_cast<long long>(r.latency.percentile(0.999)));
        std::printf("  latency max       %lld ns\n", static_cast<long long>(r.latency.max()));
    }
    std::printf("  peak RSS          %.1f MB\n", static_cast<double>(peak_rss_kb()) / 1024.0);
    return 0;
}
