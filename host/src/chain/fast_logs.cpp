// chain/fast_logs.cpp — the logsNotification fast path (see fast_logs.hpp).
// Strings are nearly all of a notification's bytes, so they are not read
// byte by byte: classify() makes one SSE2 pass over the document (64 bytes
// a turn, no branch on the data) for the bit map of its quotes and the
// bytes that leave the subset, and the recursive-descent Reader finds each
// string's end as the next set bit. Scanning each string 16 bytes at a
// time instead, and AVX2 / AVX-512 versions of that behind a run-time
// check, measured slower on the target VM (one mispredicted loop exit per
// string).
#include "chain/fast_logs.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sniper::chain {
namespace {

constexpr int kMaxDepth = 32;     // deeper documents go to the DOM path
constexpr size_t kMaxDigits = 18; // always within i64 and u64

#if defined(__x86_64__)
// classify()'s whole 64-byte blocks with AVX2, where the CPU has it (the
// build targets baseline x86-64): the bad bytes OR-ed into one mask, the
// quote bits stored. Returns the bytes it did (a multiple of 64).
__attribute__((target("avx2"))) size_t classify_avx2(const unsigned char* p, size_t n,
                                                     uint64_t* quotes, bool& bad) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i bslash = _mm256_set1_epi8('\\');
    const __m256i space = _mm256_set1_epi8(0x20);
    __m256i bad_v = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
        const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
        // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also
        // catches every non-ASCII byte.
        bad_v = _mm256_or_si256(
            bad_v,
            _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(v0, bslash), _mm256_cmpgt_epi8(space, v0)),
                _mm256_or_si256(_mm256_cmpeq_epi8(v1, bslash), _mm256_cmpgt_epi8(space, v1))));
        const auto q0 = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, quote)));
        const auto q1 = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, quote)));
        quotes[i >> 6] = q0 | (static_cast<uint64_t>(q1) << 32);
    }
    bad = !_mm256_testz_si256(bad_v, bad_v);
    return i;
}

std::atomic<bool> g_avx2_allowed{true}; // tests turn it off to cover the SSE2 blocks

bool has_avx2() {
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes && g_avx2_allowed.load(std::memory_order_relaxed);
}
#endif

// One pass over the whole document, with no branch on its bytes: the bit
// map of its quotes (bit i of word i / 64 for byte i) and whether any byte
// is a backslash, a control byte (whitespace other than ' ' included) or
// non-ASCII. Only a document with none of those is read here.
bool classify(std::string_view doc, std::vector<uint64_t>& quotes) {
    const size_t n = doc.size();
    // Every word is written whole below (no zeroing first), except by the
    // byte-wise fallback of a build without SSE2.
    quotes.resize((n + 63) / 64);
    const auto* p = reinterpret_cast<const unsigned char*>(doc.data());
    uint32_t bad = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    __m128i bad_v = _mm_setzero_si128();
    const auto quote_bits = [&](const __m128i v) {
        return static_cast<uint64_t>(
            static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))));
    };
    const auto bad_bytes = [&](const __m128i v) {
        // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also
        // catches every non-ASCII byte.
        return _mm_or_si128(_mm_cmpeq_epi8(v, bslash), _mm_cmplt_epi8(v, space));
    };
    const auto block = [&](const unsigned char* at, size_t word) {
        const auto* v = reinterpret_cast<const __m128i*>(at);
        const __m128i v0 = _mm_loadu_si128(v);
        const __m128i v1 = _mm_loadu_si128(v + 1);
        const __m128i v2 = _mm_loadu_si128(v + 2);
        const __m128i v3 = _mm_loadu_si128(v + 3);
        bad_v = _mm_or_si128(bad_v, _mm_or_si128(_mm_or_si128(bad_bytes(v0), bad_bytes(v1)),
                                                 _mm_or_si128(bad_bytes(v2), bad_bytes(v3))));
        quotes[word] = quote_bits(v0) | (quote_bits(v1) << 16) | (quote_bits(v2) << 32) |
                       (quote_bits(v3) << 48);
    };
#if defined(__x86_64__)
    if (has_avx2()) {
        bool bad_avx = false;
        i = classify_avx2(p, n, quotes.data(), bad_avx);
        bad_v = bad_avx ? _mm_set1_epi8(-1) : bad_v;
    }
#endif
    for (; i + 64 <= n; i += 64) {
        block(p + i, i >> 6);
    }
    if (i < n) { // the last part block, padded with spaces (neither bad nor a quote)
        alignas(16) unsigned char last[64];
        std::memset(last, ' ', sizeof last);
        std::memcpy(last, p + i, n - i);
        block(last, i >> 6);
        i = n;
    }
    bad = static_cast<uint32_t>(_mm_movemask_epi8(bad_v));
#else
    std::fill(quotes.begin(), quotes.end(), 0);
#endif
    for (; i < n; ++i) {
        const unsigned char c = p[i];
        bad |= static_cast<uint32_t>(c == '\\' || c < 0x20 || c >= 0x80);
        quotes[i >> 6] |= static_cast<uint64_t>(c == '"') << (i & 63);
    }
    return bad == 0;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

class Reader {
  public:
    Reader(std::string_view doc, const uint64_t* quotes)
        : p_(doc.data()), end_(doc.data() + doc.size()), base_(doc.data()), quotes_(quotes),
          n_words_((doc.size() + 63) / 64) {}

    bool at_end() {
        ws();
        return p_ == end_;
    }

    void ws() {
        while (p_ < end_ && *p_ == ' ') { // classify() let no other whitespace through
            ++p_;
        }
    }

    bool peek(char c) const { return p_ < end_ && *p_ == c; }

    // A string of the subset; `s` is its text without the quotes.
    bool string(std::string_view& s) {
        const char* text = nullptr;
        size_t n = 0;
        if (!string_raw(text, n)) {
            return false;
        }
        s = std::string_view(text, n);
        return true;
    }

    // The string's end is the next quote: the document has no escape
    // (classify() said so), so every quote opens or closes a string and
    // nothing inside one needs a look.
    bool string_raw(const char*& text, size_t& n) {
        if (!peek('"')) {
            return false;
        }
        const auto pos = static_cast<size_t>(p_ + 1 - base_);
        size_t w = pos >> 6;
        if (w >= n_words_) {
            return false; // the quote is the document's last byte
        }
        uint64_t m = quotes_[w] & (~0ULL << (pos & 63));
        while (m == 0) {
            if (++w >= n_words_) {
                return false; // unterminated
            }
            m = quotes_[w];
        }
        const size_t close = (w << 6) + static_cast<size_t>(std::countr_zero(m));
        text = p_ + 1;
        n = close - pos;
        p_ = base_ + close + 1;
        return true;
    }

    // An integer of the subset: -?(0|[1-9][0-9]*), at most kMaxDigits.
    // `negative` tells a leading minus; `v` is the magnitude.
    bool integer(uint64_t& v, bool& negative) {
        negative = peek('-');
        const char* q = p_ + (negative ? 1 : 0);
        const char* digits = q;
        if (q >= end_ || !is_digit(*q)) {
            return false;
        }
        v = 0;
        if (*q == '0') {
            ++q;
        } else {
            while (q < end_ && is_digit(*q)) {
                v = v * 10 + static_cast<uint64_t>(*q - '0');
                ++q;
                if (static_cast<size_t>(q - digits) > kMaxDigits) {
                    return false;
                }
            }
        }
        // A fraction, an exponent or a digit after a leading 0: not ours.
        if (q < end_ && (*q == '.' || *q == 'e' || *q == 'E' || is_digit(*q))) {
            return false;
        }
        p_ = q;
        return true;
    }

    bool literal(std::string_view word) {
        if (static_cast<size_t>(end_ - p_) < word.size() ||
            std::string_view(p_, word.size()) != word) {
            return false;
        }
        p_ += word.size();
        return true;
    }

    // Any value of the subset, read and dropped.
    bool skip_value() {
        if (p_ >= end_) {
            return false;
        }
        switch (*p_) {
        case '{':
            return object([this](std::string_view) { return skip_value(); });
        case '[':
            return array([this] { return skip_value(); });
        case '"': {
            std::string_view s;
            return string(s);
        }
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default: {
            uint64_t v = 0;
            bool neg = false;
            return integer(v, neg);
        }
        }
    }

    // An object; member(key) reads the member's value (the reader stands
    // on its first byte).
    template <class Member> bool object(Member&& member) {
        return sequence('{', '}', [&] {
            std::string_view key;
            if (!string(key)) {
                return false;
            }
            ws();
            if (!peek(':')) {
                return false;
            }
            ++p_;
            ws();
            return member(key);
        });
    }

    // An array; element() reads one element.
    template <class Element> bool array(Element&& element) { return sequence('[', ']', element); }

  private:
    // `open`, items read by item() separated by ',', `close`.
    template <class Item> bool sequence(char open, char close, Item&& item) {
        if (!peek(open) || ++depth_ > kMaxDepth) {
            return false;
        }
        ++p_;
        ws();
        if (peek(close)) {
            ++p_;
            --depth_;
            return true;
        }
        for (;;) {
            if (!item()) {
                return false;
            }
            ws();
            if (peek(',')) {
                ++p_;
                ws();
                continue;
            }
            if (peek(close)) {
                ++p_;
                --depth_;
                return true;
            }
            return false;
        }
    }

    const char* p_;
    const char* end_;
    const char* base_;
    const uint64_t* quotes_;
    size_t n_words_;
    int depth_ = 0;
};

// Marks a field seen; false when it was seen before (the DOM path refuses
// a duplicate of a field it reads).
bool first(bool& seen) {
    if (seen) {
        return false;
    }
    seen = true;
    return true;
}

} // namespace

bool scan_logs_notification(std::string_view json, FastLogs& out) {
    out.lines.clear();
    out.failed = false;
    // JSON whitespace around the document (a line's newline) is trimmed
    // first; inside it, only ' ' is.
    const auto json_ws = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    while (!json.empty() && json_ws(json.front())) {
        json.remove_prefix(1);
    }
    while (!json.empty() && json_ws(json.back())) {
        json.remove_suffix(1);
    }
    // Other message kinds (account and transaction notifications, answers)
    // leave at once instead of paying the first pass before the DOM: nodes
    // put the method within the first bytes. One that puts it later is
    // still decoded, by the DOM path.
    if (json.substr(0, 128).find("\"logsNotification\"") == std::string_view::npos) {
        return false;
    }
    if (!classify(json, out.quotes)) {
        return false;
    }
    Reader r(json, out.quotes.data());
    bool method = false, params = false, top_result = false, result = false, context = false,
         value = false, slot = false, signature = false, err = false, logs = false;

    const auto on_value = [&](std::string_view key) {
        if (key == "signature") {
            return first(signature) && r.string(out.signature);
        }
        if (key == "err") {
            if (!first(err)) {
                return false;
            }
            out.failed = !r.peek('n');
            return out.failed ? r.skip_value() : r.literal("null");
        }
        if (key == "logs") {
            return first(logs) && r.array([&] {
                // Built in place from the two registers (a string_view
                // stored in halves and copied whole stalls the store
                // forwarding: a third of this function's time).
                const char* text = nullptr;
                size_t n = 0;
                if (!r.string_raw(text, n)) {
                    return false;
                }
                out.lines.emplace_back(text, n);
                return true;
            });
        }
        return r.skip_value();
    };
    const auto on_context = [&](std::string_view key) {
        if (key == "slot") {
            bool negative = false;
            return first(slot) && r.integer(out.slot, negative) && !negative;
        }
        return r.skip_value();
    };
    const auto on_result = [&](std::string_view key) {
        if (key == "context") {
            return first(context) && r.object(on_context);
        }
        if (key == "value") {
            return first(value) && r.object(on_value);
        }
        return r.skip_value();
    };
    const auto on_params = [&](std::string_view key) {
        if (key == "result") {
            return first(result) && r.object(on_result);
        }
        return r.skip_value();
    };
    const auto on_top = [&](std::string_view key) {
        if (key == "method") {
            std::string_view m;
            return first(method) && r.string(m) && m == "logsNotification";
        }
        if (key == "params") {
            return first(params) && r.object(on_params);
        }
        if (key == "result") {
            return first(top_result) && r.skip_value();
        }
        if (key == "error") {
            return false; // an error answer: the DOM path
        }
        return r.skip_value();
    };

    r.ws();
    if (!r.object(on_top) || !r.at_end()) {
        return false;
    }
    return method && params && result && context && value && slot && signature && err && logs;
}

void fast_logs_allow_avx2(bool allowed) {
#if defined(__x86_64__)
    g_avx2_allowed.store(allowed, std::memory_order_relaxed);
#else
    (void)allowed;
#endif
}

} // namespace sniper::chain
