// signer/policy.hpp — what the signer will sign, judged from the message
// bytes alone: the message must parse (legacy or v0) and fit a 1232-byte
// transaction, its fee payer must be the wallet, every program it calls
// must be on the allowlist, and the lamports that can leave the wallet
// must be bounded and within the per-transaction cap. The per-day cap, the
// per-intent re-sign rules and HALTED need the signer's history and live in
// SignerService; this file is stateless.
//
// The outflow bound (lamports that can leave the wallet if the transaction
// lands) is the sum of:
// - the base fee: 5000 x the number of signatures;
// - the priority fee: ceil(unit limit x unit price / 1e6); the unit limit
//   is SetComputeUnitLimit's (capped at 1.4M) or, without one, 200,000 per
//   instruction that is not a Compute Budget one (capped at 1.4M);
// - System Transfer, CreateAccount and CreateAccountWithSeed funded by the
//   wallet: their lamports;
// - SPL Token / Token-2022 Transfer and TransferChecked out of the wallet's
//   wrapped-SOL account (its associated token account for the native mint,
//   or any account loaded from a lookup table, which could be it), and
//   TransferChecked of the native mint with the wallet as authority: the
//   amount;
// - Associated Token Account Create / CreateIdempotent funded by the
//   wallet: the rent-exempt minimum of the account (165 bytes = 2,039,280
//   lamports under Token; under Token-2022, whose accounts carry
//   extensions, the minimum for 512 bytes = 4,454,400 lamports).
// Any other instruction that lists the wallet (or its wrapped-SOL account)
// among its accounts can move lamports by an amount the signer cannot see,
// and makes the message unbounded: refused. So are Token CloseAccount
// sending the lamports anywhere but the wallet, and Compute Budget
// instructions it cannot read.
#pragma once

#include "signer/protocol.hpp"
#include "solana/types.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sniper::solana {
struct Message;
}

namespace sniper::signer {

constexpr uint64_t kBaseFeeLamportsPerSignature = 5000;
constexpr uint64_t kDefaultUnitsPerInstruction = 200'000;
constexpr uint64_t kMaxComputeUnits = 1'400'000;
constexpr uint64_t kTokenAccountRentLamports = 2'039'280;      // 165 bytes
constexpr uint64_t kToken2022AccountRentBoundLamports = 4'454'400; // 512 bytes

struct PolicyConfig {
    solana::Pubkey wallet;
    std::vector<solana::Pubkey> extra_programs; // added to the default allowlist
    uint64_t max_tx_lamports = 0;
    uint64_t max_day_lamports = 0;
    uint32_t max_resigns = 0;
};

// The default allowlist: System, Compute Budget, Token, Token-2022, ATA.
const std::vector<solana::Pubkey>& default_programs();

// The wallet's associated token accounts for the native mint (Token and
// Token-2022): its wrapped-SOL accounts.
std::vector<solana::Pubkey> wrapped_sol_accounts(const solana::Pubkey& wallet);

// The stateless verdict on one message.
struct Assessment {
    Reason reason = Reason::None;  // None = acceptable so far
    uint64_t outflow_lamports = 0; // the bound (valid when reason is None or a cap)
    uint64_t priority_fee_lamports = 0; // its priority-fee part: ceil(unit limit x price / 1e6)
    std::string detail;
};

class Policy {
  public:
    explicit Policy(PolicyConfig cfg);
    const PolicyConfig& config() const { return cfg_; }

    // Parse, size, fee payer, allowlist, outflow bound and per-tx cap.
    Assessment assess(std::span<const uint8_t> message) const;
    // Just the outflow bound of a parsed message (reason None or
    // UnboundedOutflow).
    Assessment bound_outflow(const solana::Message& m) const;

  private:
    bool allowed(const solana::Pubkey& program) const;
    PolicyConfig cfg_;
    std::vector<solana::Pubkey> allow_;
    std::vector<solana::Pubkey> wsol_;
};

} // namespace sniper::signer
