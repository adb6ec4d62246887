// feeds/replay.hpp — replays events from a JSON Lines file (event_json.hpp).
// Every line is validated; a bad line is logged with its line number, what
// was expected and what was found, counted, and skipped — never traded on.
// Events must be in non-decreasing source time; a line that goes back in
// time is refused the same way. Pool updates and trades for pools the
// file never announced, or naming another mint than the pool's, are
// refused too.
#pragma once

#include "feeds/feed.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace sniper {

class ReplayFeed final : public Feed {
  public:
    // Returns nullptr and sets *error when the file cannot be opened.
    static std::unique_ptr<ReplayFeed> open(const std::string& path, std::string* error);
    ~ReplayFeed() override;

    bool next(EventBuf& out) override;
    const char* name() const override { return "replay"; }
    bool sell_blocked(const Pubkey& mint) const override { return blocked_.count(mint) != 0; }
    uint64_t rejected_inputs() const override { return rejected_; }
    uint64_t lines_read() const { return line_no_; }

  private:
    ReplayFeed(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
    std::FILE* file_;
    std::string path_;
    std::string line_;
    uint64_t line_no_ = 0;
    uint64_t rejected_ = 0;
    int64_t last_ns_ = 0;
    std::unordered_map<Pubkey, Pubkey, PubkeyHash> pools_; // pool -> its token mint
    std::unordered_set<Pubkey, PubkeyHash> blocked_;
};

} // namespace sniper
