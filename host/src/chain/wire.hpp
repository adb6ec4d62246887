// chain/wire.hpp — the byte-level tools every decoder here shares: a
// bounds-checked little-endian (borsh / bincode) cursor, strict base64
// into a caller's buffer, base58 keys and 64-byte signatures, UTF-8
// validation. Nothing allocates; every read checks the bytes left first.
#pragma once

#include "chain/reject.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sniper::chain {

// Little-endian reader over borrowed bytes. A failed read returns false and
// leaves the cursor where it was.
class Cursor {
  public:
    Cursor(const uint8_t* p, size_t n) : p_(p), n_(n) {}
    size_t pos() const { return pos_; }
    size_t left() const { return n_ - pos_; }
    size_t size() const { return n_; }
    bool skip(size_t k) {
        if (k > left()) {
            return false;
        }
        pos_ += k;
        return true;
    }
    bool u8(uint8_t& v) {
        if (left() < 1) {
            return false;
        }
        v = p_[pos_++];
        return true;
    }
    bool u16(uint16_t& v) { return le(v); }
    bool u32(uint32_t& v) { return le(v); }
    bool u64(uint64_t& v) { return le(v); }
    bool i64(int64_t& v) {
        uint64_t u = 0;
        if (!le(u)) {
            return false;
        }
        std::memcpy(&v, &u, sizeof v);
        return true;
    }
    bool key(Pubkey& k) {
        if (left() < 32) {
            return false;
        }
        std::memcpy(k.bytes, p_ + pos_, 32);
        pos_ += 32;
        return true;
    }
    // Borsh bool: exactly 0 or 1. *bad is set for any other byte.
    bool boolean(bool& v, bool* bad) {
        uint8_t b = 0;
        if (!u8(b)) {
            return false;
        }
        if (b > 1) {
            *bad = true;
            return false;
        }
        v = b == 1;
        return true;
    }

  private:
    template <class T> bool le(T& v) {
        if (left() < sizeof(T)) {
            return false;
        }
        T out = 0;
        for (size_t i = 0; i < sizeof(T); ++i) {
            out |= static_cast<T>(static_cast<T>(p_[pos_ + i]) << (8 * i));
        }
        v = out;
        pos_ += sizeof(T);
        return true;
    }
    const uint8_t* p_;
    size_t n_;
    size_t pos_ = 0;
};

inline uint64_t read_u64_le(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) {
        v = (v << 8) | p[i];
    }
    return v;
}

// Strict RFC 4648 base64 ('=' padding required, no whitespace) into `out`
// (capacity `cap`). Returns None, Base64Invalid (alphabet, length, padding
// placement, output over cap) or Base64Noncanonical (bits under padding).
Reject base64_decode_into(std::string_view text, uint8_t* out, size_t cap, size_t& out_len);

// A 32-byte key from base58 text (canonical: one '1' per leading zero).
bool key_from_base58(std::string_view s, Pubkey& out);
// A 64-byte signature from base58 text; no allocation.
bool signature_from_base58(std::string_view s, uint8_t out[64]);

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(const uint8_t* p, size_t n);

// Decimal u64 text (no sign, no leading '+', at most 20 digits, no overflow).
bool parse_u64_decimal(std::string_view s, uint64_t& out);

} // namespace sniper::chain

namespace sniper::chain {
// Base58 of arbitrary length (instruction data) into `out` (capacity
// `cap`); false on a bad character or when the value does not fit.
bool base58_decode_into(std::string_view s, uint8_t* out, size_t cap, size_t& out_len);
} // namespace sniper::chain
