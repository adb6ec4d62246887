// solana/compute_budget.hpp — Compute Budget program instructions (no
// accounts): SetComputeUnitLimit (0x02, u32 LE units) and
// SetComputeUnitPrice (0x03, u64 LE micro-lamports per unit). The priority
// fee is units x price / 1e6 lamports, rounded up by the runtime.
#pragma once

#include "solana/instruction.hpp"

#include <cstdint>
#include <optional>
#include <span>

namespace sniper::solana {

constexpr uint8_t kSetComputeUnitLimitTag = 2;
constexpr uint8_t kSetComputeUnitPriceTag = 3;

Instruction set_compute_unit_limit(uint32_t units);
Instruction set_compute_unit_price(uint64_t micro_lamports_per_cu);

std::optional<uint32_t> parse_set_compute_unit_limit(std::span<const uint8_t> data);
std::optional<uint64_t> parse_set_compute_unit_price(std::span<const uint8_t> data);

} // namespace sniper::solana
