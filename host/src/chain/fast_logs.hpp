// chain/fast_logs.hpp — the logsNotification fast path: one pass over the
// raw text that both validates it as JSON and picks out the slot, the
// signature, `err` and the log lines, with no DOM and no copy.
//
// It only ever says yes to documents it fully understands, a strict subset
// of JSON: no byte outside 0x20..0x7F and no backslash anywhere but JSON
// whitespace around the document (so strings have no escape, and inside
// the document the only whitespace is ' '), integers of at most 18
// digits (no fraction, no exponent), true/false/null, objects and arrays
// nested at most 32 deep; and the notification's shape with every field SolanaWsDecoder
// reads present once (method "logsNotification", params.result.context.slot
// >= 0, params.result.value.{signature: string, err, logs: [strings]},
// no top-level "error", no second "result"; the method named within the
// first 128 bytes, as nodes write it). Anything else — an escape, a
// non-ASCII byte, a float, a failed transaction, a duplicate, a missing
// field, logs that are not strings, invalid JSON — answers no, and the caller runs the full
// simdjson DOM path, which gives the precise refusal. So a yes means the DOM path would have parsed
// the same document and read the same values (tests/chain/fast_logs_test.cpp checks this on
// fixtures and mutations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sniper::chain {

struct FastLogs {
    uint64_t slot = 0;
    std::string_view signature;
    bool failed = false;                 // err is not null: the transaction failed
    std::vector<std::string_view> lines; // reused across calls: no allocation once grown
    std::vector<uint64_t> quotes;        // scratch: the document's quote bit map
};

// True iff `json` is in the subset above and is a successful
// logsNotification; `out` then views into `json`.
bool scan_logs_notification(std::string_view json, FastLogs& out);

// Whether the first pass may use AVX2 where the CPU has it (default yes);
// tests turn it off to cover the SSE2 version on the same machine.
void fast_logs_allow_avx2(bool allowed);

} // namespace sniper::chain
