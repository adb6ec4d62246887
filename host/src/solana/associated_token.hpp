// solana/associated_token.hpp — the Associated Token Account program: the
// address of an owner's token account for a mint (the PDA of seeds
// [owner, token program, mint] under the ATA program) and its creation.
//   Create (empty data) / CreateIdempotent (data 0x01); accounts: payer
//   (signer, w), the associated account (w), owner, mint, System program,
//   token program.
#pragma once

#include "solana/instruction.hpp"

#include <cstdint>
#include <span>

namespace sniper::solana {

constexpr uint8_t kAtaCreateIdempotentTag = 1;

// `token_program` is the mint's owner: Token or Token-2022.
Pubkey associated_token_address(const Pubkey& owner, const Pubkey& mint, const Pubkey& token_program);

Instruction ata_create_idempotent(const Pubkey& payer, const Pubkey& owner, const Pubkey& mint,
                                  const Pubkey& token_program);

bool is_ata_create(std::span<const uint8_t> data);            // empty or 0x00
bool is_ata_create_idempotent(std::span<const uint8_t> data); // 0x01

} // namespace sniper::solana
