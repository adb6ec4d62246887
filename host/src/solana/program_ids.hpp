// solana/program_ids.hpp — the on-chain programs and well-known accounts
// the host builds instructions for or reads accounts of, as compile-time
// constants.
#pragma once

#include "solana/types.hpp"

namespace sniper::solana {

inline constexpr Pubkey kSystemProgram = pubkey_lit("11111111111111111111111111111111");
inline constexpr Pubkey kComputeBudgetProgram = pubkey_lit("ComputeBudget111111111111111111111111111111");
inline constexpr Pubkey kTokenProgram = pubkey_lit("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
inline constexpr Pubkey kToken2022Program = pubkey_lit("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
inline constexpr Pubkey kAssociatedTokenProgram = pubkey_lit("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
inline constexpr Pubkey kMemoProgram = pubkey_lit("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
inline constexpr Pubkey kWrappedSolMint = pubkey_lit("So11111111111111111111111111111111111111112");

// Programs whose accounts the host reads (token-safety facts).
inline constexpr Pubkey kPumpSwapProgram = pubkey_lit("pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA");
inline constexpr Pubkey kPumpFunProgram = pubkey_lit("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P");
inline constexpr Pubkey kRaydiumAmmV4Program = pubkey_lit("675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8");

// True for either SPL Token program (the instruction layouts the host uses
// are the same in both).
inline bool is_token_program(const Pubkey& k) { return k == kTokenProgram || k == kToken2022Program; }

} // namespace sniper::solana
