// solana/compact_u16.hpp — Solana's "short vec" length prefix: 7 bits per
// byte, least significant first, high bit = more bytes follow, at most 3
// bytes, values 0..0xffff. Decoding is strict like the runtime's: a
// non-canonical encoding (a redundant zero continuation such as 80 00), a
// fourth byte, or a value above 0xffff is refused.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sniper::solana {

constexpr size_t kCompactU16MaxBytes = 3;

// Bytes needed to encode `v`.
constexpr size_t compact_u16_size(uint16_t v) { return v < 0x80 ? 1 : (v < 0x4000 ? 2 : 3); }

// Writes `v` at `out` (room for 3 bytes required); returns the bytes written.
inline size_t compact_u16_encode(uint16_t v, uint8_t* out) {
    size_t n = 0;
    uint32_t rest = v;
    for (;;) {
        const auto low = static_cast<uint8_t>(rest & 0x7f);
        rest >>= 7;
        if (rest == 0) {
            out[n++] = low;
            return n;
        }
        out[n++] = static_cast<uint8_t>(low | 0x80);
    }
}

enum class CompactU16Error : uint8_t {
    None = 0,
    Truncated,    // the buffer ended inside the encoding
    NonCanonical, // a longer encoding than the value needs (e.g. 80 00)
    TooLong,      // a continuation bit on the third byte
    Overflow,     // the value exceeds 0xffff
};

const char* compact_u16_error_name(CompactU16Error e);

// Decodes from data[0..len). On success stores the value and the bytes used.
inline CompactU16Error compact_u16_decode(const uint8_t* data, size_t len, uint16_t& value,
                                          size_t& used) {
    uint32_t v = 0;
    for (size_t i = 0; i < kCompactU16MaxBytes; ++i) {
        if (i >= len) {
            return CompactU16Error::Truncated;
        }
        const uint8_t b = data[i];
        if (i == 2 && (b & 0x80) != 0) {
            return CompactU16Error::TooLong;
        }
        v |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            if (i > 0 && b == 0) {
                return CompactU16Error::NonCanonical;
            }
            if (v > 0xffff) {
                return CompactU16Error::Overflow;
            }
            value = static_cast<uint16_t>(v);
            used = i + 1;
            return CompactU16Error::None;
        }
    }
    return CompactU16Error::TooLong; // unreachable: the third byte returns above
}

} // namespace sniper::solana
