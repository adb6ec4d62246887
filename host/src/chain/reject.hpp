// chain/reject.hpp — why the Solana wire decoders refuse a message, and why
// they skip part of one without refusing it.
//
// A refused message becomes no event at all. Each reason has a stable
// upper-case name (logs, `sniperd decode` stderr, counters); values are
// never renumbered and new reasons are appended before kCount. 0 is never
// a reason. `Skip` reasons are not errors: the message was valid but a
// part of it is outside what the normalized events can carry (a pool not
// quoted in SOL, a swap on a pool we have not seen created, ...).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sniper::chain {

enum class Reject : uint8_t {
    None = 0,
    JsonInvalid = 1,      // not one valid JSON document (syntax, UTF-8, escapes, trailing bytes)
    JsonTooDeep = 2,      // nesting beyond the parser's depth limit
    JsonDuplicateKey = 3, // a key we read appears twice in one object
    JsonNonfinite = 4,    // NaN / Infinity where a number is expected
    FieldMissing = 5,     // a required field is absent
    FieldType =
        6, // a field of the wrong JSON type (a float for a slot, a number for a string amount)
    IntRange = 7,            // an integer outside u64 (negative, or above 2^64-1)
    RpcError = 8,            // a JSON-RPC error object instead of a result
    Base58Invalid = 9,       // a key or signature that is not base58 of the right length
    Base64Invalid = 10,      // bad base64 alphabet, length or padding
    Base64Noncanonical = 11, // non-zero bits under the '=' padding
    LogLineTooLong = 12,     // one log line above the node's limit
    LogStack = 13,           // invoke / success / failed lines that do not nest (or depth > 5)
    ProgramData = 14,    // a watched program's `Program data:` line that is not one base64 slice
    EventTruncated = 15, // an event shorter than its smallest known layout
    EventLength = 16,    // an event whose length matches no known layout
    BorshBool = 17,      // a bool byte other than 0 or 1
    BorshUtf8 = 18,      // a borsh string that is not UTF-8
    BorshStringLen = 19, // a borsh string longer than the bytes left
    RaylogType = 20,     // a ray_log with an unknown log type
    RaylogLength = 21,   // a ray_log of the wrong length for its type
    CrosscheckMismatch = 22,   // two sources in one message disagree
    CreateWithoutEvent = 23,   // a pump.fun Create instruction that emitted no CreateEvent
    AccountOwner = 24,         // account owned by a program we do not decode
    AccountDiscriminator = 25, // account data does not start with the expected discriminator
    AccountLength = 26,        // account data of a length no layout has
    CoptionTag = 27,           // a COption tag other than 0 or 1
    ZeroAmount = 28,           // a zero reserve or trade amount where the program forbids it
    UnknownMessage = 29,       // a JSON-RPC message of a kind the decoder does not take
    TooManyEvents = 30,        // more normalized events than one message may yield
    BadInstruction = 31,       // instruction accounts/data that do not fit the instruction
    VaultMismatch = 32,        // a followed pool vault whose mint or owner is not the pool's
    DecimalsRange = 33,        // a token's decimals above 18 (no SPL mint has more)
    kCount
};

// "JSON_INVALID", "LOG_STACK", ... ("NONE" for None; "UNKNOWN" out of range).
const char* reject_name(Reject r);

enum class Skip : uint8_t {
    None = 0,
    QuoteNotSol = 1,     // a pool quoted in another token (USDC-paired pump.fun coins)
    UnknownPool = 2,     // a swap or account update for a pool not seen created
    NoAccounts = 3,      // a ray_log swap in a logs-only message (the pool address is not in logs)
    CurveComplete = 4,   // the account of a completed pump.fun curve the decoder does not know
    LogTruncated = 5,    // the node cut the logs; what followed is not guessed
    AccountNotEvent = 6, // a valid account (mint, curve without known mint) that is no event
    ZeroTrade = 7,       // a trade of zero tokens or lamports (no TRADE; the pool update stays)
    VaultWaiting = 8,    // one AMM vault at a slot the other has not reached yet (no POOL_UPDATE yet)
    CompleteAgain = 9,   // a curve whose CURVE_COMPLETE already went out (later account notices, a replayed log)
    kCount
};
const char* skip_name(Skip s);

// Counters per reason; index with static_cast<size_t>(reason).
struct DecodeCounters {
    uint64_t messages = 0;
    uint64_t accepted = 0;
    uint64_t events = 0;
    std::array<uint64_t, static_cast<size_t>(Reject::kCount)> rejected{};
    std::array<uint64_t, static_cast<size_t>(Skip::kCount)> skipped{};
};

} // namespace sniper::chain
