// signer/signer_client.hpp — sniperd's side of the signer: starts
// sniper-signer (fork + exec, with one end of a socketpair as its fd 3)
// and asks it to sign. sniperd never opens the key file nor reads the key
// variable: the signer gets the file's path, or the variable's name, on its
// command line, and the variable itself through the environment it
// inherits. Right after the fork, start() wipes the variable's value in
// sniperd's memory and unsets it, so plugins loaded later cannot find it.
// Call start() before any strategy code is loaded, from the thread that
// lives as long as the daemon (PR_SET_PDEATHSIG follows the forking thread).
//
// The signer's command line:
//   sniper-signer --fd 3 --parent PID (--keypair PATH | --key-env NAME)
//       --journal PATH --max-tx-lamports N --max-day-lamports N
//       --max-resigns N [--allow PROGRAM_ID]...
#pragma once

#include "signer/protocol.hpp"
#include "solana/types.hpp"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sniper {
struct Config;
}

namespace sniper::signer {

struct SignerLaunch {
    std::string executable;   // path of sniper-signer
    std::string keypair_path; // exactly one of keypair_path / key_env
    std::string key_env;      // name of the SNIPER_* variable holding the base58 secret
    std::string journal_path;
    uint64_t max_tx_lamports = 0;
    uint64_t max_day_lamports = 0;
    uint32_t max_resigns = 0;
    std::vector<std::string> allow_programs; // base58 program ids added to the defaults
    int timeout_ms = 10'000;                 // per request (and for start-up)
};

// sniper-signer next to the running executable.
std::string default_signer_executable();
// The launch parameters from the [signer] section of a loaded config.
SignerLaunch signer_launch_from_config(const Config& cfg, std::string executable);

// Wipes the value of environment variable `name` in place and unsets it.
void scrub_env_var(const std::string& name);

class SignerClient {
  public:
    // Starts the signer and waits for its hello. nullptr and `err` (the
    // signer's own reason when it could not start) on failure.
    static std::unique_ptr<SignerClient> start(const SignerLaunch& launch, std::string& err);
    // Closes the socket (the signer exits on EOF) and reaps it.
    ~SignerClient();
    SignerClient(const SignerClient&) = delete;
    SignerClient& operator=(const SignerClient&) = delete;

    const solana::Pubkey& wallet() const { return wallet_; }
    const HelloOk& hello() const { return hello_; }
    pid_t pid() const { return pid_; }

    // One request, one answer. nullopt and `err` when the signer did not
    // answer (gone, timed out, or an unreadable answer); a refusal is a
    // SignResult with its reason. `meanwhile`, when set, runs on this
    // thread after the request is written and before the answer is read
    // (work that overlaps the signer's).
    std::optional<SignResult> sign(const SignRequest& req, std::string& err,
                                   const std::function<void()>& meanwhile = nullptr);
    // Reports the host's trading state (SNP_TRADING_*).
    bool set_trading_state(uint8_t state, std::string& err);
    // Sends raw bytes and reads one frame (for protocol tests).
    std::optional<Frame> raw_request(const std::vector<uint8_t>& bytes, std::string& err,
                                     const std::function<void()>& meanwhile = nullptr);

  private:
    SignerClient() = default;
    // `spin`: busy-poll before sleeping (the signer is awake).
    std::optional<Frame> read_answer(bool spin, std::string& err);
    int fd_ = -1;
    std::unique_ptr<FrameReader> reader_; // over fd_
    pid_t pid_ = -1;
    uint64_t next_request_id_ = 1;
    int timeout_ms_ = 10'000;
    int64_t last_answer_ns_ = 0; // CLOCK_MONOTONIC of the last answer read
    solana::Pubkey wallet_;
    HelloOk hello_;
};

} // namespace sniper::signer
