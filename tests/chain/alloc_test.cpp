// The hot path allocates nothing: once a decoder has seen its largest
// message, decoding the fixtures' logsNotifications (and a transaction)
// again performs no operator new. Counts every operator new of this test
// binary (replaced below) inside the measured window only.
#include "chain_test_util.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

// ASan replaces every operator new/delete itself: counting is done only in
// builds without it (the release test run).
#if !defined(__SANITIZE_ADDRESS__)
#define SNIPER_COUNT_NEW 1
#endif

namespace {
std::atomic<uint64_t> g_news{0};
}

#ifdef SNIPER_COUNT_NEW
void* operator new(std::size_t n) {
    g_news.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
#endif

TEST_CASE("decoding allocates nothing after warm-up", "[chain][alloc]") {
    using namespace sniper::chain;
    const std::string msgs[] = {
        chain_test::fixture("payloads/ws_logs_pumpfun_create_buy_2024-12.json"),
        chain_test::fixture("payloads/ws_logs_failed_okx_route_raydium_swap_2024-12.json"),
        chain_test::fixture("payloads/ws_logs_docs_example.json"),
        chain_test::fixture("payloads/ws_txn_raydium_initialize2_pumpfun_migration_2024-12.json"),
        chain_test::fixture(
            "payloads/http_getTransaction_pumpfun_create_v2_token2022_2026-07.json"),
    };
    SolanaWsDecoder dec;
    for (int warm = 0; warm < 2; ++warm) {
        for (const auto& m : msgs) {
            REQUIRE(dec.decode(m).ok());
        }
    }
    const uint64_t before = g_news.load();
    uint64_t events = 0;
    for (int rep = 0; rep < 100; ++rep) {
        for (const auto& m : msgs) {
            events += dec.decode(m).n_events;
        }
    }
    const uint64_t after = g_news.load();
    CHECK(events > 0);
#ifdef SNIPER_COUNT_NEW
    CHECK(after - before == 0);
#else
    WARN("allocation count not checked under AddressSanitizer");
    (void)before;
    (void)after;
#endif
}
