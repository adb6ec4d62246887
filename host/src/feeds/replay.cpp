#include "feeds/replay.hpp"

#include "core/log.hpp"
#include "feeds/event_json.hpp"
#include "feeds/event_json_detail.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sniper {

namespace {

constexpr size_t kMaxLine = 1 << 20;
constexpr size_t kBlock = 1 << 16;

bool later(const auto& a, const auto& b) {
    return a.source_ns != b.source_ns ? a.source_ns > b.source_ns : a.line_no > b.line_no;
}

std::string seconds_text(int64_t ns) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
    return buf;
}

} // namespace

const char* replay_skip_name(ReplaySkip r) {
    switch (r) {
    case ReplaySkip::Malformed: return "malformed";
    case ReplaySkip::TooLong: return "too_long";
    case ReplaySkip::OutOfOrder: return "out_of_order";
    case ReplaySkip::FarJump: return "far_jump";
    case ReplaySkip::UnknownPool: return "unknown_pool";
    case ReplaySkip::MintMismatch: return "mint_mismatch";
    case ReplaySkip::Count_: break;
    }
    return "unknown";
}

std::unique_ptr<ReplayFeed> ReplayFeed::open(const std::string& path, std::string* error,
                                             const ReplayOptions& opts) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        *error = "cannot open replay file " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    return std::unique_ptr<ReplayFeed>(new ReplayFeed(f, path, opts));
}

ReplayFeed::ReplayFeed(std::FILE* f, std::string path, const ReplayOptions& opts)
    : file_(f), path_(std::move(path)), opts_(opts), buf_(kMaxLine + kBlock),
      keys_(std::make_unique<event_json_detail::KeyCache>()) {}

ReplayFeed::~ReplayFeed() {
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

std::string ReplayFeed::skipped_summary() const {
    std::string s;
    for (size_t i = 0; i < skipped_.size(); ++i) {
        if (skipped_[i] != 0) {
            s += (s.empty() ? "" : ", ") + std::string(replay_skip_name(static_cast<ReplaySkip>(i))) + " " +
                 std::to_string(skipped_[i]);
        }
    }
    return s;
}

bool ReplayFeed::read_line(std::string_view* line, bool* too_long) {
    *too_long = false;
    for (;;) {
        const char* start = buf_.data() + buf_pos_;
        if (const void* nl = std::memchr(start, '\n', buf_len_ - buf_pos_)) {
            const size_t n = static_cast<size_t>(static_cast<const char*>(nl) - start);
            *line = std::string_view(start, n);
            buf_pos_ += n + 1;
            return true;
        }
        if (eof_) {
            if (buf_pos_ == buf_len_) {
                return false;
            }
            *line = std::string_view(start, buf_len_ - buf_pos_); // last line, no newline
            buf_pos_ = buf_len_;
            return true;
        }
        // Keep the partial line, make room behind it and read on.
        std::memmove(buf_.data(), start, buf_len_ - buf_pos_);
        buf_len_ -= buf_pos_;
        buf_pos_ = 0;
        if (buf_len_ > kMaxLine) {
            // Over the limit: drop what we have and everything up to the
            // next newline; it is one bad line.
            *too_long = true;
            buf_len_ = 0;
            for (;;) {
                const size_t got = std::fread(buf_.data(), 1, buf_.size(), file_);
                if (got == 0) {
                    eof_ = true;
                    *line = {};
                    return true;
                }
                if (const void* nl = std::memchr(buf_.data(), '\n', got)) {
                    buf_pos_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
                    buf_len_ = got;
                    *line = {};
                    return true;
                }
            }
        }
        const size_t got = std::fread(buf_.data() + buf_len_, 1, buf_.size() - buf_len_, file_);
        buf_len_ += got;
        if (got == 0) {
            eof_ = true;
        }
    }
}

void ReplayFeed::skip(ReplaySkip why, uint64_t line_no, const std::string& error) {
    ++rejected_;
    ++skipped_[static_cast<size_t>(why)];
    log::warn("feeds.replay", "skipping invalid line",
              {{"file", path_}, {"line", line_no}, {"reason", replay_skip_name(why)}, {"error", error}});
}

uint32_t ReplayFeed::acquire() {
    if (free_.empty()) {
        slots_.emplace_back();
        return static_cast<uint32_t>(slots_.size() - 1);
    }
    const uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
}

void ReplayFeed::admit(uint32_t slot) {
    const Held& h = slots_[slot];
    latest_ns_ = started_ ? std::max(latest_ns_, h.source_ns) : h.source_ns;
    started_ = true;
    window_.push_back(Entry{h.source_ns, h.line_no, slot});
    std::push_heap(window_.begin(), window_.end(), [](const Entry& x, const Entry& y) { return later(x, y); });
}

bool ReplayFeed::fill_one() {
    for (;;) {
        std::string_view line;
        bool too_long = false;
        if (!read_line(&line, &too_long)) {
            if (has_jump_) { // the file ended before anything confirmed the jump
                const Held& j = slots_[jump_];
                skip(ReplaySkip::FarJump, j.line_no,
                     "expected source_ns within max_jump of the lines before it, found " +
                         std::to_string(j.source_ns) + " (the last line; nothing confirms the jump)");
                release(jump_);
                has_jump_ = false;
            }
            return false;
        }
        ++line_no_;
        while (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (!too_long && (line.empty() || line[0] == '#')) {
            continue; // blank lines and comments
        }
        ++event_lines_;
        if (too_long) {
            skip(ReplaySkip::TooLong, line_no_, "expected a line of at most 1 MiB, found a longer one");
            continue;
        }
        const uint32_t slot = acquire(); // decoded in place, no copy
        Held& h = slots_[slot];
        h.line_no = line_no_;
        // A line the one-pass decoder takes has no NUL (it matched every
        // byte); any other is checked for one, then decoded in full.
        if (!event_json_detail::decode_fast(line, h.ev, h.sell_blocked, keys_.get())) {
            if (const void* nul = std::memchr(line.data(), '\0', line.size())) {
                release(slot);
                skip(ReplaySkip::Malformed, line_no_,
                     "expected text, found a NUL byte at column " +
                         std::to_string(static_cast<const char*>(nul) - line.data() + 1));
                continue;
            }
            const DecodeResult r = event_json_detail::decode_general(line, h.ev);
            if (!r.error.empty()) {
                release(slot);
                skip(ReplaySkip::Malformed, line_no_, r.error);
                continue;
            }
            h.sell_blocked = r.sell_blocked;
        }
        h.source_ns = static_cast<int64_t>(h.ev.h.source_ns);
        if (emitted_any_ && h.source_ns < emitted_ns_) {
            skip(ReplaySkip::OutOfOrder, line_no_,
                 "expected source_ns >= " + std::to_string(emitted_ns_) + " (time order, " +
                     std::to_string(opts_.reorder_lines) + " lines of reordering allowed), found " +
                     std::to_string(h.source_ns));
            release(slot);
            continue;
        }
        const int64_t max_jump = opts_.max_jump_ns;
        if (has_jump_) {
            const Held& j = slots_[jump_];
            if (h.source_ns >= j.source_ns && h.source_ns - j.source_ns <= max_jump) {
                // Two lines agree: a real gap in the recording, not an outlier.
                log::info("feeds.replay", "gap in the recording",
                          {{"file", path_}, {"line", j.line_no}, {"gap", seconds_text(j.source_ns - latest_ns_)}});
                has_jump_ = false;
                admit(jump_);
                admit(slot);
                return true;
            }
            skip(ReplaySkip::FarJump, j.line_no,
                 "expected source_ns at most " + seconds_text(max_jump) + " (feeds.replay.max_jump) after " +
                     std::to_string(latest_ns_) + ", found " + std::to_string(j.source_ns) +
                     " and the next line does not confirm the jump");
            release(jump_);
            has_jump_ = false;
        }
        // source_ns is never negative (decoder), so the difference cannot overflow.
        if (started_ && max_jump > 0 && h.source_ns > latest_ns_ && h.source_ns - latest_ns_ > max_jump) {
            jump_ = slot;
            has_jump_ = true;
            continue; // held until the next line says whether it is real
        }
        admit(slot);
        return true;
    }
}

bool ReplayFeed::emit_checked(const Held& h, EventBuf& out) {
    const EventBuf& ev = h.ev;
    const Pubkey* pool_of = nullptr;
    const Pubkey* mint_of = nullptr;
    switch (ev.h.type) {
    case SNP_EVENT_POOL_UPDATE:
        pool_of = &ev.pool_update.pool, mint_of = &ev.pool_update.base_mint;
        break;
    case SNP_EVENT_TRADE:
        pool_of = &ev.trade.pool, mint_of = &ev.trade.base_mint;
        break;
    case SNP_EVENT_POOL_SAFETY:
        pool_of = &ev.pool_safety.pool, mint_of = &ev.pool_safety.base_mint;
        break;
    case SNP_EVENT_CURVE_COMPLETE:
        pool_of = &ev.curve_complete.pool, mint_of = &ev.curve_complete.base_mint;
        break;
    default:
        break;
    }
    if (pool_of != nullptr) {
        const Pubkey& pool = *pool_of;
        const Pubkey& mint = *mint_of;
        auto it = pools_.find(pool);
        if (it == pools_.end()) {
            skip(ReplaySkip::UnknownPool, h.line_no,
                 std::string(event_type_name(ev.h.type)) + " for a pool with no earlier new_pool line");
            return false;
        }
        if (it->second != mint) {
            skip(ReplaySkip::MintMismatch, h.line_no,
                 "base_mint " + to_base58(mint) + " does not match the pool's mint " + to_base58(it->second) +
                     " from its new_pool line");
            return false;
        }
    }
    if (ev.h.type == SNP_EVENT_NEW_POOL) {
        pools_[ev.new_pool.pool] = ev.new_pool.base_mint;
        if (h.sell_blocked) {
            blocked_.insert(ev.new_pool.base_mint);
        }
    }
    emitted_any_ = true;
    emitted_ns_ = h.source_ns;
    event_json_detail::copy_event(out, ev);
    return true;
}

bool ReplayFeed::next(EventBuf& out) {
    for (;;) {
        while (window_.size() <= opts_.reorder_lines && fill_one()) {
        }
        if (window_.empty()) {
            return false;
        }
        // The earliest held event.
        std::pop_heap(window_.begin(), window_.end(), [](const Entry& x, const Entry& y) { return later(x, y); });
        const uint32_t slot = window_.back().slot;
        window_.pop_back();
        const bool ok = emit_checked(slots_[slot], out);
        release(slot);
        if (ok) {
            return true;
        }
    }
}

} // namespace sniper
