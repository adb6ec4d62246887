// solana/codec_error.hpp — how the transaction codec reports an expected
// failure: a byte offset (for parsing: where in the input; for building:
// 0 or the size reached) and a message saying what was expected and what
// was found. `Result<T>` carries either a value or such an error.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace sniper::solana {

struct CodecError {
    size_t offset = 0;
    std::string message;
    // "byte 67: expected …, found …" (parse errors) or the bare message.
    bool has_offset = false;
    std::string to_string() const {
        return has_offset ? "byte " + std::to_string(offset) + ": " + message : message;
    }
};

inline CodecError codec_error_at(size_t offset, std::string message) {
    return CodecError{offset, std::move(message), true};
}
inline CodecError codec_error(std::string message) { return CodecError{0, std::move(message), false}; }

template <class T> class Result {
  public:
    Result(T v) : v_(std::move(v)) {}
    Result(CodecError e) : v_(std::move(e)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const CodecError& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, CodecError> v_;
};

} // namespace sniper::solana
