// feeds/event_json_detail.hpp — the two halves of decode_event_json, apart
// so the tests can run every line through both (tests/feeds).
//
// The fast path reads the flat one-line object the encoder writes (any key
// order, no whitespace, no escapes, plain integers) in one pass without
// allocating. It only ever says "decoded, valid" or "not mine": anything
// unusual or invalid goes to the general path (simdjson), which alone
// words the errors — so which lines are refused, and why, cannot differ.
#pragma once

#include "feeds/event_json.hpp"

#include <cstring>
#include <string_view>

namespace sniper::event_json_detail {

// Keys decoded lately, by their text: a recording names the same pools and
// mints on every update and trade, and a look-up here is cheaper than
// base58. Only 43- and 44-digit keys (nearly all), only valid ones; an
// entry matches on the exact text. One per reader (not thread-safe).
struct KeyCache {
    struct Entry {
        char text[44]; // the key's text and, for 43 digits, its closing quote
        uint8_t size = 0;
        Pubkey key;
    };
    static constexpr size_t kEntries = 2048;
    Entry entries[kEntries];
};

// True when `line` is a plain, valid event line: `out` and `sell_blocked`
// are set exactly as the general path sets them. False otherwise, with
// `out` and `sell_blocked` untouched. `keys` (optional) speeds up the pool
// and mint keys.
bool decode_fast(std::string_view line, EventBuf& out, bool& sell_blocked, KeyCache* keys = nullptr);

// The general decoder: any JSON, every error worded.
DecodeResult decode_general(std::string_view line, EventBuf& out);

// *dst = src in 16-byte moves (for the size of an event GCC would emit
// `rep movs`, slow to start, on the replay's path twice per event).
inline void copy_event(EventBuf& dst, const EventBuf& src) {
    auto* d = reinterpret_cast<unsigned char*>(&dst);
    const auto* s = reinterpret_cast<const unsigned char*>(&src);
    constexpr size_t kChunks = sizeof(EventBuf) / 16;
#pragma GCC unroll 32
    for (size_t i = 0; i < kChunks; ++i) {
        std::memcpy(d + 16 * i, s + 16 * i, 16);
    }
    std::memcpy(d + 16 * kChunks, s + 16 * kChunks, sizeof(EventBuf) % 16);
}

} // namespace sniper::event_json_detail
