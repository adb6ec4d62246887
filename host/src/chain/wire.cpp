// chain/wire.cpp — base64, base58, UTF-8 and decimal parsing for the
// decoders, all on caller buffers (the hot path allocates nothing).
#include "chain/wire.hpp"

#include "solana/base58.hpp"

#include <array>
#include <cstring>

namespace sniper::chain {
namespace {

constexpr std::array<int8_t, 256> make_b64() {
    std::array<int8_t, 256> t{};
    for (auto& v : t) {
        v = -1;
    }
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) {
        t[static_cast<uint8_t>(a[i])] = static_cast<int8_t>(i);
    }
    return t;
}
constexpr auto kB64 = make_b64();

constexpr std::array<int8_t, 256> make_b58() {
    std::array<int8_t, 256> t{};
    for (auto& v : t) {
        v = -1;
    }
    const char* a = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    for (int i = 0; i < 58; ++i) {
        t[static_cast<uint8_t>(a[i])] = static_cast<int8_t>(i);
    }
    return t;
}
constexpr auto kB58 = make_b58();

} // namespace

const std::array<int8_t, 256> kB58Public = kB58;

Reject base64_decode_into(std::string_view t, uint8_t* out, size_t cap, size_t& out_len) {
    out_len = 0;
    if (t.size() % 4 != 0) {
        return Reject::Base64Invalid;
    }
    size_t pad = 0;
    if (!t.empty() && t.back() == '=') {
        pad = (t.size() >= 2 && t[t.size() - 2] == '=') ? 2 : 1;
    }
    const size_t n = t.size() / 4 * 3 - pad;
    if (n > cap) {
        return Reject::Base64Invalid;
    }
    const size_t full = pad ? t.size() - 4 : t.size();
    size_t o = 0;
    for (size_t i = 0; i < full; i += 4) {
        const int a = kB64[static_cast<uint8_t>(t[i])], b = kB64[static_cast<uint8_t>(t[i + 1])],
                  c = kB64[static_cast<uint8_t>(t[i + 2])],
                  d = kB64[static_cast<uint8_t>(t[i + 3])];
        if ((a | b | c | d) < 0) {
            return Reject::Base64Invalid;
        }
        const uint32_t v = (static_cast<uint32_t>(a) << 18) | (static_cast<uint32_t>(b) << 12) |
                           (static_cast<uint32_t>(c) << 6) | static_cast<uint32_t>(d);
        out[o++] = static_cast<uint8_t>(v >> 16);
        out[o++] = static_cast<uint8_t>(v >> 8);
        out[o++] = static_cast<uint8_t>(v);
    }
    if (pad) {
        const size_t i = full;
        const int a = kB64[static_cast<uint8_t>(t[i])], b = kB64[static_cast<uint8_t>(t[i + 1])];
        if ((a | b) < 0) {
            return Reject::Base64Invalid;
        }
        if (pad == 2) {
            if ((b & 0x0f) != 0) {
                return Reject::Base64Noncanonical;
            }
            out[o++] = static_cast<uint8_t>((a << 2) | (b >> 4));
        } else {
            const int c = kB64[static_cast<uint8_t>(t[i + 2])];
            if (c < 0) {
                return Reject::Base64Invalid;
            }
            if ((c & 0x03) != 0) {
                return Reject::Base64Noncanonical;
            }
            out[o++] = static_cast<uint8_t>((a << 2) | (b >> 4));
            out[o++] = static_cast<uint8_t>(((b & 0x0f) << 4) | (c >> 2));
        }
    }
    out_len = o;
    return Reject::None;
}

// Keys and signatures: the fixed-width decoders of solana/base58.
bool key_from_base58(std::string_view s, Pubkey& out) {
    return solana::base58_decode_fixed(s, out.bytes, sizeof out.bytes);
}

bool signature_from_base58(std::string_view s, uint8_t out[64]) {
    return solana::base58_decode_fixed(s, out, 64);
}

bool valid_utf8(const uint8_t* p, size_t n) {
    size_t i = 0;
    while (i < n) {
        const uint8_t c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        uint32_t cp = 0;
        if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) {
            return false;
        }
        for (size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += len;
    }
    return true;
}

bool parse_u64_decimal(std::string_view s, uint64_t& out) {
    if (s.empty() || s.size() > 20) {
        return false;
    }
    uint64_t v = 0;
    for (const char ch : s) {
        if (ch < '0' || ch > '9') {
            return false;
        }
        const uint64_t d = static_cast<uint64_t>(ch - '0');
        if (v > (UINT64_MAX - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    out = v;
    return true;
}

} // namespace sniper::chain

namespace sniper::chain {

bool base58_decode_into(std::string_view s, uint8_t* out, size_t cap, size_t& out_len) {
    out_len = 0;
    size_t zeros = 0;
    while (zeros < s.size() && s[zeros] == '1') {
        ++zeros;
    }
    if (zeros > cap) {
        return false;
    }
    // Big-endian digits in out[cap - used .. cap), then moved to the front.
    size_t used = 0;
    for (size_t i = zeros; i < s.size(); ++i) {
        const int8_t d = kB58Public[static_cast<uint8_t>(s[i])];
        if (d < 0) {
            return false;
        }
        uint32_t carry = static_cast<uint32_t>(d);
        size_t j = 0;
        for (; j < used || carry != 0; ++j) {
            if (j >= cap) {
                return false;
            }
            uint8_t& b = out[cap - 1 - j];
            const uint32_t v = (j < used ? static_cast<uint32_t>(b) : 0u) * 58u + carry;
            b = static_cast<uint8_t>(v);
            carry = v >> 8;
        }
        used = j;
    }
    if (zeros + used > cap) {
        return false;
    }
    std::memmove(out + zeros, out + cap - used, used);
    std::memset(out, 0, zeros);
    out_len = zeros + used;
    return true;
}

} // namespace sniper::chain
