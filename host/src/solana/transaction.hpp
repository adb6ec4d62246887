// solana/transaction.hpp — a transaction: one signature per required
// signer (in account-key order) and the message they sign. Serialize and
// parse are exact inverses over everything parse accepts; parse never reads
// past its input and refuses oversize input, trailing bytes, a signature
// count other than the header's, and every message rule in message.hpp.
#pragma once

#include "solana/codec_error.hpp"
#include "solana/message.hpp"
#include "solana/signing.hpp"
#include "solana/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sniper::solana {

struct Transaction {
    std::vector<Signature> signatures;
    Message message;
    friend bool operator==(const Transaction&, const Transaction&) = default;
};

// A serialized transaction, on the stack: no allocation to build one.
struct TxBytes {
    std::array<uint8_t, kMaxTransactionSize> buf;
    size_t size = 0;
    std::span<const uint8_t> span() const { return {buf.data(), size}; }
};

// Where the message starts in a serialized transaction with `num_signatures`.
size_t message_offset(size_t num_signatures);

// Writes the transaction; refuses (naming the size) anything over 1232
// bytes, a signature count other than the header's, and an invalid message.
std::optional<CodecError> serialize_transaction(const Transaction& tx, TxBytes& out);
Result<std::vector<uint8_t>> serialize_transaction(const Transaction& tx);

// Parses exactly `bytes` into `out`, reusing its storage.
// `allow_repeated_keys`: take a message whose static keys repeat (see
// repeated_account_key(); for describing one, never for signing or sending).
std::optional<CodecError> parse_transaction(std::span<const uint8_t> bytes, Transaction& out,
                                            bool allow_repeated_keys = false);

// Compiles nothing: signs an already compiled message. Every required
// signer must be among `keys` (matched by public key; extra keys are
// ignored). On success `out` holds the signed wire bytes and `tx` (when
// given) the transaction.
std::optional<CodecError> sign_message(const Message& msg, std::span<const SigningKey* const> keys,
                                       TxBytes& out, Transaction* tx = nullptr);

// Checks each signature against its signer's key over the message bytes
// of the serialized transaction `bytes` that `tx` was parsed from.
std::vector<bool> verify_transaction(const Transaction& tx, std::span<const uint8_t> bytes);

} // namespace sniper::solana
