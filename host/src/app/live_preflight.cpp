#include "app/live_preflight.hpp"

#include "config/config.hpp"
#include "rpc/rpc_client.hpp"
#include "rpc/solana_calls.hpp"
#include "signer/signer_client.hpp"

#include <future>

namespace sniper {

LivePreflight::LivePreflight() = default;
LivePreflight::~LivePreflight() = default;
LivePreflight::LivePreflight(LivePreflight&&) noexcept = default;
LivePreflight& LivePreflight::operator=(LivePreflight&&) noexcept = default;

namespace {

std::string sol_text(uint64_t lamports) {
    return std::to_string(lamports / kLamportsPerSol) + "." +
           std::to_string(lamports % kLamportsPerSol + kLamportsPerSol).substr(1) + " SOL";
}

} // namespace

LivePreflight live_preflight(const Config& cfg, const std::string& signer_executable) {
    LivePreflight out;
    if (const std::string why = check_mode_allowed(cfg); !why.empty()) {
        out.missing.push_back("opt-in: " + why);
    }

    // The key, through the signer: sniperd never reads it itself.
    std::unique_ptr<signer::SignerClient> signer;
    if (cfg.signer.keypair_path.empty() && cfg.signer.secret_env.empty()) {
        out.missing.push_back("signer: no key configured; set [signer] keypair = \"PATH\" (a Solana CLI keypair "
                              "file, mode 0600) or secret = \"${SNIPER_...}\"");
    } else {
        std::string err;
        signer = signer::SignerClient::start(signer::signer_launch_from_config(cfg, signer_executable), err);
        if (!signer) {
            out.missing.push_back("signer: did not start: " + err);
        } else {
            out.signer_up = true;
            out.wallet = solana::to_base58(signer->wallet());
        }
    }

    // An endpoint that answers, and the wallet's balance through it.
    if (cfg.live.rpc_urls.empty()) {
        out.missing.push_back("rpc: no JSON-RPC endpoint configured; set [live] rpc = [\"https://...\"]");
    } else {
        rpc::RpcClientConfig rc;
        for (size_t i = 0; i < cfg.live.rpc_urls.size(); ++i) {
            rpc::EndpointConfig e;
            e.name = "rpc" + std::to_string(i + 1);
            e.url = cfg.live.rpc_urls[i];
            e.requests_per_s = cfg.live.rpc_requests_per_second;
            rc.endpoints.push_back(e);
        }
        rc.call_timeout_ms = 4000;
        rpc::RpcClient client(rc);
        std::promise<rpc::RpcResult<uint64_t>> slot_p;
        rpc::get_slot(client, rpc::Commitment::Confirmed,
                      [&slot_p](rpc::RpcResult<uint64_t> r) { slot_p.set_value(std::move(r)); });
        const rpc::RpcResult<uint64_t> slot = slot_p.get_future().get();
        if (!slot.ok()) {
            std::string urls;
            for (const std::string& u : cfg.live.rpc_urls) {
                urls += (urls.empty() ? "" : ", ") + u;
            }
            out.missing.push_back("rpc: no endpoint answered getSlot (" + urls + "): " + slot.error.to_string());
        } else {
            out.rpc_answers = true;
            if (signer) {
                std::promise<rpc::RpcResult<rpc::Balance>> bal_p;
                rpc::get_balance(client, signer->wallet(), rpc::Commitment::Confirmed,
                                 [&bal_p](rpc::RpcResult<rpc::Balance> r) { bal_p.set_value(std::move(r)); });
                const rpc::RpcResult<rpc::Balance> bal = bal_p.get_future().get();
                if (!bal.ok()) {
                    out.missing.push_back("wallet: balance of " + out.wallet +
                                          " could not be read: " + bal.error.to_string());
                } else if (bal.value.lamports < cfg.live.min_balance_lamports) {
                    out.missing.push_back("wallet: " + out.wallet + " holds " + sol_text(bal.value.lamports) +
                                          ", less than [live] min_balance_sol = " +
                                          sol_text(cfg.live.min_balance_lamports));
                } else {
                    out.balance_ok = true;
                }
            } else {
                out.missing.push_back("wallet: balance not checked (no signer, so no wallet address)");
            }
        }
        client.stop();
    }
    if (!cfg.feeds.live_sources()) {
        out.missing.push_back("feed: live mode trades on live market data only; configure [feeds.watch] "
                              "or [feeds.ws] (the simulated market and replays are for paper trading)");
    }
    if (out.missing.empty()) {
        out.signer = std::move(signer); // kept for the live executor
    }
    return out; // otherwise the signer stops with its client here
}

} // namespace sniper
