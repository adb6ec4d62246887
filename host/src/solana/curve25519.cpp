// Field arithmetic mod p = 2^255 - 19 on four 64-bit limbs, every value
// kept fully reduced (< p). Slow next to a real curve library (one
// 254-bit exponentiation per call, a few microseconds) and plenty for PDA
// derivation, the only user.
#include "solana/curve25519.hpp"

#include <array>

namespace sniper::solana {

namespace {

using u64 = uint64_t;
using u128 = unsigned __int128;
using Fe = std::array<u64, 4>; // little-endian limbs

constexpr Fe kP = {0xffffffffffffffedULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0x7fffffffffffffffULL};
// d = -121665/121666 mod p
constexpr Fe kD = {0x75eb4dca135978a3ULL, 0x00700a4d4141d8abULL, 0x8cc740797779e898ULL, 0x52036cee2b6ffe73ULL};
constexpr Fe kOne = {1, 0, 0, 0};

bool geq_p(const Fe& a) {
    for (int i = 3; i >= 0; --i) {
        if (a[i] != kP[i]) {
            return a[i] > kP[i];
        }
    }
    return true;
}

void sub_p(Fe& a) {
    u64 borrow = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 d = static_cast<u128>(a[i]) - kP[i] - borrow;
        a[i] = static_cast<u64>(d);
        borrow = static_cast<u64>(d >> 64) & 1;
    }
}

Fe add(const Fe& a, const Fe& b) {
    Fe r;
    u64 carry = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 s = static_cast<u128>(a[i]) + b[i] + carry;
        r[i] = static_cast<u64>(s);
        carry = static_cast<u64>(s >> 64);
    }
    if (geq_p(r)) { // a, b < p < 2^255: no carry out of the top limb
        sub_p(r);
    }
    return r;
}

Fe sub(const Fe& a, const Fe& b) {
    Fe r;
    u64 borrow = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 d = static_cast<u128>(a[i]) - b[i] - borrow;
        r[i] = static_cast<u64>(d);
        borrow = static_cast<u64>(d >> 64) & 1;
    }
    if (borrow != 0) { // r = a - b + 2^256: adding p wraps to a - b + p
        u64 carry = 0;
        for (int i = 0; i < 4; ++i) {
            const u128 s = static_cast<u128>(r[i]) + kP[i] + carry;
            r[i] = static_cast<u64>(s);
            carry = static_cast<u64>(s >> 64);
        }
    }
    return r;
}

Fe mul(const Fe& a, const Fe& b) {
    u64 t[8] = {};
    for (int i = 0; i < 4; ++i) {
        u64 carry = 0;
        for (int j = 0; j < 4; ++j) {
            const u128 x = static_cast<u128>(a[i]) * b[j] + t[i + j] + carry;
            t[i + j] = static_cast<u64>(x);
            carry = static_cast<u64>(x >> 64);
        }
        t[i + 4] = carry;
    }
    // 2^256 = 38 (mod p): fold the high half onto the low half.
    Fe r;
    u64 carry = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 x = static_cast<u128>(t[4 + i]) * 38 + t[i] + carry;
        r[i] = static_cast<u64>(x);
        carry = static_cast<u64>(x >> 64);
    }
    while (carry != 0) {
        u128 x = static_cast<u128>(carry) * 38 + r[0];
        r[0] = static_cast<u64>(x);
        carry = static_cast<u64>(x >> 64);
        for (int i = 1; i < 4 && carry != 0; ++i) {
            x = static_cast<u128>(r[i]) + carry;
            r[i] = static_cast<u64>(x);
            carry = static_cast<u64>(x >> 64);
        }
    }
    while (geq_p(r)) { // r < 2^256 < 3p
        sub_p(r);
    }
    return r;
}

// a^((p-1)/2): 1 for a non-zero square, p-1 for a non-square, 0 for 0.
Fe legendre(const Fe& a) {
    // (p-1)/2 = 2^254 - 10: bits 253..4 set, then 0110 in bits 3..0.
    Fe r = kOne;
    for (int bit = 253; bit >= 0; --bit) {
        r = mul(r, r);
        const bool set = bit >= 4 || bit == 2 || bit == 1;
        if (set) {
            r = mul(r, a);
        }
    }
    return r;
}

} // namespace

bool is_on_curve(std::span<const uint8_t, 32> bytes) {
    Fe y{};
    for (int i = 0; i < 32; ++i) {
        y[static_cast<size_t>(i / 8)] |= static_cast<u64>(bytes[static_cast<size_t>(i)]) << (8 * (i % 8));
    }
    y[3] &= 0x7fffffffffffffffULL; // the sign bit of x
    if (geq_p(y)) {
        sub_p(y); // a non-canonical y is taken mod p, as curve25519-dalek does
    }
    const Fe yy = mul(y, y);
    const Fe u = sub(yy, kOne);
    const Fe v = add(mul(yy, kD), kOne); // never 0: -1/d is not a square
    const Fe chi = legendre(mul(u, v));   // u/v is a square iff u*v is
    return chi == kOne || chi == Fe{};
}

} // namespace sniper::solana
