#include "config/units.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace sniper::config_units {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::optional<int64_t> unit_ns(std::string_view unit) {
    if (unit == "ns") {
        return 1;
    }
    if (unit == "us") {
        return 1'000;
    }
    if (unit == "ms") {
        return 1'000'000;
    }
    if (unit == "s") {
        return 1'000'000'000;
    }
    if (unit == "m") {
        return 60LL * 1'000'000'000;
    }
    if (unit == "h") {
        return 3600LL * 1'000'000'000;
    }
    return std::nullopt;
}

} // namespace

std::optional<int64_t> parse_duration_ns(std::string_view text) {
    size_t i = 0;
    std::string_view int_digits;
    std::string_view frac_digits;
    while (i < text.size() && is_digit(text[i])) {
        ++i;
    }
    int_digits = text.substr(0, i);
    if (i < text.size() && text[i] == '.') {
        const size_t start = ++i;
        while (i < text.size() && is_digit(text[i])) {
            ++i;
        }
        frac_digits = text.substr(start, i - start);
        // "1." and ".5" are sloppy enough to be typos; require digits on both sides.
        if (frac_digits.empty() || int_digits.empty()) {
            return std::nullopt;
        }
    }
    if (int_digits.empty()) {
        return std::nullopt;
    }
    const auto unit = unit_ns(text.substr(i));
    if (!unit) {
        return std::nullopt;
    }

    // Integer arithmetic throughout: a duration like "0.1s" must be exactly
    // 100000000 ns, which a double cannot promise.
    using u128 = unsigned __int128;
    constexpr u128 kMax = static_cast<u128>(std::numeric_limits<int64_t>::max());
    u128 whole = 0;
    for (const char c : int_digits) {
        whole = whole * 10 + static_cast<u128>(c - '0');
        if (whole > kMax) {
            return std::nullopt;
        }
    }
    u128 total = whole * static_cast<u128>(*unit);
    if (total > kMax) {
        return std::nullopt;
    }
    // Digits past the 18th are far below a nanosecond for every unit.
    if (frac_digits.size() > 18) {
        frac_digits = frac_digits.substr(0, 18);
    }
    if (!frac_digits.empty()) {
        u128 frac = 0;
        u128 denom = 1;
        for (const char c : frac_digits) {
            frac = frac * 10 + static_cast<u128>(c - '0');
            denom *= 10;
        }
        const u128 scaled = frac * static_cast<u128>(*unit);
        u128 frac_ns = scaled / denom;
        if ((scaled % denom) * 2 >= denom) {
            ++frac_ns;
        }
        total += frac_ns;
        if (total > kMax) {
            return std::nullopt;
        }
    }
    return static_cast<int64_t>(total);
}

uint64_t scale_decimal(double v, int decimals) {
    if (!(v > 0.0)) {
        return 0;
    }
    // Shortest scientific text: "d.ddde±XX" with as few digits as round-trip.
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    const std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
    const size_t e_pos = s.find('e');
    std::string digits;
    for (size_t i = 0; i < e_pos; ++i) {
        if (is_digit(s[i])) {
            digits += s[i];
        }
    }
    const int exponent = std::atoi(std::string(s.substr(e_pos + 1)).c_str());
    // v == digits * 10^shift after scaling by 10^decimals.
    const int shift = exponent - static_cast<int>(digits.size()) + 1 + decimals;

    uint64_t out = 0;
    if (shift >= 0) {
        for (const char c : digits) {
            out = out * 10 + static_cast<uint64_t>(c - '0');
        }
        for (int i = 0; i < shift; ++i) {
            out *= 10;
        }
        return out;
    }
    const int keep = static_cast<int>(digits.size()) + shift; // digits left of the point
    for (int i = 0; i < keep; ++i) {
        out = out * 10 + static_cast<uint64_t>(digits[static_cast<size_t>(i)] - '0');
    }
    // The first dropped digit decides: >= 5 means at least half, round up
    // (v is positive, so "up" is "away from zero"). Below -1 nothing is kept
    // and the first dropped digit is an implicit 0.
    if (keep >= 0 && digits[static_cast<size_t>(keep)] >= '5') {
        ++out;
    }
    return out;
}

std::string format_number(double v) {
    if (std::isnan(v)) {
        return "nan";
    }
    if (std::isinf(v)) {
        return v > 0 ? "inf" : "-inf";
    }
    // Plain digits for whole numbers a human would write that way
    // ("1000000000", not "1e+09").
    if (v == std::floor(v) && std::fabs(v) < 1e16) {
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
        return std::string(buf, r.ptr);
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

} // namespace sniper::config_units
