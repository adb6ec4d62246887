#include "signer/policy.hpp"

#include "solana/associated_token.hpp"
#include "solana/message.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sniper::signer {

namespace {

using solana::Pubkey;
using solana::pubkey_lit;

constexpr Pubkey kSystem = pubkey_lit("11111111111111111111111111111111");
constexpr Pubkey kComputeBudget = pubkey_lit("ComputeBudget111111111111111111111111111111");
constexpr Pubkey kToken = pubkey_lit("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
constexpr Pubkey kToken2022 = pubkey_lit("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
constexpr Pubkey kAta = pubkey_lit("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
constexpr Pubkey kNativeMint = pubkey_lit("So11111111111111111111111111111111111111112");
constexpr Pubkey kNativeMint2022 = pubkey_lit("9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP");

constexpr uint64_t kSaturated = std::numeric_limits<uint64_t>::max();

uint64_t add_sat(uint64_t a, uint64_t b) { return a > kSaturated - b ? kSaturated : a + b; }

uint64_t le(const std::vector<uint8_t>& d, size_t off, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
        v |= static_cast<uint64_t>(d[off + i]) << (8 * i);
    }
    return v;
}

// Reads one instruction against the message's account index space.
struct IxView {
    const solana::Message& m;
    const solana::CompiledInstruction& ix;
    const Pubkey& wallet;
    const std::vector<Pubkey>& wsol;

    size_t n() const { return ix.accounts.size(); }
    // The static key at instruction account position i, or nullptr when it
    // is loaded from a lookup table (its address is not in the message).
    const Pubkey* key(size_t i) const {
        const size_t idx = ix.accounts[i];
        return idx < m.account_keys.size() ? &m.account_keys[idx] : nullptr;
    }
    bool is_wallet(size_t i) const {
        const Pubkey* k = key(i);
        return k != nullptr && *k == wallet; // the fee payer is static: a table cannot load it
    }
    bool maybe_wsol(size_t i) const {
        const Pubkey* k = key(i);
        return k == nullptr || std::find(wsol.begin(), wsol.end(), *k) != wsol.end();
    }
    bool maybe_native_mint(size_t i) const {
        const Pubkey* k = key(i);
        return k == nullptr || *k == kNativeMint || *k == kNativeMint2022;
    }
    bool touches_wallet() const {
        for (size_t i = 0; i < n(); ++i) {
            if (is_wallet(i) || maybe_wsol(i)) {
                return true;
            }
        }
        return false;
    }
};

struct Bound {
    bool bounded = true;
    uint64_t lamports = 0;
    std::string why; // when unbounded
};

Bound unbounded(size_t ix_index, std::string why) {
    return Bound{false, 0, "instruction " + std::to_string(ix_index) + ": " + std::move(why)};
}

Bound bound_system(const IxView& v, size_t at) {
    const auto& d = v.ix.data;
    const uint64_t kind = d.size() >= 4 ? le(d, 0, 4) : kSaturated;
    if (kind == 2 && d.size() == 12 && v.n() >= 2) { // Transfer {lamports}
        return Bound{true, v.is_wallet(0) ? le(d, 4, 8) : 0, {}};
    }
    if (kind == 0 && d.size() == 52 && v.n() >= 2) { // CreateAccount {lamports, space, owner}
        return Bound{true, v.is_wallet(0) ? le(d, 4, 8) : 0, {}};
    }
    if (kind == 3 && d.size() >= 44 && v.n() >= 2) { // CreateAccountWithSeed {base, seed, lamports, space, owner}
        const uint64_t seed_len = le(d, 36, 8);
        if (seed_len <= 1232 && d.size() == 92 + seed_len) {
            return Bound{true, v.is_wallet(0) ? le(d, 44 + seed_len, 8) : 0, {}};
        }
    }
    if (v.touches_wallet()) {
        return unbounded(at, "a System instruction the signer does not bound lists the wallet");
    }
    return {};
}

Bound bound_token(const IxView& v, size_t at) {
    const auto& d = v.ix.data;
    const int kind = d.empty() ? -1 : d[0];
    switch (kind) {
    case 3: // Transfer {amount}: source, destination, authority
        if (d.size() == 9 && v.n() >= 3) {
            return Bound{true, v.maybe_wsol(0) ? le(d, 1, 8) : 0, {}};
        }
        break;
    case 12: // TransferChecked {amount, decimals}: source, mint, destination, authority
        if (d.size() == 10 && v.n() >= 4) {
            const bool out = v.maybe_wsol(0) || (v.maybe_native_mint(1) && v.is_wallet(3));
            return Bound{true, out ? le(d, 1, 8) : 0, {}};
        }
        break;
    case 9: // CloseAccount: account, destination, owner
        if (d.size() == 1 && v.n() >= 3) {
            if (v.is_wallet(1)) {
                return {};
            }
            if (v.is_wallet(2) || v.maybe_wsol(0)) {
                return unbounded(at, "CloseAccount sends a wallet account's lamports to another account");
            }
            return {};
        }
        break;
    case 1:  // InitializeAccount
    case 16: // InitializeAccount2
    case 18: // InitializeAccount3
    case 8:  // Burn
    case 15: // BurnChecked
    case 17: // SyncNative
        return {};
    default:
        break;
    }
    if (v.touches_wallet()) {
        return unbounded(at, "a token instruction the signer does not bound (type " + std::to_string(kind) +
                                 ") lists the wallet or its wrapped-SOL account");
    }
    return {};
}

Bound bound_ata(const IxView& v, size_t at) {
    const auto& d = v.ix.data;
    const bool create = d.empty() || (d.size() == 1 && (d[0] == 0 || d[0] == 1));
    if (create && v.n() >= 6) { // funder, ata, owner, mint, system, token program
        if (!v.is_wallet(0)) {
            return {};
        }
        const Pubkey* prog = v.key(5);
        if (prog != nullptr && *prog == kToken) {
            return Bound{true, kTokenAccountRentLamports, {}};
        }
        if (prog != nullptr && *prog == kToken2022) {
            return Bound{true, kToken2022AccountRentBoundLamports, {}};
        }
        return unbounded(at, "ATA creation funded by the wallet for an unknown token program");
    }
    if (v.touches_wallet()) {
        return unbounded(at, "an ATA instruction other than Create/CreateIdempotent lists the wallet");
    }
    return {};
}

struct ComputeBudget {
    bool readable = true;
    std::optional<uint64_t> unit_limit;
    uint64_t unit_price_micro_lamports = 0;
    size_t other_instructions = 0;
};

} // namespace

std::vector<Pubkey> wrapped_sol_accounts(const Pubkey& wallet) {
    return {solana::associated_token_address(wallet, kNativeMint, kToken),
            solana::associated_token_address(wallet, kNativeMint2022, kToken2022)};
}

const std::vector<Pubkey>& default_programs() {
    static const std::vector<Pubkey> k{kSystem, kComputeBudget, kToken, kToken2022, kAta};
    return k;
}

Policy::Policy(PolicyConfig cfg) : cfg_(std::move(cfg)) {
    allow_ = default_programs();
    for (const Pubkey& p : cfg_.extra_programs) {
        if (std::find(allow_.begin(), allow_.end(), p) == allow_.end()) {
            allow_.push_back(p);
        }
    }
    wsol_ = wrapped_sol_accounts(cfg_.wallet);
}

bool Policy::allowed(const Pubkey& program) const {
    return std::find(allow_.begin(), allow_.end(), program) != allow_.end();
}

Assessment Policy::bound_outflow(const solana::Message& m) const {
    Assessment a;
    uint64_t total = add_sat(0, kBaseFeeLamportsPerSignature * m.header.num_required_signatures);
    ComputeBudget cb;
    for (size_t i = 0; i < m.instructions.size(); ++i) {
        const auto& ix = m.instructions[i];
        if (ix.program_id_index >= m.account_keys.size()) {
            a.reason = Reason::UnboundedOutflow;
            a.detail = "instruction " + std::to_string(i) + ": program id is not a static key";
            return a;
        }
        const Pubkey& program = m.account_keys[ix.program_id_index];
        const IxView v{m, ix, cfg_.wallet, wsol_};
        Bound b;
        if (program == kComputeBudget) {
            const auto& d = ix.data;
            if (d.size() == 5 && d[0] == 2) {
                cb.unit_limit = std::max(cb.unit_limit.value_or(0), le(d, 1, 4));
            } else if (d.size() == 9 && d[0] == 3) {
                cb.unit_price_micro_lamports = std::max(cb.unit_price_micro_lamports, le(d, 1, 8));
            } else if (d.size() == 5 && (d[0] == 1 || d[0] == 4)) {
                // heap frame / loaded-data limit: no lamports
            } else {
                b = unbounded(i, "a Compute Budget instruction the signer cannot read");
            }
        } else {
            ++cb.other_instructions;
            if (program == kSystem) {
                b = bound_system(v, i);
            } else if (program == kToken || program == kToken2022) {
                b = bound_token(v, i);
            } else if (program == kAta) {
                b = bound_ata(v, i);
            } else {
                // A program the signer does not decode: harmless only if it
                // is not given the wallet to act on.
                for (size_t k = 0; k < v.n(); ++k) {
                    if (v.is_wallet(k)) {
                        b = unbounded(i, "program " + solana::to_base58(program) +
                                             " is given the wallet and the signer cannot bound what it moves");
                        break;
                    }
                }
            }
        }
        if (!b.bounded) {
            a.reason = Reason::UnboundedOutflow;
            a.detail = std::move(b.why);
            return a;
        }
        total = add_sat(total, b.lamports);
    }
    uint64_t units = cb.unit_limit.has_value()
                         ? *cb.unit_limit
                         : kDefaultUnitsPerInstruction * static_cast<uint64_t>(cb.other_instructions);
    units = std::min(units, kMaxComputeUnits);
    const unsigned __int128 micro =
        static_cast<unsigned __int128>(units) * cb.unit_price_micro_lamports;
    const unsigned __int128 prio = (micro + 999'999) / 1'000'000;
    a.priority_fee_lamports = prio > kSaturated ? kSaturated : static_cast<uint64_t>(prio);
    total = add_sat(total, a.priority_fee_lamports);
    a.outflow_lamports = total;
    return a;
}

Assessment Policy::assess(std::span<const uint8_t> bytes) const {
    Assessment a;
    // A transaction is at least one compact-u16 count byte and one
    // signature (65 bytes) plus the message.
    if (bytes.size() > kMaxMessageBytes - 65) {
        a.reason = Reason::OversizeMessage;
        a.detail = "message of " + std::to_string(bytes.size()) + " bytes; at most " +
                   std::to_string(kMaxMessageBytes - 65) + " fit a 1232-byte transaction with one signature";
        return a;
    }
    solana::Message m;
    if (auto err = solana::parse_message(bytes, m)) {
        a.reason = Reason::UnparseableMessage;
        a.detail = err->to_string();
        return a;
    }
    if (m.account_keys.empty() || !(m.account_keys[0] == cfg_.wallet)) {
        a.reason = Reason::FeePayerNotWallet;
        a.detail = "fee payer is " + (m.account_keys.empty() ? std::string("absent") : solana::to_base58(m.account_keys[0])) +
                   ", expected the wallet " + solana::to_base58(cfg_.wallet);
        return a;
    }
    for (size_t i = 0; i < m.instructions.size(); ++i) {
        if (m.instructions[i].program_id_index >= m.account_keys.size()) {
            a.reason = Reason::UnparseableMessage;
            a.detail = "instruction " + std::to_string(i) + ": program id index outside the static keys";
            return a;
        }
        const Pubkey& program = m.account_keys[m.instructions[i].program_id_index];
        if (!allowed(program)) {
            a.reason = Reason::ProgramNotAllowed;
            a.detail = "instruction " + std::to_string(i) + " calls program " + solana::to_base58(program) +
                       ", which is not on the allowlist";
            return a;
        }
    }
    a = bound_outflow(m);
    if (a.reason != Reason::None) {
        return a;
    }
    if (a.outflow_lamports > cfg_.max_tx_lamports) {
        a.reason = Reason::TxCapExceeded;
        a.detail = "up to " + std::to_string(a.outflow_lamports) +
                   " lamports can leave the wallet; the per-transaction cap is " +
                   std::to_string(cfg_.max_tx_lamports);
    }
    return a;
}

} // namespace sniper::signer
