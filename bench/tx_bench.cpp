// Transaction codec benchmark (one thread, so figures are per core):
// build + sign + serialize the 3-instruction transaction the issue names
// (SetComputeUnitLimit, SetComputeUnitPrice, System transfer), legacy and
// v0; signing alone for reference; and decode throughput (parse of a
// serialized transaction, with and without signature verification).
// Prints one JSON line per case. Usage: sniper_tx_bench [--seconds S]
#include "solana/compute_budget.hpp"
#include "solana/message_compile.hpp"
#include "solana/system_program.hpp"
#include "solana/transaction.hpp"

#include <time.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace sniper::solana;

namespace {

using Clock = std::chrono::steady_clock;

volatile uint64_t g_sink = 0; // keeps the optimizer from dropping work

// CPU time of this thread: on a shared machine, ops per CPU second is the
// per-core figure; wall time is printed as well.
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class F> void run_case(const char* name, const char* version, double seconds, F&& body) {
    // Warm up, then run in batches until the time is spent.
    for (int i = 0; i < 1000; ++i) {
        body(static_cast<uint64_t>(i));
    }
    const double cpu_start = thread_cpu_seconds();
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    uint64_t n = 0;
    auto now = start;
    while (now < until) {
        for (int i = 0; i < 256; ++i) {
            body(n++);
        }
        now = Clock::now();
    }
    const double s = std::chrono::duration<double>(now - start).count();
    const double cpu = thread_cpu_seconds() - cpu_start;
    const double ops = static_cast<double>(n);
    std::printf("{\"bench\":\"%s\",\"version\":\"%s\",\"ops\":%llu,\"wall_seconds\":%.3f,"
                "\"cpu_seconds\":%.3f,\"per_wall_sec\":%.0f,\"per_cpu_sec\":%.0f,\"cpu_ns_per_op\":%.1f}\n",
                name, version, static_cast<unsigned long long>(n), s, cpu, ops / s, ops / cpu, cpu * 1e9 / ops);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        }
    }
    std::array<uint8_t, 32> seed{};
    seed.fill(7);
    const SigningKey payer = SigningKey::from_seed(seed);
    Pubkey to;
    to.bytes.fill(9);
    Hash blockhash;
    blockhash.bytes.fill(3);
    const SigningKey* keys[] = {&payer};

    std::vector<uint8_t> samples[2];
    for (const MessageVersion v : {MessageVersion::Legacy, MessageVersion::V0}) {
        const char* vname = v == MessageVersion::Legacy ? "legacy" : "v0";
        TxBytes out;
        run_case("build_sign_serialize", vname, seconds, [&](uint64_t i) {
            const Instruction ixs[] = {set_compute_unit_limit(200000), set_compute_unit_price(10000 + i),
                                       system_transfer(payer.pubkey(), to, 1000 + i)};
            auto msg = compile_message(payer.pubkey(), ixs, blockhash, v);
            if (!msg || sign_message(*msg, keys, out)) {
                std::abort();
            }
            g_sink = g_sink + out.size;
        });
        samples[v == MessageVersion::Legacy ? 0 : 1].assign(out.buf.begin(),
                                                             out.buf.begin() + static_cast<std::ptrdiff_t>(out.size));
    }
    {
        uint8_t msg[200] = {};
        run_case("ed25519_sign_only", "-", seconds, [&](uint64_t i) {
            std::memcpy(msg, &i, sizeof i);
            g_sink = g_sink + payer.sign(msg, sizeof msg).bytes[0];
        });
    }
    for (int k = 0; k < 2; ++k) {
        const char* vname = k == 0 ? "legacy" : "v0";
        Transaction tx;
        const std::span<const uint8_t> bytes(samples[k]);
        run_case("decode", vname, seconds, [&](uint64_t) {
            if (parse_transaction(bytes, tx)) {
                std::abort();
            }
            g_sink = g_sink + tx.message.instructions.size();
        });
        run_case("decode_verify", vname, seconds, [&](uint64_t) {
            if (parse_transaction(bytes, tx) || !verify_transaction(tx, bytes)[0]) {
                std::abort();
            }
        });
    }
    return 0;
}
