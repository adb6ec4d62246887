// solana/known_instructions.hpp — recognizes the instructions the host
// builds (System transfer, Compute Budget limit and price, SPL Token
// TransferChecked / CloseAccount / SyncNative, ATA Create /
// CreateIdempotent) in a compiled message and names their parts, for
// `sniperd tx decode` and anything else that explains a transaction.
#pragma once

#include "solana/message.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sniper::solana {

struct DecodedField {
    std::string name;
    bool is_number = false;
    uint64_t number = 0;
    std::string text; // base58 key when !is_number; "" when the account is looked up
};

struct DecodedInstruction {
    std::string program; // "system", "compute_budget", "token", "token_2022", "associated_token"
    std::string type;    // "transfer", "set_compute_unit_limit", ...
    std::vector<DecodedField> fields;
};

// The static key an account index names, or nullopt for a looked-up one.
std::optional<Pubkey> static_key(const Message& m, uint8_t index);

// nullopt when the instruction is not one the host knows (or its data or
// account count does not match the known layout).
std::optional<DecodedInstruction> decode_known_instruction(const Message& m, const CompiledInstruction& ix);

} // namespace sniper::solana
