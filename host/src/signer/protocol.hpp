// signer/protocol.hpp — the wire protocol between sniperd and sniper-signer
// over their socketpair (docs/signer-protocol.md is the reference): length-
// prefixed binary frames, little-endian, one request and one answer at a
// time. A frame is
//
//   u32 body_len | u8 version | u8 type | u16 reserved (0) | u64 request_id | payload
//
// body_len counts everything after itself (12 header bytes + payload) and
// is at most kMaxBody. The reason codes (3000-3999) are a registry: never
// renumbered, append only (docs/error-codes.md).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sniper::signer {

constexpr uint8_t kProtocolVersion = 1;
constexpr size_t kHeaderBytes = 12;  // after the u32 length
constexpr size_t kMaxBody = 4096;    // a 1232-byte message fits many times over
constexpr size_t kMaxMessageBytes = 1232; // Solana's packet limit for a transaction
// After an answer the signer busy-polls this long for the next request
// before it sleeps; a client that asks again within that window busy-polls
// for its answer too (FrameReader::spin_readable). Not part of the wire
// format: a timing both ends agree on.
constexpr int64_t kSignerSpinAfterAnswerNs = 50'000;

enum class FrameType : uint8_t {
    Invalid = 0,
    Hello = 1,      // client -> signer: empty
    HelloOk = 2,    // signer -> client: wallet, caps, today's total
    Sign = 3,       // client -> signer: SignRequest
    SignResult = 4, // signer -> client: SignResult
    State = 5,      // client -> signer: u8 trading state (SNP_TRADING_*)
    StateOk = 6,    // signer -> client: empty
    Error = 7,      // signer -> client: a frame it could not read (code, detail)
};

// Why a request was refused; 0 = signed. The numbers are published.
enum class Reason : uint16_t {
    None = 0,
    MalformedRequest = 3001,      // a frame or payload it could not read
    UnparseableMessage = 3002,    // the message bytes are not a valid legacy/v0 message
    OversizeMessage = 3003,       // the message cannot fit a 1232-byte transaction
    FeePayerNotWallet = 3004,     // account 0 is not the signer's wallet
    ProgramNotAllowed = 3005,     // an instruction calls a program outside the allowlist
    UnboundedOutflow = 3006,      // an instruction could move the wallet's lamports by an amount it cannot bound
    TxCapExceeded = 3007,         // outflow bound > per-transaction cap
    DayCapExceeded = 3008,        // today's signed outflow + this bound > per-UTC-day cap
    EarlierMessageCanLand = 3009, // a different message for the intent whose earlier one has not expired
    ResignLimit = 3010,           // the intent has used its re-signs
    Halted = 3011,                // the host reports HALTED
    JournalFailed = 3012,         // the decision could not be made durable: nothing signed
    UnsupportedVersion = 3013,    // frame version is not kProtocolVersion
    UnknownType = 3014,           // frame type the signer does not serve
    StartFailed = 3015,           // the signer could not start (key, journal, arguments)
};
const char* reason_name(Reason r);

struct SignRequest {
    uint64_t intent_id = 0;
    uint8_t host_state = 0;                   // SNP_TRADING_*; 3 = HALTED
    uint64_t last_valid_block_height = 0;     // of this message's blockhash (journaled)
    uint64_t earlier_last_valid_block_height = 0; // of the intent's earlier message's blockhash; 0 = none
    uint64_t current_block_height = 0;
    std::vector<uint8_t> message; // the message bytes (what is signed), <= kMaxMessageBytes
};

struct SignResult {
    Reason reason = Reason::None;
    uint64_t outflow_lamports = 0;           // the bound computed (0 when it could not be)
    std::array<uint8_t, 64> signature{};     // all zero when refused
    std::string detail;                      // for people; empty when signed
    bool signed_ok() const { return reason == Reason::None; }
};

struct HelloOk {
    std::array<uint8_t, 32> wallet{};
    uint64_t max_tx_lamports = 0;
    uint64_t max_day_lamports = 0;
    uint64_t day_signed_lamports = 0;
    uint32_t max_resigns = 0;
};

struct ErrorFrame {
    Reason reason = Reason::MalformedRequest;
    std::string detail;
};

// A decoded frame header plus its payload bytes.
struct Frame {
    uint8_t version = 0;
    FrameType type = FrameType::Invalid;
    uint64_t request_id = 0;
    std::vector<uint8_t> payload;
};

// Encoders: a whole frame, length prefix included.
std::vector<uint8_t> encode_frame(FrameType type, uint64_t request_id,
                                  const std::vector<uint8_t>& payload);
std::vector<uint8_t> encode_sign_request(uint64_t request_id, const SignRequest& r);
std::vector<uint8_t> encode_sign_result(uint64_t request_id, const SignResult& r);
std::vector<uint8_t> encode_hello_ok(uint64_t request_id, const HelloOk& h);
std::vector<uint8_t> encode_state(uint64_t request_id, uint8_t trading_state);
std::vector<uint8_t> encode_error(uint64_t request_id, const ErrorFrame& e);

// Payload decoders: nullopt when the payload has the wrong length or a
// field is out of range; `err` says which.
std::optional<SignRequest> decode_sign_request(const std::vector<uint8_t>& p, std::string& err);
std::optional<SignResult> decode_sign_result(const std::vector<uint8_t>& p, std::string& err);
std::optional<HelloOk> decode_hello_ok(const std::vector<uint8_t>& p, std::string& err);
std::optional<ErrorFrame> decode_error(const std::vector<uint8_t>& p, std::string& err);

// Blocking frame I/O on a stream socket. read_frame returns nullopt on EOF
// (`err` empty) or on an unreadable length prefix / I/O error (`err` set);
// a frame with a readable length but a bad version or type is returned as
// is, for the caller to answer. write_all returns false on error.
std::optional<Frame> read_frame(int fd, std::string& err);
bool write_all(int fd, const std::vector<uint8_t>& bytes);

// read_frame through a buffer: one read() per frame in the common case (a
// frame is sent with one send()) instead of two, same results and errors.
// Bytes of a following frame are kept for the next call.
class FrameReader {
  public:
    explicit FrameReader(int fd) : fd_(fd) {}
    std::optional<Frame> next(std::string& err);
    // True when bytes of a next frame are already in the buffer (no need
    // to poll the socket before calling next()).
    bool buffered() const { return end_ > pos_; }
    // Busy-polls the socket without blocking for up to `spin_ns`: true as
    // soon as bytes (or EOF, or an error) are there, so next() will not
    // block; false when the time ran out with nothing. A thread asleep in
    // poll() takes 10-20 us to be woken on a small VM, more than the rest of
    // a sign round trip; both ends spin briefly before they sleep.
    bool spin_readable(int64_t spin_ns);

  private:
    // Until `need` unread bytes are buffered; false on EOF (`eof_at_start`
    // when no unread byte was buffered) or a read error (errno set).
    bool fill(size_t need, bool& eof_at_start);
    int fd_;
    std::array<uint8_t, 4 + kMaxBody> buf_{};
    size_t pos_ = 0; // first unread byte
    size_t end_ = 0; // one past the last byte read
};

} // namespace sniper::signer
