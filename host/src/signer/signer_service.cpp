#include "signer/signer_service.hpp"

#include "core/log.hpp"

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <limits>

namespace sniper::signer {

namespace {

constexpr uint8_t kHalted = 3; // SNP_TRADING_HALTED
constexpr int64_t kNsPerDay = 86'400LL * 1'000'000'000LL;

int64_t utc_day_of(int64_t ns) { return ns >= 0 ? ns / kNsPerDay : (ns - kNsPerDay + 1) / kNsPerDay; }

uint64_t add_sat(uint64_t a, uint64_t b) {
    return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

SignResult refuse(Reason r, std::string detail, uint64_t outflow = 0) {
    SignResult s;
    s.reason = r;
    s.detail = std::move(detail);
    s.outflow_lamports = outflow;
    return s;
}

} // namespace

int64_t wall_now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

SignerService::SignerService(Policy policy, const Keystore& keys, Journal& journal, NowFn now)
    : policy_(std::move(policy)), keys_(keys), journal_(journal), now_(std::move(now)) {}

bool SignerService::load(std::string& err) {
    day_ = utc_day_of(now_());
    counted_from_ = day_;
    if (!journal_.day_totals(day_, day_totals_, err)) {
        return false;
    }
    return journal_.intents(intents_, err);
}

uint64_t SignerService::day_signed_lamports() const {
    const auto it = day_totals_.find(day_);
    return it == day_totals_.end() ? 0 : it->second;
}

void SignerService::roll_day(int64_t day) {
    if (day == day_) {
        return;
    }
    // Every row since load went through sign(), so the map holds every day
    // from `counted_from_` on. A clock stepped back before that reads the
    // journal once more (a scan, rare); if that fails the day counts as
    // capped, never as empty.
    if (day < counted_from_) {
        std::map<int64_t, uint64_t> older;
        std::string err;
        if (journal_.day_totals(day, older, err)) {
            for (const auto& [d, t] : older) {
                if (d < counted_from_) {
                    day_totals_[d] = t;
                }
            }
            counted_from_ = day;
        } else {
            log::error("signer", "cannot read the day's total: counting the day as full", {{"error", err}});
            day_totals_[day] = std::numeric_limits<uint64_t>::max();
        }
    }
    day_ = day;
}

HelloOk SignerService::hello() const {
    HelloOk h;
    h.wallet = keys_.wallet().bytes;
    h.max_tx_lamports = policy_.config().max_tx_lamports;
    h.max_day_lamports = policy_.config().max_day_lamports;
    h.day_signed_lamports = day_signed_lamports();
    h.max_resigns = policy_.config().max_resigns;
    return h;
}

SignResult SignerService::decide(uint64_t request_id, const SignRequest& r, JournalRow& row) {
    (void)request_id;
    if (r.host_state == kHalted || host_state_ == kHalted) {
        return refuse(Reason::Halted, "the host reports HALTED: nothing is signed");
    }
    Assessment a = policy_.assess(r.message);
    if (a.reason != Reason::None) {
        return refuse(a.reason, std::move(a.detail), a.outflow_lamports);
    }
    IntentHistory* h = nullptr;
    if (auto it = intents_.find(r.intent_id); it != intents_.end()) {
        h = &it->second;
    }
    if (h != nullptr) {
        const auto same = std::find(h->signed_hashes.begin(), h->signed_hashes.end(), row.message_sha256);
        if (same != h->signed_hashes.end()) {
            SignResult s;
            s.outflow_lamports = a.outflow_lamports;
            s.signature = keys_.sign(r.message.data(), r.message.size()).bytes;
            row.counted_lamports = 0; // it can land once at most: counted when first signed
            return s;
        }
        const uint64_t expiry = std::max(h->max_last_valid_block_height, r.earlier_last_valid_block_height);
        if (expiry == 0 || r.current_block_height <= expiry) {
            return refuse(Reason::EarlierMessageCanLand,
                          "intent " + std::to_string(r.intent_id) +
                              " has a signed message that can still land (current block height " +
                              std::to_string(r.current_block_height) + ", earlier message valid through " +
                              (expiry == 0 ? std::string("an unknown height") : std::to_string(expiry)) + ")",
                          a.outflow_lamports);
        }
        const size_t resigns = h->signed_hashes.size() - 1;
        if (resigns >= policy_.config().max_resigns) {
            return refuse(Reason::ResignLimit,
                          "intent " + std::to_string(r.intent_id) + " was already re-signed " +
                              std::to_string(resigns) + " times; the limit is " +
                              std::to_string(policy_.config().max_resigns),
                          a.outflow_lamports);
        }
    }
    if (h == nullptr && r.earlier_last_valid_block_height != 0 &&
        r.current_block_height <= r.earlier_last_valid_block_height) {
        // The signer has no record of this intent (a lost journal, another
        // signer), but the host says an earlier message exists: its word
        // is the only guard left, so it holds.
        return refuse(Reason::EarlierMessageCanLand,
                      "intent " + std::to_string(r.intent_id) +
                          " has an earlier message that can still land, by the host's request (current block "
                          "height " + std::to_string(r.current_block_height) + ", earlier message valid through " +
                          std::to_string(r.earlier_last_valid_block_height) + ")",
                      a.outflow_lamports);
    }
    const uint64_t today = day_signed_lamports();
    const uint64_t after = add_sat(today, a.outflow_lamports);
    if (after > policy_.config().max_day_lamports) {
        return refuse(Reason::DayCapExceeded,
                      std::to_string(today) + " lamports signed today + up to " +
                          std::to_string(a.outflow_lamports) + " for this message = " + std::to_string(after) +
                          "; the per-UTC-day cap is " + std::to_string(policy_.config().max_day_lamports),
                      a.outflow_lamports);
    }
    SignResult s;
    s.outflow_lamports = a.outflow_lamports;
    s.signature = keys_.sign(r.message.data(), r.message.size()).bytes;
    row.counted_lamports = a.outflow_lamports;
    return s;
}

SignResult SignerService::sign(uint64_t request_id, const SignRequest& r) {
    const int64_t now = now_();
    roll_day(utc_day_of(now));
    JournalRow row;
    row.ts_ns = now;
    row.utc_day = day_;
    row.request_id = request_id;
    row.intent_id = r.intent_id;
    crypto_hash_sha256(row.message_sha256.data(), r.message.data(), r.message.size());
    row.message_len = static_cast<uint32_t>(r.message.size());
    row.last_valid_block_height = r.last_valid_block_height;
    row.current_block_height = r.current_block_height;
    row.host_state = r.host_state;

    SignResult s = decide(request_id, r, row);
    row.outflow_lamports = s.outflow_lamports;
    row.signed_ok = s.signed_ok();
    row.reason_code = static_cast<uint16_t>(s.reason);
    row.reason = s.signed_ok() ? "signed" : std::string(reason_name(s.reason)) + ": " + s.detail;
    if (!row.signed_ok) {
        row.counted_lamports = 0;
    }
    row.signature = s.signature;
    std::string err;
    if (!journal_.append(row, err)) {
        log::error("signer", "journal write failed: nothing signed", {{"error", err}});
        return refuse(Reason::JournalFailed, "the decision could not be journaled: " + err, s.outflow_lamports);
    }
    if (s.signed_ok()) {
        IntentHistory& h = intents_[r.intent_id];
        if (std::find(h.signed_hashes.begin(), h.signed_hashes.end(), row.message_sha256) == h.signed_hashes.end()) {
            h.signed_hashes.push_back(row.message_sha256);
            h.signatures.push_back(s.signature);
        }
        h.max_last_valid_block_height = std::max(h.max_last_valid_block_height, r.last_valid_block_height);
        uint64_t& today = day_totals_[day_];
        today = add_sat(today, row.counted_lamports);
    } else {
        log::warn("signer", "refused", {{"intent", r.intent_id}, {"code", static_cast<uint64_t>(row.reason_code)},
                                        {"reason", row.reason}});
    }
    return s;
}

std::vector<uint8_t> SignerService::handle(const Frame& f) {
    if (f.version != kProtocolVersion) {
        return encode_error(f.request_id, {Reason::UnsupportedVersion,
                                           "protocol version " + std::to_string(f.version) + ", expected " +
                                               std::to_string(kProtocolVersion)});
    }
    switch (f.type) {
    case FrameType::Hello:
        return encode_hello_ok(f.request_id, hello());
    case FrameType::State:
        if (f.payload.size() != 1 || f.payload[0] < 1 || f.payload[0] > 3) {
            return encode_error(f.request_id, {Reason::MalformedRequest, "state: expected one byte 1..3"});
        }
        host_state_ = f.payload[0];
        return encode_frame(FrameType::StateOk, f.request_id, {});
    case FrameType::Sign: {
        std::string err;
        auto req = decode_sign_request(f.payload, err);
        if (!req) {
            // Journal the unreadable request too: every request leaves a row.
            SignRequest empty;
            JournalRow row;
            row.ts_ns = now_();
            row.utc_day = utc_day_of(row.ts_ns);
            row.request_id = f.request_id;
            row.reason_code = static_cast<uint16_t>(Reason::MalformedRequest);
            row.reason = std::string(reason_name(Reason::MalformedRequest)) + ": " + err;
            std::string jerr;
            if (!journal_.append(row, jerr)) {
                log::error("signer", "journal write failed", {{"error", jerr}});
            }
            return encode_sign_result(f.request_id, refuse(Reason::MalformedRequest, err));
        }
        return encode_sign_result(f.request_id, sign(f.request_id, *req));
    }
    default:
        return encode_error(f.request_id, {Reason::UnknownType, "frame type " +
                                                                    std::to_string(static_cast<int>(f.type)) +
                                                                    " is not served by the signer"});
    }
}

} // namespace sniper::signer
