// chain/log_stack.cpp — the invoke stack over log lines (see log_stack.hpp).
#include "chain/log_stack.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sniper::chain {
namespace {
uint64_t load8(const char* p) {
    uint64_t x;
    std::memcpy(&x, p, sizeof x);
    return x;
}

// 0x80 in each of the eight bytes at p that is a space, from the first
// one on (bytes after a space may be flagged too: borrows).
uint64_t spaces(const char* p) {
    const uint64_t x = load8(p) ^ 0x2020202020202020ULL;
    return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

// Ids are compared on every line that closes an invocation: a word at a
// time, inline, instead of a library call for 32..44 bytes.
bool same_text(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
#if defined(__SSE2__)
    if (a.size() >= 16 && a.size() <= 48) {
        // Ids are 32..44 bytes: three 16-byte compares, the last one
        // overlapping, with no loop and one branch.
        const auto eq16 = [](const char* x, const char* y) {
            return _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x)),
                                  _mm_loadu_si128(reinterpret_cast<const __m128i*>(y)));
        };
        const size_t mid = std::min<size_t>(16, a.size() - 16);
        const size_t last = a.size() - 16;
        const __m128i all = _mm_and_si128(
            _mm_and_si128(eq16(a.data(), b.data()), eq16(a.data() + mid, b.data() + mid)),
            eq16(a.data() + last, b.data() + last));
        return _mm_movemask_epi8(all) == 0xFFFF;
    }
#endif
    size_t i = 0;
    for (; i + 8 <= a.size(); i += 8) {
        if (load8(a.data() + i) != load8(b.data() + i)) {
            return false;
        }
    }
    for (; i < a.size(); ++i) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}
} // namespace

ProgramTag program_tag(std::string_view id) {
    // Cheap filters first: every id we watch is 43 or 44 characters and
    // they differ in their first two.
    if (id.size() < 43 || id.size() > 44) {
        return ProgramTag::Other;
    }
    switch (id[0]) {
    case '6':
        if (id[1] == 'E' && same_text(id, kPumpFunId)) {
            return ProgramTag::PumpFun;
        }
        if (id[1] == '7' && same_text(id, kRaydiumV4Id)) {
            return ProgramTag::RaydiumV4;
        }
        return ProgramTag::Other;
    case 'p':
        return same_text(id, kPumpSwapId) ? ProgramTag::PumpSwap : ProgramTag::Other;
    default:
        return ProgramTag::Other;
    }
}

Reject LogStack::feed(std::string_view line, Line& out) {
    out = Line{};
    if (line.size() > max_line_) {
        return Reject::LogLineTooLong;
    }
    // Dispatch on single characters first: this runs for every log line.
    if (line.size() < 9 || std::memcmp(line.data(), "Program ", 8) != 0) {
        if (line == "Log truncated") {
            truncated_ = true;
            out.kind = LineKind::Truncated;
        }
        return Reject::None;
    }
    const std::string_view rest = line.substr(8);
    Frame* top = depth_ ? &frames_[depth_ - 1] : nullptr;
    if (rest[0] == 'l' && rest.size() >= 5 && std::memcmp(rest.data(), "log: ", 5) == 0) {
        out.kind = LineKind::Log;
        out.text = rest.substr(5);
        out.frame = top;
        return Reject::None;
    }
    if (rest[0] == 'd' && rest.size() >= 6 && std::memcmp(rest.data(), "data: ", 6) == 0) {
        out.kind = LineKind::Data;
        out.text = rest.substr(6);
        out.frame = top;
        return Reject::None;
    }
    // "Program <id> <what>": ids are 32..44 base58 characters. The first
    // space at or after 31 is found with two word tests over bytes 31..44
    // (a library search per line costs more); none there: not an id.
    size_t sp = std::string_view::npos;
    if (rest.size() > 44) {
        if (const uint64_t m = spaces(rest.data() + 31)) {
            sp = 31 + static_cast<size_t>(std::countr_zero(m) >> 3);
        } else if (const uint64_t m2 = spaces(rest.data() + 37)) {
            sp = 37 + static_cast<size_t>(std::countr_zero(m2) >> 3);
        }
    } else {
        sp = rest.find(' ', 31);
    }
    if (sp == std::string_view::npos || sp > 44) {
        return Reject::None; // "Program return: ...", "Program consumption: ..."
    }
    const std::string_view id = rest.substr(0, sp);
    const std::string_view what = rest.substr(sp + 1);
    if (what.empty()) {
        return Reject::None;
    }
    if (what[0] == 'i' && what.size() >= 10 && std::memcmp(what.data(), "invoke [", 8) == 0) {
        // "invoke [n]" with n the new stack height.
        const std::string_view num = what.substr(8);
        uint32_t n = 0;
        size_t i = 0;
        while (i < num.size() && i < 3 && num[i] >= '0' && num[i] <= '9') {
            n = n * 10 + static_cast<uint32_t>(num[i] - '0');
            ++i;
        }
        if (i == 0 || num.substr(i) != "]" || n != depth_ + 1 || n > kMaxDepth) {
            return Reject::LogStack;
        }
        Frame& f = frames_[depth_++];
        f = Frame{};
        f.tag = program_tag(id);
        f.id = id;
        f.ordinal = invocations_[static_cast<size_t>(f.tag)]++;
        out.kind = LineKind::Invoke;
        out.frame = &f;
        return Reject::None;
    }
    const bool success = what[0] == 's' && what == "success";
    if (success ||
        (what[0] == 'f' && what.size() >= 7 && std::memcmp(what.data(), "failed:", 7) == 0)) {
        if (!top || !same_text(top->id, id)) {
            return Reject::LogStack;
        }
        closed_ = *top;
        --depth_;
        out.kind = success ? LineKind::Success : LineKind::Failed;
        out.frame = &closed_;
        return Reject::None;
    }
    return Reject::None; // consumed lines
}

Reject LogStack::finish() const {
    return (depth_ == 0 || truncated_) ? Reject::None : Reject::LogStack;
}

} // namespace sniper::chain
