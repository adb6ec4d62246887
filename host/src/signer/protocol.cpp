#include "signer/protocol.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace sniper::signer {

namespace {

void put_u16(std::vector<uint8_t>& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v));
    b.push_back(static_cast<uint8_t>(v >> 8));
}
void put_u32(std::vector<uint8_t>& b, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
}
void put_u64(std::vector<uint8_t>& b, uint64_t v) {
    for (int i = 0; i < 8; ++i) {
        b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
}

// Bounds-checked little-endian reader over a payload.
class In {
  public:
    explicit In(const std::vector<uint8_t>& b) : b_(b) {}
    bool u8(uint8_t& v) {
        if (left() < 1) {
            return false;
        }
        v = b_[pos_++];
        return true;
    }
    bool u16(uint16_t& v) {
        uint64_t x = 0;
        if (!le(2, x)) {
            return false;
        }
        v = static_cast<uint16_t>(x);
        return true;
    }
    bool u32(uint32_t& v) {
        uint64_t x = 0;
        if (!le(4, x)) {
            return false;
        }
        v = static_cast<uint32_t>(x);
        return true;
    }
    bool u64(uint64_t& v) { return le(8, v); }
    bool bytes(uint8_t* out, size_t n) {
        if (left() < n) {
            return false;
        }
        std::memcpy(out, b_.data() + pos_, n);
        pos_ += n;
        return true;
    }
    size_t left() const { return b_.size() - pos_; }
    size_t pos() const { return pos_; }

  private:
    bool le(size_t n, uint64_t& v) {
        if (left() < n) {
            return false;
        }
        v = 0;
        for (size_t i = 0; i < n; ++i) {
            v |= static_cast<uint64_t>(b_[pos_ + i]) << (8 * i);
        }
        pos_ += n;
        return true;
    }
    const std::vector<uint8_t>& b_;
    size_t pos_ = 0;
};

bool read_exact(int fd, uint8_t* out, size_t n, bool& eof_at_start) {
    size_t got = 0;
    errno = 0;
    eof_at_start = false;
    while (got < n) {
        const ssize_t r = ::read(fd, out + got, n - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return false;
        }
        if (r == 0) {
            eof_at_start = got == 0;
            return false;
        }
        got += static_cast<size_t>(r);
    }
    return true;
}

} // namespace

const char* reason_name(Reason r) {
    switch (r) {
    case Reason::None: return "signed";
    case Reason::MalformedRequest: return "malformed_request";
    case Reason::UnparseableMessage: return "unparseable_message";
    case Reason::OversizeMessage: return "oversize_message";
    case Reason::FeePayerNotWallet: return "fee_payer_not_wallet";
    case Reason::ProgramNotAllowed: return "program_not_allowed";
    case Reason::UnboundedOutflow: return "unbounded_outflow";
    case Reason::TxCapExceeded: return "tx_cap_exceeded";
    case Reason::DayCapExceeded: return "day_cap_exceeded";
    case Reason::EarlierMessageCanLand: return "earlier_message_can_land";
    case Reason::ResignLimit: return "resign_limit";
    case Reason::Halted: return "halted";
    case Reason::JournalFailed: return "journal_failed";
    case Reason::UnsupportedVersion: return "unsupported_version";
    case Reason::UnknownType: return "unknown_type";
    case Reason::StartFailed: return "start_failed";
    }
    return "unknown_reason";
}

std::vector<uint8_t> encode_frame(FrameType type, uint64_t request_id,
                                  const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> b;
    b.reserve(4 + kHeaderBytes + payload.size());
    put_u32(b, static_cast<uint32_t>(kHeaderBytes + payload.size()));
    b.push_back(kProtocolVersion);
    b.push_back(static_cast<uint8_t>(type));
    put_u16(b, 0);
    put_u64(b, request_id);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

std::vector<uint8_t> encode_sign_request(uint64_t request_id, const SignRequest& r) {
    std::vector<uint8_t> p;
    p.reserve(35 + r.message.size());
    put_u64(p, r.intent_id);
    p.push_back(r.host_state);
    put_u64(p, r.last_valid_block_height);
    put_u64(p, r.earlier_last_valid_block_height);
    put_u64(p, r.current_block_height);
    put_u16(p, static_cast<uint16_t>(r.message.size()));
    p.insert(p.end(), r.message.begin(), r.message.end());
    return encode_frame(FrameType::Sign, request_id, p);
}

std::vector<uint8_t> encode_sign_result(uint64_t request_id, const SignResult& r) {
    std::vector<uint8_t> p;
    const size_t n = r.detail.size() > 1024 ? 1024 : r.detail.size();
    p.reserve(2 + 8 + r.signature.size() + 2 + n);
    put_u16(p, static_cast<uint16_t>(r.reason));
    put_u64(p, r.outflow_lamports);
    p.insert(p.end(), r.signature.begin(), r.signature.end());
    put_u16(p, static_cast<uint16_t>(n));
    p.insert(p.end(), r.detail.begin(), r.detail.begin() + static_cast<std::ptrdiff_t>(n));
    return encode_frame(FrameType::SignResult, request_id, p);
}

std::vector<uint8_t> encode_hello_ok(uint64_t request_id, const HelloOk& h) {
    std::vector<uint8_t> p;
    p.insert(p.end(), h.wallet.begin(), h.wallet.end());
    put_u64(p, h.max_tx_lamports);
    put_u64(p, h.max_day_lamports);
    put_u64(p, h.day_signed_lamports);
    put_u32(p, h.max_resigns);
    return encode_frame(FrameType::HelloOk, request_id, p);
}

std::vector<uint8_t> encode_state(uint64_t request_id, uint8_t trading_state) {
    return encode_frame(FrameType::State, request_id, {trading_state});
}

std::vector<uint8_t> encode_error(uint64_t request_id, const ErrorFrame& e) {
    std::vector<uint8_t> p;
    const size_t n = e.detail.size() > 1024 ? 1024 : e.detail.size();
    p.reserve(4 + n); // one allocation (and no GCC 12 -O3 stringop-overflow false positive)
    put_u16(p, static_cast<uint16_t>(e.reason));
    put_u16(p, static_cast<uint16_t>(n));
    p.insert(p.end(), e.detail.begin(), e.detail.begin() + static_cast<std::ptrdiff_t>(n));
    return encode_frame(FrameType::Error, request_id, p);
}

std::optional<SignRequest> decode_sign_request(const std::vector<uint8_t>& p, std::string& err) {
    In in(p);
    SignRequest r;
    uint16_t len = 0;
    if (!in.u64(r.intent_id) || !in.u8(r.host_state) || !in.u64(r.last_valid_block_height) ||
        !in.u64(r.earlier_last_valid_block_height) || !in.u64(r.current_block_height) ||
        !in.u16(len)) {
        err = "sign request: expected at least 35 payload bytes, found " + std::to_string(p.size());
        return std::nullopt;
    }
    if (in.left() != len) {
        err = "sign request: message_len says " + std::to_string(len) + " bytes, the frame holds " +
              std::to_string(in.left());
        return std::nullopt;
    }
    if (r.intent_id == 0) {
        err = "sign request: intent_id 0 is not an intent";
        return std::nullopt;
    }
    r.message.assign(p.begin() + static_cast<std::ptrdiff_t>(in.pos()), p.end());
    return r;
}

std::optional<SignResult> decode_sign_result(const std::vector<uint8_t>& p, std::string& err) {
    In in(p);
    SignResult r;
    uint16_t code = 0;
    uint16_t len = 0;
    if (!in.u16(code) || !in.u64(r.outflow_lamports) || !in.bytes(r.signature.data(), 64) ||
        !in.u16(len) || in.left() != len) {
        err = "sign result: bad payload of " + std::to_string(p.size()) + " bytes";
        return std::nullopt;
    }
    r.reason = static_cast<Reason>(code);
    r.detail.assign(p.begin() + static_cast<std::ptrdiff_t>(in.pos()), p.end());
    return r;
}

std::optional<HelloOk> decode_hello_ok(const std::vector<uint8_t>& p, std::string& err) {
    In in(p);
    HelloOk h;
    if (!in.bytes(h.wallet.data(), 32) || !in.u64(h.max_tx_lamports) || !in.u64(h.max_day_lamports) ||
        !in.u64(h.day_signed_lamports) || !in.u32(h.max_resigns) || in.left() != 0) {
        err = "hello: expected 60 payload bytes, found " + std::to_string(p.size());
        return std::nullopt;
    }
    return h;
}

std::optional<ErrorFrame> decode_error(const std::vector<uint8_t>& p, std::string& err) {
    In in(p);
    ErrorFrame e;
    uint16_t code = 0;
    uint16_t len = 0;
    if (!in.u16(code) || !in.u16(len) || in.left() != len) {
        err = "error frame: bad payload of " + std::to_string(p.size()) + " bytes";
        return std::nullopt;
    }
    e.reason = static_cast<Reason>(code);
    e.detail.assign(p.begin() + static_cast<std::ptrdiff_t>(in.pos()), p.end());
    return e;
}

std::optional<Frame> read_frame(int fd, std::string& err) {
    err.clear();
    uint8_t len_bytes[4];
    bool eof = false;
    if (!read_exact(fd, len_bytes, 4, eof)) {
        if (!eof) {
            err = errno != 0 ? std::string("read failed: ") + std::strerror(errno)
                             : std::string("stream ended inside a length prefix");
        }
        return std::nullopt;
    }
    const uint32_t len = static_cast<uint32_t>(len_bytes[0]) | (static_cast<uint32_t>(len_bytes[1]) << 8) |
                         (static_cast<uint32_t>(len_bytes[2]) << 16) |
                         (static_cast<uint32_t>(len_bytes[3]) << 24);
    if (len < kHeaderBytes || len > kMaxBody) {
        err = "frame length " + std::to_string(len) + " outside " + std::to_string(kHeaderBytes) +
              ".." + std::to_string(kMaxBody);
        return std::nullopt;
    }
    std::vector<uint8_t> body(len);
    if (!read_exact(fd, body.data(), len, eof)) {
        err = "stream ended inside a frame of " + std::to_string(len) + " bytes";
        return std::nullopt;
    }
    Frame f;
    f.version = body[0];
    f.type = static_cast<FrameType>(body[1]);
    f.request_id = 0;
    for (int i = 0; i < 8; ++i) {
        f.request_id |= static_cast<uint64_t>(body[4 + i]) << (8 * i);
    }
    f.payload.assign(body.begin() + kHeaderBytes, body.end());
    return f;
}

bool FrameReader::fill(size_t need, bool& eof_at_start) {
    eof_at_start = false;
    errno = 0;
    if (pos_ + need > buf_.size()) { // make room at the end: keep the unread bytes
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    while (end_ - pos_ < need) {
        const ssize_t r = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return false;
        }
        if (r == 0) {
            eof_at_start = end_ == pos_;
            return false;
        }
        end_ += static_cast<size_t>(r);
    }
    return true;
}

bool FrameReader::spin_readable(int64_t spin_ns) {
    if (buffered()) {
        return true;
    }
    pos_ = end_ = 0; // nothing unread: start over at the front
    const auto now_ns = [] {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
    };
    const int64_t until = now_ns() + spin_ns;
    for (;;) {
        const ssize_t r = ::recv(fd_, buf_.data() + end_, buf_.size() - end_, MSG_DONTWAIT);
        if (r > 0) {
            end_ += static_cast<size_t>(r);
            return true;
        }
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            return true; // EOF or an error: next() reports it at once
        }
        if (now_ns() >= until) {
            return false;
        }
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

std::optional<Frame> FrameReader::next(std::string& err) {
    err.clear();
    bool eof = false;
    if (!fill(4, eof)) {
        if (!eof) {
            err = errno != 0 ? std::string("read failed: ") + std::strerror(errno)
                             : std::string("stream ended inside a length prefix");
        }
        return std::nullopt;
    }
    const uint8_t* p = buf_.data() + pos_;
    const uint32_t len = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    if (len < kHeaderBytes || len > kMaxBody) {
        err = "frame length " + std::to_string(len) + " outside " + std::to_string(kHeaderBytes) +
              ".." + std::to_string(kMaxBody);
        return std::nullopt;
    }
    if (!fill(4 + len, eof)) {
        err = "stream ended inside a frame of " + std::to_string(len) + " bytes";
        return std::nullopt;
    }
    const uint8_t* body = buf_.data() + pos_ + 4;
    Frame f;
    f.version = body[0];
    f.type = static_cast<FrameType>(body[1]);
    f.request_id = 0;
    for (int i = 0; i < 8; ++i) {
        f.request_id |= static_cast<uint64_t>(body[4 + i]) << (8 * i);
    }
    f.payload.assign(body + kHeaderBytes, body + len);
    pos_ += 4 + len;
    if (pos_ == end_) {
        pos_ = end_ = 0;
    }
    return f;
}

bool write_all(int fd, const std::vector<uint8_t>& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
        // MSG_NOSIGNAL: a closed peer is an error value, not SIGPIPE.
        const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        off += static_cast<size_t>(n);
    }
    return true;
}

} // namespace sniper::signer
