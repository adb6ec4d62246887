// The on-curve rule and PDA limits, checked by hand and against libsodium
// where libsodium is an authority (its keys are points). The 10,000+
// web3.js vectors are in web3_vectors_test.cpp.
#include "solana/associated_token.hpp"
#include "solana/curve25519.hpp"
#include "solana/pda.hpp"
#include "solana/program_ids.hpp"
#include "tx_test_util.hpp"

#include <catch2/catch.hpp>

#include <sodium.h>

using namespace sniper::solana;
using namespace sniper::solana::test;

namespace {
bool on_curve_hex(std::string_view h) {
    const auto b = from_hex(h);
    return is_on_curve(std::span<const uint8_t, 32>(b.data(), 32));
}
} // namespace

TEST_CASE("on-curve: known points and non-points", "[solana][pda]") {
    // The Ed25519 base point.
    CHECK(on_curve_hex("5866666666666666666666666666666666666666666666666666666666666666"));
    // y = 1: the identity (x = 0); with the sign bit set dalek still accepts it.
    CHECK(on_curve_hex("0100000000000000000000000000000000000000000000000000000000000000"));
    CHECK(on_curve_hex("0100000000000000000000000000000000000000000000000000000000000080"));
    // y = 0: a point of order 4 (x^2 = -1 is a square mod p).
    CHECK(on_curve_hex("0000000000000000000000000000000000000000000000000000000000000000"));
    // y = 2: (4 - 1)/(4d + 1) is not a square.
    CHECK_FALSE(on_curve_hex("0200000000000000000000000000000000000000000000000000000000000000"));
    // y = p + 1 (non-canonical) is taken as y = 1.
    CHECK(on_curve_hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
}

TEST_CASE("on-curve: every libsodium public key is a point, and libsodium's point check is stricter", "[solana][pda]") {
    REQUIRE(sodium_init() >= 0);
    for (int i = 0; i < 500; ++i) {
        uint8_t pk[32];
        uint8_t sk[64];
        crypto_sign_keypair(pk, sk);
        REQUIRE(is_on_curve(std::span<const uint8_t, 32>(pk, 32)));
    }
    // Where libsodium's is_valid_point says yes, so must we (the converse
    // does not hold: it rejects small-order points that decompress fine).
    uint64_t x = 0x243f6a8885a308d3ULL;
    size_t sodium_valid = 0;
    size_t ours = 0;
    for (int i = 0; i < 2000; ++i) {
        uint8_t b[32];
        for (auto& v : b) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v = static_cast<uint8_t>(x);
        }
        const bool valid = crypto_core_ed25519_is_valid_point(b) == 1;
        const bool mine = is_on_curve(std::span<const uint8_t, 32>(b, 32));
        if (valid) {
            REQUIRE(mine);
            ++sodium_valid;
        }
        ours += mine ? 1 : 0;
    }
    // About half of random y values decompress; libsodium accepts fewer.
    CHECK(ours > 800);
    CHECK(ours < 1200);
    // libsodium also demands the prime-order subgroup (1 point in 8): it
    // would call most on-curve hashes "off curve".
    CHECK(sodium_valid * 4 < ours);
}

TEST_CASE("PDA limits: 16 seeds of 32 bytes, and find leaves room for the bump", "[solana][pda]") {
    const uint8_t seed32[32] = {};
    const uint8_t seed33[33] = {};
    std::vector<Seed> seeds(15, Seed(seed32, 32));
    CHECK(find_program_address(seeds, kSystemProgram).ok());
    seeds.emplace_back(seed32, 32);
    auto r16 = find_program_address(seeds, kSystemProgram);
    REQUIRE_FALSE(r16.ok());
    CHECK_THAT(r16.error().message, Catch::Contains("at most 15 seeds"));
    // create_program_address takes 16 (it is find's inner step); 17 is refused.
    auto c16 = create_program_address(seeds, kSystemProgram);
    CHECK((c16.ok() || c16.error().message.find("curve") != std::string::npos));
    seeds.emplace_back(seed32, 32);
    CHECK_FALSE(create_program_address(seeds, kSystemProgram).ok());
    const std::vector<Seed> long_seed = {Seed(seed33, 33)};
    auto r = find_program_address(long_seed, kSystemProgram);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("33 bytes"));
}

TEST_CASE("find_program_address returns the first off-curve bump from 255 down", "[solana][pda]") {
    const Pubkey owner = pubkey_from_label(0x11);
    const Pubkey mint = pubkey_from_label(0x22);
    const auto r = find_program_address({seed_of(owner), seed_of(kTokenProgram), seed_of(mint)},
                                        kAssociatedTokenProgram);
    REQUIRE(r.ok());
    CHECK(r->address == associated_token_address(owner, mint, kTokenProgram));
    CHECK_FALSE(is_on_curve(r->address.bytes));
    for (unsigned b = 255; b > r->bump; --b) {
        const uint8_t bump = static_cast<uint8_t>(b);
        const std::vector<Seed> s = {seed_of(owner), seed_of(kTokenProgram), seed_of(mint), Seed(&bump, 1)};
        CHECK_FALSE(create_program_address(s, kAssociatedTokenProgram).ok()); // on curve
    }
    const uint8_t bump = r->bump;
    const std::vector<Seed> s = {seed_of(owner), seed_of(kTokenProgram), seed_of(mint), Seed(&bump, 1)};
    auto c = create_program_address(s, kAssociatedTokenProgram);
    REQUIRE(c.ok());
    CHECK(*c == r->address);
}

TEST_CASE("pubkey_lit and base58 parsing agree", "[solana][types]") {
    constexpr Pubkey k = pubkey_lit("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    CHECK(pubkey_from_base58("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA") == k);
    CHECK_FALSE(pubkey_from_base58("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D"));
    CHECK_FALSE(hash_from_base58("0OIl"));
    const Signature s{};
    CHECK(signature_from_base58(to_base58(s)) == s);
}
