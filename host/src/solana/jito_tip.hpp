// solana/jito_tip.hpp — a Jito tip: a System transfer to one of the eight
// tip accounts the block engine watches (`getTipAccounts` lists the
// current set). Spreading tips over the accounts avoids write-lock
// contention; the caller supplies the randomness.
#pragma once

#include "solana/instruction.hpp"

#include <array>
#include <cstdint>

namespace sniper::solana {

extern const std::array<Pubkey, 8> kJitoTipAccounts;

bool is_jito_tip_account(const Pubkey& k);

// A transfer of `lamports` from `payer` to kJitoTipAccounts[pick % 8].
Instruction jito_tip(const Pubkey& payer, uint64_t lamports, uint64_t pick);

} // namespace sniper::solana
