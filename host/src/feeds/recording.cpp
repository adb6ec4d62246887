// feeds/recording.cpp — see recording.hpp.
#include "feeds/recording.hpp"

#include "feeds/event_json.hpp"

#include <cerrno>
#include <cstring>

namespace sniper {

RecordingFeed::RecordingFeed(Feed& inner, const std::string& path) : ForwardingFeed(inner) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
        error_ = "cannot open the record file " + path + ": " + std::strerror(errno);
    }
}

RecordingFeed::~RecordingFeed() {
    std::lock_guard<std::mutex> lk(mu_);
    flush_locked(true);
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

uint64_t RecordingFeed::recorded() const {
    std::lock_guard<std::mutex> lk(mu_);
    return recorded_;
}

bool RecordingFeed::next(EventBuf& out) {
    if (!inner_.next(out)) {
        return false;
    }
    record(out);
    return true;
}

void RecordingFeed::start(EventSink& sink) {
    sink_ = &sink;
    inner_.start(*this);
}

void RecordingFeed::stop() {
    inner_.stop(); // no push after this
    std::lock_guard<std::mutex> lk(mu_);
    flush_locked(true);
}

void RecordingFeed::push_market_event(const EventBuf& ev) {
    record(ev);
    sink_->push_market_event(ev);
}

void RecordingFeed::record(const EventBuf& ev) {
    // The honeypot flag of a new pool is recorded too, so a replay's paper
    // venue refuses the same sells.
    const bool blocked = ev.h.type == SNP_EVENT_NEW_POOL && inner_.sell_blocked(ev.new_pool.base_mint);
    std::string full;
    std::unique_lock<std::mutex> writing;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (file_ == nullptr) {
            return;
        }
        encode_event_json(ev, blocked, buf_);
        ++recorded_;
        if (buf_.size() < kWriteAt) {
            return;
        }
        // A full buffer is written outside mu_, so other sources go on
        // buffering meanwhile; the write lock is taken before mu_ is let go,
        // so buffers reach the file in the order they filled.
        full.swap(buf_);
        buf_.reserve(kWriteAt + 4096);
        writing = std::unique_lock<std::mutex>(write_mu_);
    }
    std::fwrite(full.data(), 1, full.size(), file_);
}

void RecordingFeed::flush_locked(bool force) {
    std::lock_guard<std::mutex> lk(write_mu_);
    if (file_ == nullptr || buf_.empty() || (!force && buf_.size() < kWriteAt)) {
        return;
    }
    std::fwrite(buf_.data(), 1, buf_.size(), file_);
    buf_.clear();
    if (force) {
        std::fflush(file_);
    }
}

} // namespace sniper
