// chain/log_stack.hpp — reads a transaction's log lines in order and keeps
// the invoke stack, so each `Program log:` / `Program data:` line is
// attributed to the program that wrote it (a pump.fun event logged by
// another program is not a pump.fun event). Lines it knows:
//   Program <id> invoke [n]     push; n must be depth + 1 and at most 5
//   Program <id> success        pop; <id> must be the top
//   Program <id> failed: ...    pop; <id> must be the top
//   Program <id> consumed ...   (ignored)
//   Program log: <text>         attributed to the top
//   Program data: <b64> [...]   attributed to the top
//   Program return: ...         (ignored)
//   Log truncated               the node cut the rest: stop, count it
// Any other line is ignored (older nodes wrote "SBF program ..." lines).
#pragma once

#include "chain/reject.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sniper::chain {

// The programs the decoders watch.
enum class ProgramTag : uint8_t { Other = 0, PumpFun, PumpSwap, RaydiumV4 };
ProgramTag program_tag(std::string_view base58_id);

inline constexpr std::string_view kPumpFunId = "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";
inline constexpr std::string_view kPumpSwapId = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
inline constexpr std::string_view kRaydiumV4Id = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
inline constexpr std::string_view kWsolMint = "So11111111111111111111111111111111111111112";

struct Frame {
    ProgramTag tag = ProgramTag::Other;
    std::string_view id;
    uint32_t ordinal = 0;      // n-th invocation of this program in the transaction (0-based)
    bool create_ix = false;    // pump.fun: "Instruction: Create"/"CreateV2" seen
    bool create_event = false; // pump.fun: a CreateEvent seen
};

enum class LineKind : uint8_t { Ignored = 0, Invoke, Success, Failed, Log, Data, Truncated };

struct Line {
    LineKind kind = LineKind::Ignored;
    std::string_view text;  // Log: after "Program log: "; Data: after "Program data: "
    Frame* frame = nullptr; // Log/Data: the emitting frame (null outside any invocation);
                            // Success/Failed: the frame being closed (valid until the next feed)
};

class LogStack {
  public:
    static constexpr uint32_t kMaxDepth = 5; // the runtime's instruction stack height

    explicit LogStack(size_t max_line_bytes) : max_line_(max_line_bytes) {}
    // Classifies one line and updates the stack. LogLineTooLong or LogStack
    // on a bad line; after Truncated no further line may be fed.
    Reject feed(std::string_view line, Line& out);
    // At the end of the logs: the stack must be empty unless truncated.
    Reject finish() const;
    bool truncated() const { return truncated_; }
    uint32_t depth() const { return depth_; }

  private:
    size_t max_line_;
    Frame frames_[kMaxDepth];
    Frame closed_;
    uint32_t depth_ = 0;
    uint32_t invocations_[4] = {}; // per ProgramTag
    bool truncated_ = false;
};

} // namespace sniper::chain
