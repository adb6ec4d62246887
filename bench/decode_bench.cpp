// sniper_decode_bench — Solana wire decoding speed: logsNotification
// messages (bench/data/decode_messages.ndjson, real fixtures) through
// chain::SolanaWsDecoder on one thread, repeated round-robin. Reports
// messages per second per core and the per-message latency distribution
// (p50/p99/max, each message timed alone with steady_clock), overall and
// per message, as JSON lines. tools/solana-check/bench_decode.js does the
// same work in Node (scripts/bench_decode.sh runs both).
//
// --dom sends every message through simdjson's DOM, as before the
// logsNotification fast path (chain/fast_logs.hpp), for a side-by-side.
//
// Usage: sniper_decode_bench [--seconds S] [--dom] [--messages FILE]
#include "chain/solana_ws_decoder.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

using namespace sniper;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Stats {
    uint64_t n = 0, bytes = 0, events = 0;
    double wall_s = 0, cpu_s = 0;
    std::vector<uint32_t> ns;
};

uint32_t pct(std::vector<uint32_t>& v, double p) {
    if (v.empty()) {
        return 0;
    }
    const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

void print(const char* name, size_t bytes, Stats& s) {
    std::printf(
        "{\"bench\":\"decode\",\"message\":\"%s\",\"bytes\":%zu,\"messages\":%llu,\"events\":%llu,"
        "\"per_wall_sec\":%.0f,\"per_cpu_sec\":%.0f,\"mb_per_s\":%.0f,\"p50_ns\":%u,\"p99_ns\":%u,"
        "\"p999_ns\":%u,\"max_ns\":%u}\n",
        name, bytes, static_cast<unsigned long long>(s.n),
        static_cast<unsigned long long>(s.events), static_cast<double>(s.n) / s.wall_s,
        static_cast<double>(s.n) / s.cpu_s, static_cast<double>(s.bytes) / s.wall_s / 1e6,
        pct(s.ns, 0.50), pct(s.ns, 0.99), pct(s.ns, 0.999),
        s.ns.empty() ? 0u : *std::max_element(s.ns.begin(), s.ns.end()));
}

} // namespace

int main(int argc, char** argv) {
    double seconds = 2.0;
    bool dom_only = false; // --dom: every message through simdjson's DOM (no fast path)
    std::string file = SNIPER_BENCH_DATA "/decode_messages.ndjson";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--seconds" && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        } else if (a == "--dom") {
            dom_only = true;
        } else if (a == "--messages" && i + 1 < argc) {
            file = argv[++i];
        } else {
            std::fprintf(stderr,
                         "usage: sniper_decode_bench [--seconds S] [--dom] [--messages FILE]\n");
            return 2;
        }
    }
    std::vector<std::string> msgs;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            msgs.push_back(line);
        }
    }
    if (msgs.empty()) {
        std::fprintf(stderr, "sniper_decode_bench: no messages in %s\n", file.c_str());
        return 2;
    }
    chain::DecoderConfig cfg;
    cfg.fast_logs = !dom_only;
    chain::SolanaWsDecoder dec(cfg);
    for (const auto& m : msgs) { // warm-up: parser buffers, PDA cache; all must decode
        if (!dec.decode(m).ok()) {
            std::fprintf(stderr, "sniper_decode_bench: a message is refused: %s\n",
                         chain::reject_name(dec.decode(m).reject));
            return 1;
        }
    }
    // 1) Throughput over the mix, no per-message clock.
    {
        Stats s;
        const auto t0 = Clock::now();
        const double c0 = cpu_seconds();
        const auto end = t0 + std::chrono::duration<double>(seconds / 2);
        while (Clock::now() < end) {
            for (int rep = 0; rep < 256; ++rep) {
                for (const auto& m : msgs) {
                    s.events += dec.decode(m).n_events;
                    s.bytes += m.size();
                    ++s.n;
                }
            }
        }
        s.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
        s.cpu_s = cpu_seconds() - c0;
        size_t total = 0;
        for (const auto& m : msgs) {
            total += m.size();
        }
        print("mix_throughput", total / msgs.size(), s);
    }
    // 2) Each message alone, timed one by one.
    const char* names[] = {"pump_create_buy", "pump_buy", "failed_route", "docs_example"};
    for (size_t k = 0; k < msgs.size(); ++k) {
        Stats s;
        s.ns.reserve(2'000'000);
        const auto t0 = Clock::now();
        const double c0 = cpu_seconds();
        const auto end =
            t0 + std::chrono::duration<double>(seconds / 2 / static_cast<double>(msgs.size()));
        while (Clock::now() < end && s.ns.size() < 2'000'000) {
            for (int rep = 0; rep < 64; ++rep) {
                const auto a = Clock::now();
                s.events += dec.decode(msgs[k]).n_events;
                const auto b = Clock::now();
                s.ns.push_back(static_cast<uint32_t>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count()));
                s.bytes += msgs[k].size();
                ++s.n;
            }
        }
        s.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
        s.cpu_s = cpu_seconds() - c0;
        print(k < 4 ? names[k] : "message", msgs[k].size(), s);
    }
    return 0;
}
