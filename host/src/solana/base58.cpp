#include "solana/base58.hpp"

#include <array>
#include <bit>
#include <cstring>

namespace sniper::solana {
namespace {
constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr std::array<int8_t, 128> make_index() {
    std::array<int8_t, 128> t{};
    for (auto& v : t) {
        v = -1;
    }
    for (int i = 0; i < 58; ++i) {
        t[static_cast<size_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
    return t;
}
constexpr auto kIndex = make_index();
} // namespace

namespace {
// 32-byte values (keys, signatures' halves, hashes) are encoded on every
// recorded event and journal row: eight 32-bit limbs, divided by 58^5 at a
// time, no allocation beyond the result.
std::string encode32(const uint8_t* data) {
    constexpr uint32_t kBase5 = 58u * 58u * 58u * 58u * 58u; // 656356768
    uint32_t limbs[8];
    for (int j = 0; j < 8; ++j) {
        limbs[j] = (static_cast<uint32_t>(data[4 * j]) << 24) |
                   (static_cast<uint32_t>(data[4 * j + 1]) << 16) |
                   (static_cast<uint32_t>(data[4 * j + 2]) << 8) | data[4 * j + 3];
    }
    char digits[50];
    int n = 0; // digits produced, least significant first
    int first = 0;
    while (first < 8) {
        uint64_t rem = 0;
        for (int j = first; j < 8; ++j) {
            const uint64_t cur = (rem << 32) | limbs[j];
            limbs[j] = static_cast<uint32_t>(cur / kBase5);
            rem = cur % kBase5;
        }
        while (first < 8 && limbs[first] == 0) {
            ++first;
        }
        for (int k = 0; k < 5; ++k) {
            digits[n++] = static_cast<char>(rem % 58);
            rem /= 58;
        }
    }
    while (n > 0 && digits[n - 1] == 0) {
        --n; // the last chunk's leading zero digits
    }
    size_t zeros = 0;
    while (zeros < 32 && data[zeros] == 0) {
        ++zeros;
    }
    std::string out(zeros, '1');
    out.reserve(zeros + static_cast<size_t>(n));
    for (int i = n - 1; i >= 0; --i) {
        out.push_back(kAlphabet[static_cast<size_t>(digits[i])]);
    }
    return out;
}
} // namespace

namespace {
// 32-byte values (keys) are decoded on every replayed event (3-4 keys a
// line) and 64-byte ones (signatures) on every live notification, so both
// get a fixed-width path with no carry chain per digit: the text, right
// aligned to 4 * kWords digits, is read as base-58^4 "words" w[k] (each
// below 2^23.5), and the value sum_k w[k] * 58^(4*(kWords-1-k)) is formed
// column by column against a table of those powers in 32-bit limbs. Every
// product is independent (below 2^55.5; 22 of them below 2^60), one carry
// pass at the end. Same answers as the byte-wise decoder: false on a
// character outside the alphabet, a value over the width, or leading '1's
// that do not match the leading zero bytes.
template <int Bytes> struct Fixed {
    static constexpr int kLimbs = Bytes / 4; // 32-bit limbs, least significant first
    // Digits needed: 58^44 > 2^256 > 58^43, 58^88 > 2^512 > 58^87.
    static constexpr int kWords = Bytes == 32 ? 11 : 22;
    static_assert(Bytes == 32 || Bytes == 64);

    struct PowTable {
        uint32_t v[kWords][kLimbs];
    };
    static constexpr PowTable make_pow_table() {
        PowTable t{};
        uint32_t p[kLimbs + 1] = {1}; // 58^(4*i), little-endian limbs
        for (int i = 0; i < kWords; ++i) {
            for (int j = 0; j < kLimbs; ++j) {
                t.v[kWords - 1 - i][j] = p[j];
            }
            for (int r = 0; r < 4; ++r) {
                uint64_t carry = 0;
                for (int j = 0; j <= kLimbs; ++j) {
                    const uint64_t x = static_cast<uint64_t>(p[j]) * 58u + carry;
                    p[j] = static_cast<uint32_t>(x);
                    carry = x >> 32;
                }
            }
        }
        return t;
    }
    static constexpr PowTable kPow = make_pow_table();

    // How many words (from k = 0) have a non-zero limb j or above: the
    // powers shrink with k, so those are a prefix.
    struct ColTable {
        int v[kLimbs];
    };
    static constexpr ColTable make_cols() {
        ColTable c{};
        for (int j = 0; j < kLimbs; ++j) {
            for (int k = 0; k < kWords; ++k) {
                bool nonzero_above = false;
                for (int i = j; i < kLimbs; ++i) {
                    nonzero_above = nonzero_above || kPow.v[k][i] != 0;
                }
                if (nonzero_above) {
                    c.v[j] = k + 1;
                }
            }
        }
        return c;
    }
    static constexpr ColTable kCols = make_cols();
};

// Digit values for all 256 bytes, 0xFF outside the alphabet.
constexpr std::array<uint8_t, 256> make_digits() {
    std::array<uint8_t, 256> t{};
    for (auto& v : t) {
        v = 0xFF;
    }
    for (int i = 0; i < 58; ++i) {
        t[static_cast<size_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
    }
    return t;
}
constexpr auto kDigit = make_digits();

template <int Bytes> bool decode_fixed_width(std::string_view s, uint8_t* out) {
    using F = Fixed<Bytes>;
    constexpr int kWords = F::kWords;
    constexpr int kLimbs = F::kLimbs;
    size_t zeros = 0;
    while (zeros < s.size() && s[zeros] == '1') {
        ++zeros;
    }
    const size_t n = s.size() - zeros;
    if (n > 4 * kWords) {
        // The first digit after the '1's is not 0, so the value is at least
        // 58^(4 * kWords), more than the width holds (or not base58).
        return false;
    }
    // Right-aligned; most texts are full width already.
    const char* text = s.data() + zeros;
    char padded[4 * kWords];
    if (n != sizeof padded) {
        std::memset(padded, '1', sizeof padded); // '1' is the digit 0
        std::memcpy(padded + sizeof padded - n, text, n);
        text = padded;
    }
    // Four digits per 32-bit load (little-endian: the first digit is the
    // low byte); written so the compiler keeps it scalar (its vectorized
    // table lookups were slower here).
    static_assert(std::endian::native == std::endian::little);
    uint32_t word[kWords];
    uint32_t bad = 0;
    for (int k = 0; k < kWords; ++k) {
        uint32_t v;
        std::memcpy(&v, text + 4 * k, sizeof v);
        const uint32_t d0 = kDigit[v & 0xFF];
        const uint32_t d1 = kDigit[(v >> 8) & 0xFF];
        const uint32_t d2 = kDigit[(v >> 16) & 0xFF];
        const uint32_t d3 = kDigit[v >> 24];
        bad |= d0 | d1 | d2 | d3;
        word[k] = d0 * (58u * 58u * 58u) + d1 * (58u * 58u) + d2 * 58u + d3;
    }
    if ((bad & 0x80) != 0) {
        return false;
    }
    // Column j only takes the words whose power reaches limb j (kCols).
    uint32_t limbs[kLimbs];
    uint64_t carry = 0;
#pragma GCC unroll 16
    for (int j = 0; j < kLimbs; ++j) {
        uint64_t acc = carry;
#pragma GCC unroll 22
        for (int k = 0; k < F::kCols.v[j]; ++k) {
            acc += static_cast<uint64_t>(word[k]) * F::kPow.v[k][j];
        }
        limbs[j] = static_cast<uint32_t>(acc);
        carry = acc >> 32;
    }
    if (carry != 0) {
        return false; // wider than Bytes
    }
    // The canonical text has exactly one '1' per leading zero byte.
    size_t lead = 0;
    int top = kLimbs - 1;
    while (top >= 0 && limbs[top] == 0) {
        lead += 4;
        --top;
    }
    if (top >= 0) {
        lead += static_cast<size_t>(std::countl_zero(limbs[top]) >> 3);
    }
    if (lead != zeros) {
        return false;
    }
    for (int j = 0; j < kLimbs; ++j) { // big-endian bytes
        const uint32_t l = limbs[kLimbs - 1 - j];
        out[4 * j] = static_cast<uint8_t>(l >> 24);
        out[4 * j + 1] = static_cast<uint8_t>(l >> 16);
        out[4 * j + 2] = static_cast<uint8_t>(l >> 8);
        out[4 * j + 3] = static_cast<uint8_t>(l);
    }
    return true;
}
} // namespace

std::string base58_encode(const uint8_t* data, size_t len) {
    if (len == 32) {
        return encode32(data);
    }
    size_t zeros = 0;
    while (zeros < len && data[zeros] == 0) {
        ++zeros;
    }
    // log(256)/log(58) ~ 1.366
    std::vector<uint8_t> digits((len - zeros) * 138 / 100 + 1, 0);
    size_t used = 0;
    for (size_t i = zeros; i < len; ++i) {
        uint32_t carry = data[i];
        size_t j = 0;
        for (auto it = digits.rbegin(); (carry != 0 || j < used) && it != digits.rend(); ++it, ++j) {
            carry += 256u * *it;
            *it = static_cast<uint8_t>(carry % 58);
            carry /= 58;
        }
        used = j;
    }
    auto it = digits.begin() + static_cast<std::ptrdiff_t>(digits.size() - used);
    while (it != digits.end() && *it == 0) {
        ++it;
    }
    std::string out(zeros, '1');
    for (; it != digits.end(); ++it) {
        out.push_back(kAlphabet[*it]);
    }
    return out;
}

bool base58_decode(std::string_view s, std::vector<uint8_t>& out) {
    size_t zeros = 0;
    while (zeros < s.size() && s[zeros] == '1') {
        ++zeros;
    }
    std::vector<uint8_t> b256((s.size() - zeros) * 733 / 1000 + 1, 0);
    size_t used = 0;
    for (size_t i = zeros; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 128 || kIndex[c] < 0) {
            return false;
        }
        uint32_t carry = static_cast<uint32_t>(kIndex[c]);
        size_t j = 0;
        for (auto it = b256.rbegin(); (carry != 0 || j < used) && it != b256.rend(); ++it, ++j) {
            carry += 58u * *it;
            *it = static_cast<uint8_t>(carry % 256);
            carry /= 256;
        }
        used = j;
    }
    auto it = b256.begin() + static_cast<std::ptrdiff_t>(b256.size() - used);
    while (it != b256.end() && *it == 0) {
        ++it;
    }
    out.assign(zeros, 0);
    out.insert(out.end(), it, b256.end());
    return true;
}

bool base58_decode_fixed(std::string_view s, uint8_t* out, size_t len) {
    if (s.empty() || s.size() > len * 2) {
        return false;
    }
    if (len == 32) {
        return decode_fixed_width<32>(s, out);
    }
    if (len == 64) {
        return decode_fixed_width<64>(s, out);
    }
    std::vector<uint8_t> v;
    if (!base58_decode(s, v) || v.size() != len) {
        return false;
    }
    std::memcpy(out, v.data(), len);
    return true;
}

} // namespace sniper::solana
