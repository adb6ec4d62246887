// solana/message_compile.hpp — turns instructions and a fee payer into a
// Message, the way web3.js's TransactionMessage (and solana-sdk's
// CompiledKeys) do: accounts deduplicated with their signer and writable
// flags merged, ordered writable signers, readonly signers, writable
// non-signers, readonly non-signers, each class in first-seen order (fee
// payer first, then for each instruction its program id, then its
// accounts); program ids are readonly non-signers unless used otherwise.
// v0 messages are compiled without lookup tables.
#pragma once

#include "solana/codec_error.hpp"
#include "solana/instruction.hpp"
#include "solana/message.hpp"

#include <span>

namespace sniper::solana {

// Fails (with the reason) when a program id is the fee payer, more than
// 256 accounts are named, an instruction has more than 65535 accounts or
// data bytes, or the signed transaction would exceed 1232 bytes (the error
// names the size).
Result<Message> compile_message(const Pubkey& fee_payer, std::span<const Instruction> instructions,
                                const Hash& recent_blockhash, MessageVersion version);

// Bytes of the signed transaction `m` would make: signature count,
// num_required_signatures signatures, message.
size_t signed_transaction_size(const Message& m);

} // namespace sniper::solana
