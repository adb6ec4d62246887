// solana/system_program.hpp — System program instructions the host builds
// and recognizes. Transfer: data = u32 LE 2, u64 LE lamports; accounts =
// from (signer, writable), to (writable).
#pragma once

#include "solana/instruction.hpp"

#include <cstdint>
#include <optional>
#include <span>

namespace sniper::solana {

constexpr uint32_t kSystemTransferTag = 2;

Instruction system_transfer(const Pubkey& from, const Pubkey& to, uint64_t lamports);

// The lamports of a System transfer's data; nullopt for anything else.
std::optional<uint64_t> parse_system_transfer(std::span<const uint8_t> data);

} // namespace sniper::solana
