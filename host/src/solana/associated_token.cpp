#include "solana/associated_token.hpp"

#include "solana/pda.hpp"
#include "solana/program_ids.hpp"

#include <cstdlib>

namespace sniper::solana {

Pubkey associated_token_address(const Pubkey& owner, const Pubkey& mint, const Pubkey& token_program) {
    auto r = find_program_address({seed_of(owner), seed_of(token_program), seed_of(mint)}, kAssociatedTokenProgram);
    if (!r) {
        // Three 32-byte seeds cannot exceed the limits, and no bump in
        // 255..1 working has probability 2^-255.
        std::abort();
    }
    return r->address;
}

Instruction ata_create_idempotent(const Pubkey& payer, const Pubkey& owner, const Pubkey& mint,
                                  const Pubkey& token_program) {
    Instruction ix;
    ix.program_id = kAssociatedTokenProgram;
    ix.accounts = {AccountMeta::writable(payer, true),
                   AccountMeta::writable(associated_token_address(owner, mint, token_program)),
                   AccountMeta::readonly(owner),
                   AccountMeta::readonly(mint),
                   AccountMeta::readonly(kSystemProgram),
                   AccountMeta::readonly(token_program)};
    ix.data = {kAtaCreateIdempotentTag};
    return ix;
}

bool is_ata_create(std::span<const uint8_t> data) { return data.empty() || (data.size() == 1 && data[0] == 0); }

bool is_ata_create_idempotent(std::span<const uint8_t> data) {
    return data.size() == 1 && data[0] == kAtaCreateIdempotentTag;
}

} // namespace sniper::solana
