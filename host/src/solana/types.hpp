// solana/types.hpp — the fixed-size values of the Solana wire format:
// Pubkey (32-byte Ed25519 public key or program-derived address), Signature
// (64-byte Ed25519 signature) and Hash (32-byte blockhash), with their
// base58 text. `pubkey_lit("…")` decodes a base58 literal at compile time,
// so program ids are constants with no start-up cost.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sniper::solana {

struct Pubkey {
    std::array<uint8_t, 32> bytes{};
    friend bool operator==(const Pubkey&, const Pubkey&) = default;
    friend auto operator<=>(const Pubkey&, const Pubkey&) = default;
};

struct Signature {
    std::array<uint8_t, 64> bytes{};
    friend bool operator==(const Signature&, const Signature&) = default;
};

struct Hash {
    std::array<uint8_t, 32> bytes{};
    friend bool operator==(const Hash&, const Hash&) = default;
};

std::string to_base58(const Pubkey& k);
std::string to_base58(const Signature& s);
std::string to_base58(const Hash& h);

// nullopt when the text is not base58 or does not decode to exactly the
// type's size (a leading '1' per leading zero byte, as base58 requires).
std::optional<Pubkey> pubkey_from_base58(std::string_view s);
std::optional<Signature> signature_from_base58(std::string_view s);
std::optional<Hash> hash_from_base58(std::string_view s);

namespace detail {
constexpr int base58_digit(char c) {
    constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    for (size_t i = 0; i < kAlphabet.size(); ++i) {
        if (kAlphabet[i] == c) {
            return static_cast<int>(i);
        }
    }
    return -1;
}
} // namespace detail

// Compile-time base58 → Pubkey; a malformed literal fails to compile
// (the throw is not a constant expression).
consteval Pubkey pubkey_lit(std::string_view s) {
    Pubkey k{};
    size_t zeros = 0;
    while (zeros < s.size() && s[zeros] == '1') {
        ++zeros;
    }
    for (size_t i = zeros; i < s.size(); ++i) {
        const int d = detail::base58_digit(s[i]);
        if (d < 0) {
            throw "pubkey_lit: not a base58 character";
        }
        uint32_t carry = static_cast<uint32_t>(d);
        for (size_t j = 32; j-- > 0;) {
            const uint32_t v = static_cast<uint32_t>(k.bytes[j]) * 58u + carry;
            k.bytes[j] = static_cast<uint8_t>(v & 0xff);
            carry = v >> 8;
        }
        if (carry != 0) {
            throw "pubkey_lit: more than 32 bytes";
        }
    }
    size_t lead = 0;
    while (lead < 32 && k.bytes[lead] == 0) {
        ++lead;
    }
    if (lead != zeros && !(zeros == 32 && lead == 32)) {
        throw "pubkey_lit: leading '1's disagree with leading zero bytes";
    }
    return k;
}

} // namespace sniper::solana
