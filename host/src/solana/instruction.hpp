// solana/instruction.hpp — an instruction before compilation: the program
// it calls, the accounts it names (each with its signer and writable
// flags), and its opaque data. Builders in the *_program files return
// these; compile_message() turns a list of them into a Message.
#pragma once

#include "solana/types.hpp"

#include <cstdint>
#include <vector>

namespace sniper::solana {

struct AccountMeta {
    Pubkey pubkey;
    bool is_signer = false;
    bool is_writable = false;

    static AccountMeta writable(const Pubkey& k, bool signer = false) { return {k, signer, true}; }
    static AccountMeta readonly(const Pubkey& k, bool signer = false) { return {k, signer, false}; }
};

struct Instruction {
    Pubkey program_id;
    std::vector<AccountMeta> accounts;
    std::vector<uint8_t> data;
};

} // namespace sniper::solana
