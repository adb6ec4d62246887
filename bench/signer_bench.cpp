// Sign round trip over the socketpair: sniperd's SignerClient -> sniper-signer
// (parse, policy, Ed25519, journal commit in WAL with synchronous=NORMAL) ->
// answer. Two passes per journal directory:
// - back to back: N signs, the next request sent as soon as the answer is in
//   (the key page stays read-only through the burst);
// - spaced: N/10 signs, 3 ms apart, so the signer goes idle between them and
//   puts the key back to PROT_NONE: every sign pays the mprotect to read-only.
// Usage: sniper_signer_bench [N] [JOURNAL_DIR...]; default N = 20000 and
// the journal once in /tmp (disk) and once in /dev/shm (tmpfs).
// SNIPER_SIGNER_EXE=path runs another sniper-signer build (same protocol),
// to compare two builds under the same machine load.
#include "signer/journal.hpp"
#include "signer/keystore.hpp"
#include "signer/policy.hpp"
#include "signer/signer_client.hpp"
#include "solana/keypair.hpp"
#include "solana/message_compile.hpp"
#include "solana/system_program.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace sniper;

namespace {

std::string summary(std::vector<double>& us) {
    std::sort(us.begin(), us.end());
    const auto pct = [&](double p) { return us[std::min(us.size() - 1, static_cast<size_t>(p * us.size()))]; };
    char line[160];
    std::snprintf(line, sizeof line, "p50 %.1f us  p90 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us", pct(0.50),
                  pct(0.90), pct(0.99), pct(0.999), us.back());
    return line;
}

template <class F> std::string time_each(size_t n, F&& f) {
    std::vector<double> us;
    us.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f(i);
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    return summary(us);
}

// The machine's own jitter: a pure compute loop of about `target_us`, no
// syscall, no memory traffic. Its p99 over its p50 is what any work of that
// length pays at p99 on this machine (interrupts, the hypervisor).
void jitter_floor(double target_us) {
    volatile uint64_t x = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < 10'000'000; ++i) {
        x = x + i;
    }
    const double per =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / 1e7;
    const auto iters = static_cast<uint64_t>(target_us / per);
    std::printf("  compute only, ~%.0f us   %s\n", target_us, time_each(20000, [&](size_t) {
                    for (uint64_t i = 0; i < iters; ++i) {
                        x = x + i;
                    }
                }).c_str());
}

// The parts of one round trip, in this process: policy (parse + bound),
// Ed25519 in guarded memory (two mprotect calls), one journal row.
void components(const std::string& base_dir) {
    std::string err;
    auto keys = signer::Keystore::create(solana::generate_keypair(), err);
    signer::PolicyConfig pc;
    pc.wallet = keys->wallet();
    pc.max_tx_lamports = pc.max_day_lamports = 1'000'000'000;
    const signer::Policy policy(pc);
    solana::Hash bh;
    bh.bytes.fill(3);
    const std::vector<solana::Instruction> ixs{solana::system_transfer(keys->wallet(), keys->wallet(), 1)};
    const auto msg = *solana::serialize_message(*solana::compile_message(keys->wallet(), ixs, bh,
                                                                          solana::MessageVersion::Legacy));
    std::printf("  policy.assess            %s\n",
                time_each(5000, [&](size_t) { (void)policy.assess(msg); }).c_str());
    std::printf("  keystore.sign            %s\n",
                time_each(5000, [&](size_t) { (void)keys->sign(msg.data(), msg.size()); }).c_str());
    std::printf("  keystore.sign + relock   %s\n", time_each(5000, [&](size_t) {
                                                       (void)keys->sign(msg.data(), msg.size());
                                                       keys->relock();
                                                   }).c_str());
    const std::string path = base_dir + "/sniper_signer_bench_components.sqlite";
    auto journal = signer::Journal::open(path, err);
    signer::JournalRow row;
    row.reason = "signed";
    row.signed_ok = true;
    std::printf("  journal.append (%-8s) %s\n", base_dir.c_str(),
                time_each(2000, [&](size_t i) { row.intent_id = i + 1; journal->append(row, err); }).c_str());
    journal.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove((path + suffix).c_str());
    }
}

int run(size_t n, const std::string& base_dir) {
    char tmpl[4096];
    std::snprintf(tmpl, sizeof tmpl, "%s/sniper_signer_bench_XXXXXX", base_dir.c_str());
    if (::mkdtemp(tmpl) == nullptr) {
        std::fprintf(stderr, "cannot make a directory in %s\n", base_dir.c_str());
        return 1;
    }
    const std::string dir = tmpl;
    const std::string key_path = dir + "/id.json";
    solana::Pubkey wallet;
    {
        solana::SecretKey k = solana::generate_keypair();
        wallet = k.public_key();
        if (!solana::write_keypair_file(key_path, k).empty()) {
            return 1;
        }
    }
    signer::SignerLaunch l;
    const char* exe = std::getenv("SNIPER_SIGNER_EXE");
    l.executable = exe != nullptr ? exe : std::string(SNIPER_BUILD_DIR) + "/sniper-signer";
    l.keypair_path = key_path;
    l.journal_path = dir + "/signer.sqlite";
    l.max_tx_lamports = 1'000'000'000;
    l.max_day_lamports = 1'000'000'000'000'000ULL;
    l.max_resigns = 1;
    std::string err;
    auto client = signer::SignerClient::start(l, err);
    if (!client) {
        std::fprintf(stderr, "signer: %s\n", err.c_str());
        return 1;
    }
    // Different messages (the amount varies), each for its own intent.
    solana::Hash bh;
    bh.bytes.fill(7);
    std::vector<std::vector<uint8_t>> msgs;
    for (size_t i = 0; i < 256; ++i) {
        solana::Pubkey to;
        to.bytes.fill(static_cast<uint8_t>(i + 1));
        const std::vector<solana::Instruction> ixs{solana::system_transfer(wallet, to, 1000 + i)};
        auto m = solana::compile_message(wallet, ixs, bh, solana::MessageVersion::Legacy);
        msgs.push_back(*solana::serialize_message(*m));
    }
    signer::SignRequest req;
    req.host_state = 1;
    req.last_valid_block_height = 1000;
    req.current_block_height = 900;
    uint64_t intent = 0;
    // `count` timed signs after `warmup` untimed ones, `gap` apart.
    const auto pass = [&](size_t warmup, size_t count, std::chrono::microseconds gap,
                          std::vector<double>& us) {
        us.reserve(count);
        for (size_t i = 0; i < warmup + count; ++i) {
            if (gap.count() > 0) {
                std::this_thread::sleep_for(gap);
            }
            req.intent_id = ++intent;
            req.message = msgs[intent % msgs.size()];
            const auto t0 = std::chrono::steady_clock::now();
            auto r = client->sign(req, err);
            const auto t1 = std::chrono::steady_clock::now();
            if (!r || !r->signed_ok()) {
                std::fprintf(stderr, "request %zu failed: %s %s\n", i, err.c_str(),
                             r ? r->detail.c_str() : "");
                return false;
            }
            if (i >= warmup) {
                us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
            }
        }
        return true;
    };
    std::vector<double> burst;
    std::vector<double> spaced;
    if (!pass(500, n, std::chrono::microseconds(0), burst) ||
        !pass(10, std::max<size_t>(n / 10, 100), std::chrono::microseconds(3000), spaced)) {
        return 1;
    }
    client.reset();
    std::printf("signer round trip, journal in %-9s back to back n=%zu  %s\n", base_dir.c_str(),
                burst.size(), summary(burst).c_str());
    std::printf("signer round trip, journal in %-9s 3 ms apart   n=%zu  %s\n", base_dir.c_str(),
                spaced.size(), summary(spaced).c_str());
    components(base_dir);
    jitter_floor(40);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
    std::vector<std::string> dirs;
    for (int i = 2; i < argc; ++i) {
        dirs.emplace_back(argv[i]);
    }
    if (dirs.empty()) {
        dirs = {"/tmp", "/dev/shm"};
    }
    for (const auto& d : dirs) {
        if (run(n, d) != 0) {
            return 1;
        }
    }
    return 0;
}
