// bench/live_bench.cpp — the live executor against the local validator
// (tools/localnet, started here) with the real sniper-signer and SQLite
// journal (scripts/bench_live.sh runs it on a release build).
//
// 1. latency: orders at a steady rate; for each, the host time from the
//    approved order to the signed bytes handed to the RPC client (queue
//    wait, checks, the signer round trip and the journal commit; the
//    route's quote and swap round trips excluded: network), and the send to
//    confirmation time on the validator (wall ms and blocks);
// 2. throughput: rising order rates, each for a few seconds; a rate is
//    sustained when every order settles and no rebroadcast came more than
//    two intervals after the previous send of its transaction.
//
// Output: one JSON object per line.
// Usage: sniper_live_bench [--slot-ms N] [--orders N] [--rates A,B,...] [--seconds S] [--pin] [--ws]
// --pin: the validator on the last CPU, this process and its signer on CPU 0.
// --ws: a [feeds.ws] source on the validator's WebSocket, as a configured
//       daemon has: confirmations are heard (signatureSubscribe) and each
//       send knows the slot (slotSubscribe), so the latency line also has
//       send-to-landing slots.
#include "core/log.hpp"
#include "live/live_executor.hpp"
#include "signer/signer_client.hpp"
#include "solfeed/ws_source.hpp"
#include "solana/keypair.hpp"
#include "store/store.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace sniper;
using namespace std::chrono_literals;

namespace {

size_t sink(char* d, size_t s, size_t n, void* u) {
    static_cast<std::string*>(u)->append(d, s * n);
    return s * n;
}

std::string http(const std::string& url, const std::string* body = nullptr) {
    std::string out;
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
    curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    if (body != nullptr) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body->c_str());
    }
    curl_easy_perform(e);
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    return out;
}

void pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (::sched_setaffinity(0, sizeof set, &set) != 0) {
        throw std::runtime_error("sched_setaffinity(" + std::to_string(cpu) + ") failed");
    }
}

struct Localnet {
    pid_t pid = -1;
    std::string url;
    Localnet(int slot_ms, int cpu) {
        int out[2];
        if (::pipe(out) != 0) {
            throw std::runtime_error("pipe");
        }
        pid = ::fork();
        if (pid == 0) {
            ::dup2(out[1], 1);
            const int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, 2);
            ::setpgid(0, 0);
            if (cpu >= 0) {
                pin_to(cpu);
            }
            const std::string script = std::string(SNIPER_SOURCE_DIR) + "/tools/localnet/start.sh";
            const std::string slot = std::to_string(slot_ms);
            ::execlp("bash", "bash", script.c_str(), "--port", "0", "--slot-ms", slot.c_str(), nullptr);
            ::_exit(127);
        }
        ::close(out[1]);
        std::string buf;
        char tmp[256];
        while (buf.find('\n') == std::string::npos) {
            pollfd p{out[0], POLLIN, 0};
            if (::poll(&p, 1, 30000) <= 0) {
                throw std::runtime_error("localnet did not start (run scripts/npm_deps.sh)");
            }
            const ssize_t r = ::read(out[0], tmp, sizeof tmp);
            if (r <= 0) {
                throw std::runtime_error("localnet exited (run scripts/npm_deps.sh)");
            }
            buf.append(tmp, static_cast<size_t>(r));
        }
        ::close(out[0]);
        url = buf.substr(0, buf.find('\n'));
    }
    ~Localnet() {
        ::kill(-pid, SIGTERM);
        ::waitpid(pid, nullptr, 0);
    }
};

struct Collector {
    std::mutex mu;
    std::condition_variable cv;
    size_t final = 0, filled = 0;
    void push(const ExecReport& r) {
        if (!r.final()) {
            return;
        }
        std::lock_guard lk(mu);
        ++final;
        filled += r.status == SNP_ORDER_FILLED ? 1 : 0;
        cv.notify_all();
    }
    bool wait(size_t n, std::chrono::seconds t) {
        std::unique_lock lk(mu);
        return cv.wait_for(lk, t, [&] { return final >= n; });
    }
};

int64_t pct(std::vector<int64_t> v, double p) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
    return v[i];
}

// The feed's market events are not what the bench is about.
class NullSink final : public EventSink {
  public:
    void push_market_event(const EventBuf&) override {}
    void source_ended() override {}
};

struct Rig {
    std::string dir;
    Config cfg;
    std::unique_ptr<Store> store;
    NullSink sink;
    std::unique_ptr<solfeed::SolanaWsSource> ws; // --ws
    std::unique_ptr<live::LiveExecutor> ex;
    Collector reports;
    Rig(const std::string& base, const std::string& url, const std::string& key_path, bool with_ws = false) {
        static int n = 0;
        dir = base + "/run" + std::to_string(++n);
        std::filesystem::create_directories(dir);
        cfg.mode = Mode::Live;
        cfg.data_dir = dir + "/data";
        cfg.live.rpc_urls = {url};
        cfg.live.rpc_requests_per_second = 20000;
        cfg.live.jupiter_url = url;
        cfg.live.jito_url = url;
        cfg.live.rebroadcast_interval_ns = 200'000'000;
        cfg.live.status_interval_ns = 200'000'000;
        cfg.signer.keypair_path = key_path;
        cfg.signer.journal_path = dir + "/signer.sqlite";
        cfg.signer.max_tx_lamports = 2'000'000'000;
        cfg.signer.max_day_lamports = 10'000'000'000'000;
        std::string err;
        store = Store::open(cfg.data_dir, &err);
        if (!store) {
            throw std::runtime_error(err);
        }
        store->start();
        auto signer = signer::SignerClient::start(
            signer::signer_launch_from_config(cfg, std::string(SNIPER_BUILD_DIR) + "/sniper-signer"), err);
        if (!signer) {
            throw std::runtime_error(err);
        }
        ex = std::make_unique<live::LiveExecutor>(cfg, std::move(signer), store.get());
        ex->attach([this](ExecReport r) { reports.push(r); });
        if (with_ws) {
            solfeed::WsSourceConfig wc;
            wc.ws.enabled = true;
            wc.ws.urls = {"ws" + url.substr(url.find(':'))}; // the validator serves it on the HTTP port too
            Pubkey pump{};
            pubkey_from_base58("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P", pump);
            wc.ws.programs = {pump};
            wc.ws.stale_after_ns = 0;
            wc.ws.requests_per_s = 1000;
            ws = std::make_unique<solfeed::SolanaWsSource>(wc);
            ws->start(sink);
            ex->use_signature_watch(ws.get());
            for (int i = 0; i < 200 && ws->current_slot() == 0; ++i) { // the first slotNotification
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
    }
    ~Rig() {
        ex.reset(); // forgets its listener first
        if (ws) {
            ws->stop();
        }
        store->stop();
    }
};

Order buy(uint64_t id, const Pubkey& mint) {
    Order o;
    o.intent_id = id;
    o.strategy = "bench";
    o.side = SNP_SIDE_BUY;
    o.mint = mint;
    o.amount_in = 1'000'000;
    o.max_slippage_bps = 1000;
    o.route = SNP_ROUTE_JUPITER;
    return o;
}

// Submits `n` orders at `rate` per second; returns the seconds it took.
double pace(Rig& rig, uint64_t first_id, size_t n, double rate, const Pubkey& mint) {
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < n; ++i) {
        std::this_thread::sleep_until(t0 + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * static_cast<double>(i) / rate)));
        rig.ex->submit(buy(first_id + i, mint), 0);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv) {
    int slot_ms = 400;
    size_t orders = 500;
    double seconds = 3;
    std::vector<double> rates = {50, 100, 200, 400};
    bool pin = false;
    bool with_ws = false;
    for (int i = 1; i < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--pin") {
            pin = true;
            --i;
        } else if (a == "--ws") {
            with_ws = true;
            --i;
        } else if (i + 1 >= argc) {
            std::fprintf(stderr, "sniper_live_bench: %s needs a value\n", a.c_str());
            return 2;
        } else if (a == "--slot-ms") {
            slot_ms = std::atoi(argv[i + 1]);
        } else if (a == "--orders") {
            orders = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (a == "--seconds") {
            seconds = std::atof(argv[i + 1]);
        } else if (a == "--rates") {
            rates.clear();
            std::stringstream ss(argv[i + 1]);
            std::string r;
            while (std::getline(ss, r, ',')) {
                rates.push_back(std::atof(r.c_str()));
            }
        } else {
            std::fprintf(stderr,
                         "usage: sniper_live_bench [--slot-ms N] [--orders N] [--rates A,B] [--seconds S] [--pin] [--ws]\n");
            return 2;
        }
    }
    try {
        log::set_level(log::Level::Warn);
        char tmpl[] = "/tmp/sniper-live-bench-XXXXXX";
        const std::string base = ::mkdtemp(tmpl);
        // --pin: the validator on the last CPU, the host (and the signer it
        // starts) on CPU 0, as when the validator is another machine.
        const int cpus = static_cast<int>(std::thread::hardware_concurrency());
        if (pin && cpus < 2) {
            throw std::runtime_error("--pin needs two CPUs");
        }
        Localnet net(slot_ms, pin ? cpus - 1 : -1);
        if (pin) {
            pin_to(0);
        }
        const std::string key_path = base + "/id.json";
        solana::SecretKey key = solana::generate_keypair();
        if (!solana::write_keypair_file(key_path, key).empty()) {
            throw std::runtime_error("cannot write the key file");
        }
        const std::string airdrop = R"({"pubkey":")" + solana::to_base58(key.public_key()) +
                                    R"(","lamports":"1000000000000"})";
        http(net.url + "/admin/airdrop", &airdrop);
        simdjson::dom::parser p;
        const std::string pools = http(net.url + "/admin/pools");
        auto m = solana::pubkey_from_base58(std::string_view(p.parse(pools).at(0)["mint"]));
        if (!m) {
            throw std::runtime_error("no pool on the localnet");
        }
        Pubkey mint{};
        std::memcpy(mint.bytes, m->bytes.data(), 32);
        std::this_thread::sleep_for(std::chrono::milliseconds(3 * slot_ms)); // the airdrop confirmed

        {
            Rig rig(base, net.url, key_path, with_ws);
            const double rate = 100;
            pace(rig, 1, orders, rate, mint);
            rig.reports.wait(orders, 300s);
            const std::vector<int64_t> host = rig.ex->host_send_ns();
            const auto stats = rig.ex->route_stats();
            const RouteStats s = stats.empty() ? RouteStats{} : stats[0];
            std::printf("{\"bench\":\"live_latency\",\"slot_ms\":%d,\"orders\":%zu,\"rate_per_s\":%.0f,\"filled\":%zu,"
                        "\"host_send_us_p50\":%.1f,\"host_send_us_p99\":%.1f,\"host_send_us_max\":%.1f,"
                        "\"confirm_ms_p50\":%llu,\"confirm_ms_p99\":%llu,\"confirm_blocks_p50\":%llu,"
                        "\"confirm_blocks_max\":%llu,\"ws\":%s,\"confirm_slots_n\":%llu,\"confirm_slots_p50\":%llu,"
                        "\"confirm_slots_max\":%llu}\n",
                        slot_ms, orders, rate, rig.reports.filled, static_cast<double>(pct(host, 50)) / 1000.0,
                        static_cast<double>(pct(host, 99)) / 1000.0, static_cast<double>(pct(host, 100)) / 1000.0,
                        static_cast<unsigned long long>(s.confirm_ms_p50),
                        static_cast<unsigned long long>(s.confirm_ms_p99),
                        static_cast<unsigned long long>(s.confirm_blocks_p50),
                        static_cast<unsigned long long>(s.confirm_blocks_max), with_ws ? "true" : "false",
                        static_cast<unsigned long long>(s.confirm_slots_n),
                        static_cast<unsigned long long>(s.confirm_slots_p50),
                        static_cast<unsigned long long>(s.confirm_slots_max));
            for (const auto& [stage, v] : rig.ex->host_send_stages()) {
                std::printf("{\"bench\":\"live_latency_stage\",\"stage\":\"%s\",\"us_p50\":%.1f,\"us_p99\":%.1f}\n",
                            stage.c_str(), static_cast<double>(pct(v, 50)) / 1000.0,
                            static_cast<double>(pct(v, 99)) / 1000.0);
            }
            std::fflush(stdout);
        }
        uint64_t next_id = 1'000'000;
        for (const double rate : rates) {
            Rig rig(base, net.url, key_path, with_ws);
            const size_t n = static_cast<size_t>(rate * seconds);
            const double took = pace(rig, next_id, n, rate, mint);
            next_id += n;
            const bool all = rig.reports.wait(n, 300s);
            const auto stats = rig.ex->route_stats();
            const RouteStats s = stats.empty() ? RouteStats{} : stats[0];
            std::printf("{\"bench\":\"live_throughput\",\"rate_per_s\":%.0f,\"submitted_per_s\":%.0f,\"orders\":%zu,"
                        "\"settled\":%s,\"filled\":%zu,\"rebroadcasts\":%llu,\"late_rebroadcasts\":%llu,"
                        "\"sustained\":%s}\n",
                        rate, static_cast<double>(n) / took, n, all ? "true" : "false", rig.reports.filled,
                        static_cast<unsigned long long>(s.rebroadcasts),
                        static_cast<unsigned long long>(s.late_rebroadcasts),
                        all && s.late_rebroadcasts == 0 ? "true" : "false");
            std::fflush(stdout);
        }
        std::error_code ec;
        std::filesystem::remove_all(base, ec);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sniper_live_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
