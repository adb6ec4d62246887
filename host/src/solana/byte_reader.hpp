// solana/byte_reader.hpp — the bounds-checked cursor the wire parsers read
// through (internal to the codec). Every read checks the bytes left first;
// a failed read leaves an error naming the absolute byte offset, what was
// expected and what was found, and every later read fails too.
#pragma once

#include "solana/codec_error.hpp"
#include "solana/compact_u16.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace sniper::solana::detail {

class ByteReader {
  public:
    ByteReader(const uint8_t* data, size_t len, size_t base_offset)
        : data_(data), len_(len), base_(base_offset) {}

    size_t pos() const { return pos_; }
    size_t offset() const { return base_ + pos_; } // absolute
    size_t left() const { return len_ - pos_; }
    const uint8_t* here() const { return data_ + pos_; }
    bool failed() const { return err_.has_value(); }
    std::optional<CodecError>& error() { return err_; }

    void fail(std::string message) { fail_at(pos_, std::move(message)); }
    void fail_at(size_t pos, std::string message) {
        if (!err_) {
            err_ = codec_error_at(base_ + pos, std::move(message));
        }
    }

    bool u8(uint8_t& v, const char* what) {
        if (!need(1, what)) {
            return false;
        }
        v = data_[pos_++];
        return true;
    }

    bool compact_u16(uint16_t& v, const char* what) {
        if (failed()) {
            return false;
        }
        size_t used = 0;
        const CompactU16Error e = compact_u16_decode(data_ + pos_, left(), v, used);
        if (e != CompactU16Error::None) {
            fail(std::string("expected ") + what + " (compact-u16), found " + compact_u16_error_name(e));
            return false;
        }
        pos_ += used;
        return true;
    }

    // A count of items of `item_size` bytes each that must fit in what is left.
    bool count(uint16_t& n, size_t item_size, const char* what) {
        const size_t at = pos_;
        if (!compact_u16(n, what)) {
            return false;
        }
        if (static_cast<size_t>(n) * item_size > left()) {
            fail_at(at, std::string("expected ") + what + " that fits in the " + std::to_string(left()) +
                            " bytes left, found " + std::to_string(n) +
                            (item_size > 1 ? " (at least " + std::to_string(item_size) + " bytes each)" : ""));
            return false;
        }
        return true;
    }

    bool bytes(uint8_t* out, size_t n, const char* what) {
        if (!need(n, what)) {
            return false;
        }
        if (n == 0) {
            return true; // `out` may be an empty vector's null data()
        }
        std::memcpy(out, data_ + pos_, n);
        pos_ += n;
        return true;
    }

    bool skip(size_t n, const char* what) {
        if (!need(n, what)) {
            return false;
        }
        pos_ += n;
        return true;
    }

  private:
    bool need(size_t n, const char* what) {
        if (failed()) {
            return false;
        }
        if (n > left()) {
            fail(std::string("expected ") + what + " (" + std::to_string(n) + " bytes), found " +
                 std::to_string(left()) + " bytes left");
            return false;
        }
        return true;
    }

    const uint8_t* data_;
    size_t len_;
    size_t base_;
    size_t pos_ = 0;
    std::optional<CodecError> err_;
};

} // namespace sniper::solana::detail
