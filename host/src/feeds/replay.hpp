// feeds/replay.hpp — replays events from a JSON Lines file (event_json.hpp).
// Every line is validated; a bad line is logged with its line number, what
// was expected and what was found, counted by reason, and skipped — never
// traded on. The file is read in blocks (lines may hold any byte: a NUL or
// an over-long line is one bad line, never two merged ones).
//
// Time: events are handed out in non-decreasing source time. A small
// reorder window (a few lines) puts swapped neighbours back in order
// instead of refusing one of them; a line later than that is refused alone
// and does not move the clock. A line that jumps further ahead than
// max_jump past everything read so far is held: if the next line confirms
// the jump (a real gap in the recording) both are kept, otherwise the
// outlier is refused — so one far-future timestamp cannot make every later
// line "out of order". Pool updates and trades for pools the file never
// announced, or naming another mint than the pool's, are refused too.
#pragma once

#include "feeds/feed.hpp"

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sniper {

namespace event_json_detail {
struct KeyCache;
}

struct ReplayOptions {
    int64_t max_jump_ns = 3600LL * 1'000'000'000; // 0 = any forward jump is believed
    size_t reorder_lines = 16;                    // 0 = strict file order
};

// Why a line was skipped. Names are stable (summary, status).
enum class ReplaySkip : uint8_t {
    Malformed,    // not a valid event line (JSON, fields, values, NUL byte)
    TooLong,      // over 1 MiB
    OutOfOrder,   // earlier than events already handed out (beyond the reorder window)
    FarJump,      // later than max_jump past everything before it, unconfirmed
    UnknownPool,  // pool_update/trade before any new_pool of that pool
    MintMismatch, // names another mint than its pool's new_pool line
    Count_
};
const char* replay_skip_name(ReplaySkip r);

class ReplayFeed final : public Feed {
  public:
    // Returns nullptr and sets *error when the file cannot be opened.
    static std::unique_ptr<ReplayFeed> open(const std::string& path, std::string* error,
                                            const ReplayOptions& opts = {});
    ~ReplayFeed() override;

    bool next(EventBuf& out) override;
    const char* name() const override { return "replay"; }
    bool sell_blocked(const Pubkey& mint) const override { return blocked_.count(mint) != 0; }
    uint64_t rejected_inputs() const override { return rejected_; }
    // Event lines read (blank lines and # comments not counted).
    uint64_t lines_read() const { return event_lines_; }
    uint64_t skipped(ReplaySkip r) const { return skipped_[static_cast<size_t>(r)]; }
    // "far_jump 1, out_of_order 2" (reasons with a count only), or "".
    std::string skipped_summary() const;

  private:
    // A decoded line waiting in the window (or held as a far jump). Lines
    // are decoded straight into a slot and stay there until handed out:
    // the heap orders small entries that point at slots, so an event is
    // copied once, into next()'s `out`.
    struct Held {
        int64_t source_ns = 0;
        uint64_t line_no = 0;
        bool sell_blocked = false;
        EventBuf ev;
    };
    struct Entry {
        int64_t source_ns;
        uint64_t line_no;
        uint32_t slot;
    };
    ReplayFeed(std::FILE* f, std::string path, const ReplayOptions& opts);
    // The next event line of the file (raw), or false at its end.
    bool read_line(std::string_view* line, bool* too_long);
    // Reads, decodes and time-checks lines until one enters the window.
    // False at the end of the file.
    bool fill_one();
    uint32_t acquire(); // a free slot
    void release(uint32_t slot) { free_.push_back(slot); }
    void admit(uint32_t slot);
    bool emit_checked(const Held& h, EventBuf& out);
    void skip(ReplaySkip why, uint64_t line_no, const std::string& error);

    std::FILE* file_;
    std::string path_;
    ReplayOptions opts_;
    std::vector<char> buf_;
    size_t buf_pos_ = 0;
    size_t buf_len_ = 0;
    bool eof_ = false;
    uint64_t line_no_ = 0;
    uint64_t event_lines_ = 0;
    uint64_t rejected_ = 0;
    std::array<uint64_t, static_cast<size_t>(ReplaySkip::Count_)> skipped_{};
    bool started_ = false;     // a line has been admitted
    int64_t latest_ns_ = 0;    // latest source time admitted
    bool emitted_any_ = false;
    int64_t emitted_ns_ = 0;   // source time of the last event handed out
    std::vector<Held> slots_;
    std::vector<uint32_t> free_; // slots not in use
    std::vector<Entry> window_;  // min-heap on (source_ns, line_no)
    bool has_jump_ = false;      // a far jump waiting for confirmation...
    uint32_t jump_ = 0;          // ...in this slot
    std::unique_ptr<event_json_detail::KeyCache> keys_; // base58 texts of pools and mints seen
    std::unordered_map<Pubkey, Pubkey, PubkeyHash> pools_; // pool -> its token mint
    std::unordered_set<Pubkey, PubkeyHash> blocked_;
};

} // namespace sniper
