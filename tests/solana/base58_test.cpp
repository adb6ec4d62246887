#include "core/types.hpp"
#include "solana/base58.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace sniper;

TEST_CASE("base58 known vectors", "[solana][base58]") {
    const uint8_t hello[] = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
    CHECK(solana::base58_encode(hello, sizeof hello) == "StV1DL6CwTryKyV");
    const uint8_t zeros[] = {0, 0, 1};
    CHECK(solana::base58_encode(zeros, 3) == "112");
    std::vector<uint8_t> out;
    REQUIRE(solana::base58_decode("112", out));
    CHECK(out == std::vector<uint8_t>{0, 0, 1});
    CHECK_FALSE(solana::base58_decode("0OIl", out));
}

TEST_CASE("program ids decode to 32 bytes and round-trip", "[solana][base58]") {
    for (const char* id : {"11111111111111111111111111111111", "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
                           "So11111111111111111111111111111111111111112",
                           "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8"}) {
        Pubkey k;
        REQUIRE(pubkey_from_base58(id, k));
        CHECK(to_base58(k) == id);
    }
    Pubkey sys;
    REQUIRE(pubkey_from_base58("11111111111111111111111111111111", sys));
    CHECK(is_zero(sys));
    Pubkey k;
    CHECK_FALSE(pubkey_from_base58("", k));
    CHECK_FALSE(pubkey_from_base58("abc", k)); // too short
    CHECK_FALSE(pubkey_from_base58(std::string(200, 'z'), k));
}

TEST_CASE("the 32-byte fast path agrees with the general decoder", "[solana][base58]") {
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int n = 0; n < 2000; ++n) {
        uint8_t key[32];
        for (size_t i = 0; i < 32; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            key[i] = static_cast<uint8_t>(x);
        }
        const size_t zeros = static_cast<size_t>(n % 4); // leading zero bytes
        for (size_t i = 0; i < zeros; ++i) {
            key[i] = 0;
        }
        const std::string text = solana::base58_encode(key, 32);
        uint8_t back[32];
        REQUIRE(solana::base58_decode_fixed(text, back, 32));
        REQUIRE(std::memcmp(back, key, 32) == 0);
    }
    uint8_t out[32];
    // 33 bytes' worth of text, a non-canonical extra leading '1', bad chars.
    CHECK_FALSE(solana::base58_decode_fixed(std::string(45, 'z'), out, 32));
    CHECK_FALSE(solana::base58_decode_fixed("1" + std::string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"), out, 32));
    CHECK_FALSE(solana::base58_decode_fixed("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D0", out, 32));
}

TEST_CASE("the 32-byte encoder agrees with the general encoder", "[solana][base58]") {
    uint64_t x = 0x2545f4914f6cdd1dULL;
    for (int n = 0; n < 2000; ++n) {
        uint8_t key[33];
        for (size_t i = 0; i < 33; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            key[i] = static_cast<uint8_t>(x);
        }
        for (size_t i = 0; i < static_cast<size_t>(n % 5); ++i) {
            key[i] = 0;
        }
        // 33 bytes take the general path; its text with one extra leading
        // byte removed must match the 32-byte path on the same value.
        uint8_t wide[33] = {0};
        std::memcpy(wide + 1, key, 32);
        const std::string general = solana::base58_encode(wide, 33);
        REQUIRE(general[0] == '1');
        REQUIRE(solana::base58_encode(key, 32) == general.substr(1));
    }
    uint8_t zero[32] = {0};
    CHECK(solana::base58_encode(zero, 32) == std::string(32, '1'));
    uint8_t ff[32];
    std::memset(ff, 0xff, 32);
    CHECK(solana::base58_encode(ff, 32) == "JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG");
}
