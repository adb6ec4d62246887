// app/live_preflight.hpp — what `mode = "live"` needs before anything
// starts, checked all at once so the refusal names every missing piece:
// both opt-ins (the file's mode and SNIPER_TRADING_MODE=live), a key the
// signer accepts (the signer process is started: file modes, key shape),
// a JSON-RPC endpoint from [live] rpc that answers, the wallet's balance
// at least [live] min_balance_sol, and a live market feed ([feeds.watch]:
// live orders on simulated or replayed prices would be trades on data
// nobody validated).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace sniper {

struct Config;
namespace signer {
class SignerClient;
}

struct LivePreflight {
    LivePreflight();
    ~LivePreflight();
    LivePreflight(LivePreflight&&) noexcept;
    LivePreflight& operator=(LivePreflight&&) noexcept;
    std::vector<std::string> missing; // one line per missing piece; empty = ready
    std::string wallet;               // base58, when the signer started
    bool signer_up = false;
    bool rpc_answers = false;
    bool balance_ok = false;
    // The running signer when every check passed (the live executor's);
    // null otherwise (it was stopped again).
    std::unique_ptr<signer::SignerClient> signer;
};

// Starts the signer and asks the endpoints; takes a few seconds at most.
// `signer_executable` is sniper-signer's path.
LivePreflight live_preflight(const Config& cfg, const std::string& signer_executable);

} // namespace sniper
