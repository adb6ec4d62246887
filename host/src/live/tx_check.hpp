// live/tx_check.hpp — what the live executor checks in a transaction a
// route handed it (Jupiter's /swap) before it asks the signer to sign:
// it parses; its fee payer (signer slot 0) is the wallet; every other
// required signer has already signed, validly (nobody else can be asked to
// sign later, so a missing one would make it unlandable or someone else's);
// every program it calls is on the signer's allowlist; and the lamports it
// can take from the wallet (the signer's outflow bound) are within what
// the intent allows (amount + fee caps + a token account's rent), and its
// priority fee (unit limit x unit price) within the one the host asked the
// route for, itself within the configured hard cap. The
// signer checks the allowlist and bound again on its own; this check gives
// the order a precise reason before anything is signed.
//
// The co-signers' Ed25519 verification (~40 µs) is split out so the
// executor runs it while the signer works on the wallet's signature: the
// result decides before anything is sent either way.
#pragma once

#include "signer/policy.hpp"
#include "solana/transaction.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sniper::live {

struct CheckedTx {
    solana::Transaction tx;
    std::vector<uint8_t> message; // the bytes the wallet signs
    uint64_t outflow_bound = 0;   // lamports the wallet can lose if it lands
};

// nullopt and `err` (what was expected, what was found) when refused.
// Everything but the co-signers' signatures being valid (an all-zero one
// is refused here: not signed).
std::optional<CheckedTx> check_route_shape(std::span<const uint8_t> bytes, const signer::Policy& policy,
                                           uint64_t max_outflow_lamports, uint64_t max_priority_fee_lamports,
                                           std::string& err);
// Every signature but the wallet's verifies; false and `err` otherwise.
bool verify_cosigners(const CheckedTx& c, std::string& err);
// Both.
std::optional<CheckedTx> check_route_tx(std::span<const uint8_t> bytes, const signer::Policy& policy,
                                        uint64_t max_outflow_lamports, uint64_t max_priority_fee_lamports,
                                        std::string& err);

// The wire bytes of `tx` with the wallet's signature in slot 0.
std::vector<uint8_t> with_wallet_signature(const CheckedTx& c, const std::array<uint8_t, 64>& sig);

} // namespace sniper::live
