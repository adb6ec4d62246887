#include "solana/base64.hpp"

#include <array>
#include <cstdio>

namespace sniper::solana {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_index() {
    std::array<int8_t, 256> t{};
    for (auto& v : t) {
        v = -1;
    }
    for (int i = 0; i < 64; ++i) {
        t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
    return t;
}
constexpr auto kIndex = make_index();
} // namespace

std::string base64_encode(std::span<const uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    const size_t rest = bytes.size() - i;
    if (rest == 1) {
        const uint32_t v = uint32_t{bytes[i]} << 16;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out += "==";
    } else if (rest == 2) {
        const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

std::optional<std::vector<uint8_t>> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::vector<uint8_t> out;
    out.reserve(text.size() / 4 * 3);
    for (size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        int pad = 0;
        if (last && text[i + 3] == '=') {
            pad = text[i + 2] == '=' ? 2 : 1;
        }
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const int d = k >= 4 - pad ? 0 : kIndex[static_cast<uint8_t>(text[i + static_cast<size_t>(k)])];
            if (d < 0) {
                return std::nullopt;
            }
            v = (v << 6) | static_cast<uint32_t>(d);
        }
        out.push_back(static_cast<uint8_t>(v >> 16));
        if (pad == 2) {
            if ((v & 0xffff) != 0) {
                return std::nullopt;
            }
            break;
        }
        out.push_back(static_cast<uint8_t>(v >> 8));
        if (pad == 1) {
            if ((v & 0xff) != 0) {
                return std::nullopt;
            }
            break;
        }
        out.push_back(static_cast<uint8_t>(v));
    }
    return out;
}

std::string base64_problem(std::string_view text) {
    size_t data_end = text.size(); // where the '=' padding starts
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '=') {
            if (data_end == text.size()) {
                data_end = i;
            }
            continue;
        }
        if (data_end != text.size()) {
            return "character " + std::to_string(i) + ": '" + std::string(1, c) + "' after the '=' padding at " +
                   std::to_string(data_end) + " (padding only ends the text)";
        }
        if (kIndex[static_cast<uint8_t>(c)] < 0) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(static_cast<uint8_t>(c)));
            return "character " + std::to_string(i) + " is " + hex +
                   ", not in the base64 alphabet (A-Z a-z 0-9 + /, '=' padding)";
        }
    }
    if (text.size() % 4 != 0) {
        return std::to_string(text.size()) + " characters: base64 comes in groups of 4, the last group (from " +
               "character " + std::to_string(text.size() / 4 * 4) + ") is short";
    }
    if (text.size() - data_end > 2) {
        return "character " + std::to_string(data_end) + ": " + std::to_string(text.size() - data_end) +
               " '=' padding characters, at most 2";
    }
    if (!base64_decode(text)) {
        return "character " + std::to_string(data_end == 0 ? 0 : data_end - 1) +
               ": bits under the '=' padding are not zero (not the canonical encoding)";
    }
    return "";
}

} // namespace sniper::solana
