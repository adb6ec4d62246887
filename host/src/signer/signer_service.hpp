// signer/signer_service.hpp — the signer's decision-maker: takes a frame
// from sniperd, applies the Policy plus what needs history (HALTED, the
// per-UTC-day cap over everything signed today, the per-intent re-sign
// rules), signs with the Keystore when allowed, commits the decision to
// its Journal (journal.hpp says what a commit survives) and only then
// returns the answer frame. Single-threaded: the signer serves one
// request at a time (the Journal's syncer thread only checkpoints).
//
// Per intent: the same message again is signed again (Ed25519 is
// deterministic: same signature) and not counted twice. A different
// message is a re-sign, allowed only once every earlier message's
// blockhash has expired (current block height > the highest last valid
// block height known for the intent: the signer's journal or the
// request's earlier_last_valid_block_height, whichever is higher; unknown
// = not expired) and at most max_resigns times.
#pragma once

#include "signer/journal.hpp"
#include "signer/keystore.hpp"
#include "signer/policy.hpp"
#include "signer/protocol.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sniper::signer {

using NowFn = std::function<int64_t()>; // ns since the Unix epoch

class SignerService {
  public:
    SignerService(Policy policy, const Keystore& keys, Journal& journal, NowFn now);
    // Rebuilds today's total and the intents from the journal.
    bool load(std::string& err);

    // The answer to one frame (always a frame, possibly an Error one).
    std::vector<uint8_t> handle(const Frame& f);

    SignResult sign(uint64_t request_id, const SignRequest& r);
    HelloOk hello() const;
    uint64_t day_signed_lamports() const;
    uint8_t host_state() const { return host_state_; }

  private:
    SignResult decide(uint64_t request_id, const SignRequest& r, JournalRow& row);
    void roll_day(int64_t day);

    Policy policy_;
    const Keystore& keys_;
    Journal& journal_;
    NowFn now_;
    uint8_t host_state_ = 1; // SNP_TRADING_ACTIVE until told otherwise
    int64_t day_ = -1;
    // Lamports counted per UTC day, today and later (later days have rows
    // only if the clock stepped back): read from the journal at load, then
    // kept here, so a commit never waits on a query.
    std::map<int64_t, uint64_t> day_totals_;
    int64_t counted_from_ = 0; // day_totals_ is complete from this day on
    std::map<uint64_t, IntentHistory> intents_;
};

// The wall clock (CLOCK_REALTIME) in ns.
int64_t wall_now_ns();

} // namespace sniper::signer
