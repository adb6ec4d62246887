#include "feeds/replay.hpp"

#include "core/log.hpp"
#include "feeds/event_json.hpp"

#include <cerrno>
#include <cstring>

namespace sniper {

std::unique_ptr<ReplayFeed> ReplayFeed::open(const std::string& path, std::string* error) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        *error = "cannot open replay file " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    return std::unique_ptr<ReplayFeed>(new ReplayFeed(f, path));
}

ReplayFeed::~ReplayFeed() {
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

bool ReplayFeed::next(EventBuf& out) {
    constexpr size_t kMaxLine = 1 << 20;
    char buf[4096];
    for (;;) {
        line_.clear();
        bool got = false;
        bool too_long = false;
        while (std::fgets(buf, sizeof buf, file_) != nullptr) {
            got = true;
            const size_t n = std::strlen(buf);
            if (line_.size() + n > kMaxLine) {
                too_long = true;
            } else {
                line_.append(buf, n);
            }
            if (n > 0 && buf[n - 1] == '\n') {
                break;
            }
        }
        if (!got) {
            return false;
        }
        ++line_no_;
        while (!line_.empty() && (line_.back() == '\n' || line_.back() == '\r')) {
            line_.pop_back();
        }
        if (line_.empty() || line_[0] == '#') {
            continue; // blank lines and comments
        }
        std::string err;
        DecodeResult r;
        if (too_long) {
            err = "expected a line of at most 1 MiB, found a longer one";
        } else {
            r = decode_event_json(line_, out);
            err = r.error;
        }
        if (err.empty() && out.h.source_ns < last_ns_) {
            err = "expected source_ns >= " + std::to_string(last_ns_) + " (time order), found " +
                  std::to_string(out.h.source_ns);
        }
        if (err.empty() && (out.h.type == SNP_EVENT_POOL_UPDATE || out.h.type == SNP_EVENT_TRADE)) {
            const Pubkey& pool = out.h.type == SNP_EVENT_POOL_UPDATE ? out.pool_update.pool : out.trade.pool;
            const Pubkey& mint =
                out.h.type == SNP_EVENT_POOL_UPDATE ? out.pool_update.base_mint : out.trade.base_mint;
            auto it = pools_.find(pool);
            if (it == pools_.end()) {
                err = std::string(event_type_name(out.h.type)) + " for a pool with no earlier new_pool line";
            } else if (it->second != mint) {
                err = "base_mint " + to_base58(mint) + " does not match the pool's mint " +
                      to_base58(it->second) + " from its new_pool line";
            }
        }
        if (!err.empty()) {
            ++rejected_;
            log::warn("feeds.replay", "skipping invalid line",
                      {{"file", path_}, {"line", line_no_}, {"error", err}});
            continue;
        }
        last_ns_ = out.h.source_ns;
        if (out.h.type == SNP_EVENT_NEW_POOL) {
            pools_[out.new_pool.pool] = out.new_pool.base_mint;
            if (r.sell_blocked) {
                blocked_.insert(out.new_pool.base_mint);
            }
        }
        return true;
    }
}

} // namespace sniper
