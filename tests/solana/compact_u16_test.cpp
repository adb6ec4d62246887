#include "solana/compact_u16.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace sniper::solana;

namespace {
std::vector<uint8_t> enc(uint16_t v) {
    uint8_t b[3];
    const size_t n = compact_u16_encode(v, b);
    return {b, b + n};
}
CompactU16Error dec(std::vector<uint8_t> b, uint16_t& v, size_t& used) {
    return compact_u16_decode(b.data(), b.size(), v, used);
}
} // namespace

TEST_CASE("compact-u16 encodes the documented edge values", "[solana][compact_u16]") {
    CHECK(enc(0) == std::vector<uint8_t>{0x00});
    CHECK(enc(0x7f) == std::vector<uint8_t>{0x7f});
    CHECK(enc(0x80) == std::vector<uint8_t>{0x80, 0x01});
    CHECK(enc(0xff) == std::vector<uint8_t>{0xff, 0x01});
    CHECK(enc(0x100) == std::vector<uint8_t>{0x80, 0x02});
    CHECK(enc(0x3fff) == std::vector<uint8_t>{0xff, 0x7f});
    CHECK(enc(0x4000) == std::vector<uint8_t>{0x80, 0x80, 0x01});
    CHECK(enc(0xffff) == std::vector<uint8_t>{0xff, 0xff, 0x03});
    for (const uint16_t v : {0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0xffff}) {
        CHECK(enc(v).size() == compact_u16_size(v));
    }
}

TEST_CASE("compact-u16 round-trips every value", "[solana][compact_u16]") {
    for (uint32_t v = 0; v <= 0xffff; ++v) {
        const auto b = enc(static_cast<uint16_t>(v));
        uint16_t got = 0;
        size_t used = 0;
        REQUIRE(compact_u16_decode(b.data(), b.size(), got, used) == CompactU16Error::None);
        REQUIRE(got == v);
        REQUIRE(used == b.size());
    }
}

TEST_CASE("compact-u16 refuses non-canonical, long, overflowing and truncated input", "[solana][compact_u16]") {
    uint16_t v = 0;
    size_t used = 0;
    CHECK(dec({0x80, 0x00}, v, used) == CompactU16Error::NonCanonical);
    CHECK(dec({0x81, 0x80, 0x00}, v, used) == CompactU16Error::NonCanonical);
    CHECK(dec({0xff, 0x80, 0x00}, v, used) == CompactU16Error::NonCanonical);
    CHECK(dec({0x80, 0x80, 0x80, 0x01}, v, used) == CompactU16Error::TooLong);
    CHECK(dec({0xff, 0xff, 0x04}, v, used) == CompactU16Error::Overflow);
    CHECK(dec({0xff, 0xff, 0x7f}, v, used) == CompactU16Error::Overflow);
    CHECK(dec({}, v, used) == CompactU16Error::Truncated);
    CHECK(dec({0x80}, v, used) == CompactU16Error::Truncated);
    CHECK(dec({0xff, 0xff}, v, used) == CompactU16Error::Truncated);
    // Trailing bytes after a complete value are the caller's business.
    REQUIRE(dec({0x05, 0x80}, v, used) == CompactU16Error::None);
    CHECK(v == 5);
    CHECK(used == 1);
    REQUIRE(dec({0xff, 0xff, 0x03}, v, used) == CompactU16Error::None);
    CHECK(v == 0xffff);
}
