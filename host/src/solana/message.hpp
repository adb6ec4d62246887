// solana/message.hpp — the signed part of a transaction, legacy and v0, in
// its compiled form (account keys in header order, instructions naming
// accounts by index), and its wire codec.
//
// Account index space: the static keys, then every lookup table's writable
// indexes (tables in order), then every table's readonly indexes. Static
// keys are ordered writable signers, readonly signers, writable
// non-signers, readonly non-signers; the fee payer is key 0.
//
// validate_message() holds the rules a runtime applies before it loads
// accounts (Solana's sanitize plus duplicate keys); serialize refuses a
// message that breaks them and parse refuses bytes that do, so every
// accepted input re-serializes to the same bytes.
#pragma once

#include "solana/codec_error.hpp"
#include "solana/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <span>
#include <vector>

namespace sniper::solana {

// Largest transaction the network accepts (an IPv6 MTU less headers).
constexpr size_t kMaxTransactionSize = 1232;
// Account indexes are one byte.
constexpr size_t kMaxAccountsPerMessage = 256;

enum class MessageVersion : uint8_t { Legacy = 1, V0 = 2 };

struct MessageHeader {
    uint8_t num_required_signatures = 0;
    uint8_t num_readonly_signed = 0;
    uint8_t num_readonly_unsigned = 0;
    friend bool operator==(const MessageHeader&, const MessageHeader&) = default;
};

struct CompiledInstruction {
    uint8_t program_id_index = 0;
    std::vector<uint8_t> accounts; // indexes into the account index space
    std::vector<uint8_t> data;
    friend bool operator==(const CompiledInstruction&, const CompiledInstruction&) = default;
};

// v0 only: accounts loaded from an on-chain address lookup table.
struct AddressTableLookup {
    Pubkey account_key; // the table
    std::vector<uint8_t> writable_indexes;
    std::vector<uint8_t> readonly_indexes;
    friend bool operator==(const AddressTableLookup&, const AddressTableLookup&) = default;
};

struct Message {
    MessageVersion version = MessageVersion::Legacy;
    MessageHeader header;
    std::vector<Pubkey> account_keys; // static keys
    Hash recent_blockhash;
    std::vector<CompiledInstruction> instructions;
    std::vector<AddressTableLookup> address_table_lookups; // empty for legacy
    friend bool operator==(const Message&, const Message&) = default;

    // Static keys plus the accounts the lookups load.
    size_t num_total_accounts() const;
    size_t num_lookup_writable() const;
    bool is_signer(size_t index) const { return index < header.num_required_signatures; }
    // By position in the account index space (lookups included).
    bool is_writable(size_t index) const;
};

// The runtime's structural rules; nullopt when the message keeps them.
std::optional<CodecError> validate_message(const Message& m);

// Exact number of bytes serialize_message() writes (no validation).
size_t message_wire_size(const Message& m);

// Validates, then writes the message at `out` (`cap` bytes of room).
// Returns the bytes written.
Result<size_t> serialize_message(const Message& m, uint8_t* out, size_t cap);
Result<std::vector<uint8_t>> serialize_message(const Message& m);

// Parses exactly `bytes` (trailing bytes refused) into `out`, reusing its
// vectors' storage. Offsets in errors count from `base_offset` (the
// message's position inside a transaction). The message must also fit in a
// transaction with its signatures (1232 bytes).
std::optional<CodecError> parse_message(std::span<const uint8_t> bytes, Message& out,
                                        size_t base_offset = 0);

// The first repeated static account key: {first index, repeat index};
// nullopt when the keys are distinct. The wire format allows repeats; the
// runtime refuses such a transaction (AccountLoadedTwice), so every parser
// here refuses them unless told to take them (a decoder that describes).
std::optional<std::pair<size_t, size_t>> repeated_account_key(const Message& m);

namespace detail {
// parse_message() without the fits-with-its-signatures check (the
// transaction parser checks the whole input's size and the count itself).
std::optional<CodecError> parse_message_body(std::span<const uint8_t> bytes, Message& out, size_t base_offset,
                                             bool allow_repeated_keys = false);
} // namespace detail

} // namespace sniper::solana
