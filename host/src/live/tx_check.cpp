// live/tx_check.cpp — checks of a route's transaction (see tx_check.hpp).
#include "live/tx_check.hpp"

#include "solana/program_ids.hpp"

namespace sniper::live {

namespace {
std::string cosigner_error(const CheckedTx& c, size_t i, const char* what) {
    return "route transaction: signer " + std::to_string(i) + " (" + solana::to_base58(c.tx.message.account_keys[i]) +
           ") " + what + "; expected every signer but the wallet to have signed";
}
} // namespace

std::optional<CheckedTx> check_route_shape(std::span<const uint8_t> bytes, const signer::Policy& policy,
                                           uint64_t max_outflow_lamports, uint64_t max_priority_fee_lamports,
                                           std::string& err) {
    CheckedTx c;
    if (auto e = solana::parse_transaction(bytes, c.tx)) {
        err = "route transaction: " + e->to_string();
        return std::nullopt;
    }
    const solana::Message& m = c.tx.message;
    const size_t off = solana::message_offset(c.tx.signatures.size());
    c.message.assign(bytes.begin() + static_cast<std::ptrdiff_t>(off), bytes.end());
    if (c.tx.signatures.empty()) {
        err = "route transaction: expected at least one signer (the wallet), found none";
        return std::nullopt;
    }
    if (m.account_keys.empty() || !(m.account_keys[0] == policy.config().wallet)) {
        err = "route transaction: fee payer is " +
              (m.account_keys.empty() ? std::string("absent") : solana::to_base58(m.account_keys[0])) +
              ", expected the wallet " + solana::to_base58(policy.config().wallet);
        return std::nullopt;
    }
    for (size_t i = 1; i < c.tx.signatures.size(); ++i) {
        if (c.tx.signatures[i] == solana::Signature{}) {
            err = cosigner_error(c, i, "has not signed");
            return std::nullopt;
        }
    }
    // A durable-nonce transaction never expires by block height: the
    // re-sign rule (only after expiry) would not hold for it.
    for (size_t i = 0; i < m.instructions.size(); ++i) {
        const solana::CompiledInstruction& ix = m.instructions[i];
        if (ix.program_id_index < m.account_keys.size() && m.account_keys[ix.program_id_index] == solana::kSystemProgram &&
            ix.data.size() >= 4 && ix.data[0] == 4 && ix.data[1] == 0 && ix.data[2] == 0 && ix.data[3] == 0) {
            err = "route transaction: instruction " + std::to_string(i) +
                  " advances a durable nonce; expected a transaction that expires with its blockhash";
            return std::nullopt;
        }
    }
    const signer::Assessment a = policy.assess(c.message);
    if (a.reason != signer::Reason::None) {
        err = std::string("route transaction refused (") + signer::reason_name(a.reason) + "): " + a.detail;
        return std::nullopt;
    }
    // The route sets the compute unit price; what it comes to must stay
    // within the fee the host asked for (capped by [live]'s hard cap).
    if (a.priority_fee_lamports > max_priority_fee_lamports) {
        err = "route transaction pays a priority fee of " + std::to_string(a.priority_fee_lamports) +
              " lamports (unit limit x unit price); the host asked for at most " +
              std::to_string(max_priority_fee_lamports);
        return std::nullopt;
    }
    if (a.outflow_lamports > max_outflow_lamports) {
        err = "route transaction can take " + std::to_string(a.outflow_lamports) +
              " lamports from the wallet; the intent allows at most " + std::to_string(max_outflow_lamports);
        return std::nullopt;
    }
    c.outflow_bound = a.outflow_lamports;
    return c;
}

bool verify_cosigners(const CheckedTx& c, std::string& err) {
    const solana::Message& m = c.tx.message;
    for (size_t i = 1; i < c.tx.signatures.size(); ++i) {
        if (!solana::verify_signature(m.account_keys[i], c.tx.signatures[i], c.message.data(), c.message.size())) {
            err = cosigner_error(c, i, "has an invalid signature");
            return false;
        }
    }
    return true;
}

std::optional<CheckedTx> check_route_tx(std::span<const uint8_t> bytes, const signer::Policy& policy,
                                        uint64_t max_outflow_lamports, uint64_t max_priority_fee_lamports,
                                        std::string& err) {
    auto c = check_route_shape(bytes, policy, max_outflow_lamports, max_priority_fee_lamports, err);
    if (c && !verify_cosigners(*c, err)) {
        return std::nullopt;
    }
    return c;
}

std::vector<uint8_t> with_wallet_signature(const CheckedTx& c, const std::array<uint8_t, 64>& sig) {
    solana::Transaction tx = c.tx;
    std::copy(sig.begin(), sig.end(), tx.signatures[0].bytes.begin());
    auto r = solana::serialize_transaction(tx);
    return r ? std::move(*r) : std::vector<uint8_t>{};
}

} // namespace sniper::live
