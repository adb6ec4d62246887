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

// The fixed-width paths (32-byte keys, 64-byte signatures) answer exactly
// as the general decoder does with a size check: on encodings of random
// values with leading zero bytes, and on random texts near the width
// (too long, too short, extra or missing '1's, characters outside the
// alphabet).
TEST_CASE("the 32- and 64-byte fast paths agree with the general decoder on any text", "[solana][base58]") {
    static const char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    uint64_t x = 0x2545F4914F6CDD1DULL;
    auto next = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    auto agree = [](const std::string& text, size_t width) {
        INFO(text << " width " << width);
        std::vector<uint8_t> general;
        const bool want = solana::base58_decode(text, general) && general.size() == width && !text.empty() &&
                          text.size() <= 2 * width;
        uint8_t fixed[64];
        std::memset(fixed, 0xA5, sizeof fixed);
        const bool got = solana::base58_decode_fixed(text, fixed, width);
        REQUIRE(got == want);
        if (want) {
            REQUIRE(std::memcmp(fixed, general.data(), width) == 0);
        }
    };
    for (const size_t width : {size_t{32}, size_t{64}}) {
        for (int n = 0; n < 3000; ++n) {
            uint8_t value[64];
            for (size_t i = 0; i < width; ++i) {
                value[i] = static_cast<uint8_t>(next());
            }
            const size_t zeros = static_cast<size_t>(n % 6);
            for (size_t i = 0; i < zeros; ++i) {
                value[i] = 0;
            }
            if (n % 97 == 0) {
                std::memset(value, n % 2 == 0 ? 0x00 : 0xFF, width); // all zero, the maximum
            }
            const std::string text = solana::base58_encode(value, width);
            agree(text, width);
            uint8_t back[64];
            REQUIRE(solana::base58_decode_fixed(text, back, width));
            REQUIRE(std::memcmp(back, value, width) == 0);
            // Mutations of a valid text.
            std::string m = text;
            switch (n % 5) {
            case 0: m = "1" + m; break;                                   // an extra leading '1'
            case 1: m = m.size() > 1 && m[0] == '1' ? m.substr(1) : m + "1"; break; // one '1' less, or a digit more
            case 2: m[static_cast<size_t>(next() % m.size())] = "0OIl+/ \xff"[next() % 9]; break;
            case 3: m[static_cast<size_t>(next() % m.size())] = kAlphabet[next() % 58]; break;
            case 4: m = m.substr(0, m.size() - 1 - static_cast<size_t>(next() % 3)); break;
            }
            agree(m, width);
        }
        // Random texts of lengths around the width's.
        for (int n = 0; n < 3000; ++n) {
            const size_t len = width * 138 / 100 - 6 + static_cast<size_t>(next() % 12);
            std::string t;
            for (size_t i = 0; i < len; ++i) {
                t.push_back(kAlphabet[next() % 58]);
            }
            agree(t, width);
        }
    }
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
