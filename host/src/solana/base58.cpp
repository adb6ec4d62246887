#include "solana/base58.hpp"

#include <array>
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
    if (len != 32) {
        std::vector<uint8_t> v;
        if (!base58_decode(s, v) || v.size() != len) {
            return false;
        }
        std::memcpy(out, v.data(), len);
        return true;
    }
    // Keys and hashes (32 bytes) are decoded on every replayed event, so
    // they get a fixed-width path: eight 32-bit limbs, no allocation.
    uint32_t limbs[8] = {};
    size_t zeros = 0;
    while (zeros < s.size() && s[zeros] == '1') {
        ++zeros;
    }
    // Five digits at a time (58^5 < 2^32): limbs = limbs * 58^k + chunk.
    size_t i = zeros;
    while (i < s.size()) {
        uint64_t chunk = 0;
        uint64_t mul = 1;
        for (size_t k = 0; k < 5 && i < s.size(); ++k, ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c >= 128 || kIndex[c] < 0) {
                return false;
            }
            chunk = chunk * 58 + static_cast<uint64_t>(kIndex[c]);
            mul *= 58;
        }
        uint64_t carry = chunk;
        for (int j = 7; j >= 0; --j) {
            const uint64_t v = static_cast<uint64_t>(limbs[j]) * mul + carry;
            limbs[j] = static_cast<uint32_t>(v);
            carry = v >> 32;
        }
        if (carry != 0) {
            return false; // more than 32 bytes
        }
    }
    uint8_t bytes[32];
    for (int j = 0; j < 8; ++j) {
        bytes[4 * j] = static_cast<uint8_t>(limbs[j] >> 24);
        bytes[4 * j + 1] = static_cast<uint8_t>(limbs[j] >> 16);
        bytes[4 * j + 2] = static_cast<uint8_t>(limbs[j] >> 8);
        bytes[4 * j + 3] = static_cast<uint8_t>(limbs[j]);
    }
    // The canonical text has exactly one '1' per leading zero byte.
    size_t lead = 0;
    while (lead < 32 && bytes[lead] == 0) {
        ++lead;
    }
    if (lead != zeros) {
        return false;
    }
    std::memcpy(out, bytes, 32);
    return true;
}

} // namespace sniper::solana
