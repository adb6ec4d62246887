// tests/solana/tx_test_util.hpp — helpers for the codec tests: hex, keys
// from fixed seeds, and a small reference transaction whose byte layout the
// refusal tests poke at.
#pragma once

#include "solana/compute_budget.hpp"
#include "solana/message_compile.hpp"
#include "solana/system_program.hpp"
#include "solana/transaction.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace sniper::solana::test {

inline std::string to_hex(std::span<const uint8_t> b) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s;
    for (const uint8_t x : b) {
        s.push_back(d[x >> 4]);
        s.push_back(d[x & 15]);
    }
    return s;
}

inline std::vector<uint8_t> from_hex(std::string_view h) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) {
        out.push_back(static_cast<uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

inline SigningKey key_from_label(uint8_t label) {
    std::array<uint8_t, 32> seed{};
    seed.fill(label);
    return SigningKey::from_seed(seed);
}

inline Pubkey pubkey_from_label(uint8_t label) {
    Pubkey k;
    k.bytes.fill(label);
    return k;
}

inline Hash hash_from_label(uint8_t label) {
    Hash h;
    h.bytes.fill(label);
    return h;
}

// Legacy: payer (key 0), recipient (1), ComputeBudget (2), System (3);
// instructions SetComputeUnitLimit(200000) and a 1000-lamport transfer.
// Layout: [0] sig count, [1..64] signature, [65..67] header, [68] key
// count, [69..196] keys, [197..228] blockhash, [229] ix count, ix 0 at
// 230 (program, 0 accounts, 5 data bytes), ix 1 at 238 (program, 2
// accounts at 240..241, 12 data bytes at 243..254). 255 bytes.
inline std::vector<uint8_t> reference_tx(const SigningKey& payer) {
    const std::vector<Instruction> ixs = {set_compute_unit_limit(200000),
                                          system_transfer(payer.pubkey(), pubkey_from_label(0x42), 1000)};
    auto msg = compile_message(payer.pubkey(), ixs, hash_from_label(7), MessageVersion::Legacy);
    if (!msg) {
        throw std::runtime_error(msg.error().to_string());
    }
    TxBytes out;
    const SigningKey* keys[] = {&payer};
    if (auto e = sign_message(*msg, keys, out)) {
        throw std::runtime_error(e->to_string());
    }
    return {out.buf.begin(), out.buf.begin() + static_cast<std::ptrdiff_t>(out.size)};
}

} // namespace sniper::solana::test
