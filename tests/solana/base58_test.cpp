#include "core/types.hpp"
#include "solana/base58.hpp"

#include <catch2/catch.hpp>

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
