#include "solana/keypair.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sniper::solana {

namespace {

constexpr size_t kMaxKeyFileBytes = 4096; // 64 x "255," is 256 bytes; allow whitespace

bool init_sodium() {
    static const bool ok = sodium_init() >= 0;
    return ok;
}

// Wipes a buffer that held key text when it goes out of scope.
struct WipeOnExit {
    void* p;
    size_t n;
    ~WipeOnExit() { sodium_memzero(p, n); }
};

std::string errno_text(int e) { return std::strerror(e); }

// The stored public half must be the one the seed derives.
std::string check_public_half(const SecretKey& key, std::string_view what) {
    if (!init_sodium()) {
        return "libsodium failed to initialize";
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_seed_keypair(pk, sk, key.seed());
    sodium_memzero(sk, sizeof sk);
    if (sodium_memcmp(pk, key.data() + 32, 32) != 0) {
        return std::string(what) +
               ": the stored public key (bytes 32..63) is not the one derived from the seed "
               "(bytes 0..31); the key is corrupt or not an Ed25519 keypair";
    }
    return {};
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Parses "[n,n,...]" with exactly 64 integers 0..255 into `out`. Errors
// name the byte offset, never the values.
std::string parse_json_key(std::string_view text, SecretKey& out) {
    size_t i = 0;
    const auto skip = [&] {
        while (i < text.size() && is_space(text[i])) {
            ++i;
        }
    };
    skip();
    if (i >= text.size() || text[i] != '[') {
        return "expected '[' at byte " + std::to_string(i);
    }
    ++i;
    size_t count = 0;
    for (;;) {
        skip();
        if (count == 0 && i < text.size() && text[i] == ']') {
            break;
        }
        if (i >= text.size() || text[i] < '0' || text[i] > '9') {
            return "expected an integer 0..255 at byte " + std::to_string(i);
        }
        unsigned v = 0;
        size_t digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            v = v * 10 + static_cast<unsigned>(text[i] - '0');
            ++i;
            if (++digits > 3 || v > 255) {
                return "number out of range 0..255 before byte " + std::to_string(i);
            }
        }
        if (count >= SecretKey::kSize) {
            return "more than 64 numbers";
        }
        out.data()[count++] = static_cast<uint8_t>(v);
        v = 0;
        skip();
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        if (i < text.size() && text[i] == ']') {
            break;
        }
        return "expected ',' or ']' at byte " + std::to_string(i);
    }
    ++i; // ']'
    skip();
    if (i != text.size()) {
        return "unexpected text after ']' at byte " + std::to_string(i);
    }
    if (count != SecretKey::kSize) {
        return "expected 64 numbers, found " + std::to_string(count);
    }
    return {};
}

// Base58 decode into exactly 64 bytes without heap temporaries (so no
// unwiped copy of the secret is left in freed memory).
bool decode_secret_base58(std::string_view s, uint8_t (&out)[64]) {
    std::memset(out, 0, sizeof out);
    if (s.empty() || s.size() > 90) {
        return false;
    }
    size_t zeros = 0;
    while (zeros < s.size() && s[zeros] == '1') {
        ++zeros;
    }
    for (size_t i = zeros; i < s.size(); ++i) {
        int d = -1;
        constexpr std::string_view kAlphabet =
            "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        const size_t pos = kAlphabet.find(s[i]);
        if (pos != std::string_view::npos) {
            d = static_cast<int>(pos);
        }
        if (d < 0) {
            return false;
        }
        uint32_t carry = static_cast<uint32_t>(d);
        for (size_t j = 64; j-- > 0;) {
            const uint32_t v = static_cast<uint32_t>(out[j]) * 58u + carry;
            out[j] = static_cast<uint8_t>(v & 0xff);
            carry = v >> 8;
        }
        if (carry != 0) {
            return false; // more than 64 bytes
        }
    }
    size_t lead = 0;
    while (lead < 64 && out[lead] == 0) {
        ++lead;
    }
    return lead == zeros || (zeros == 64 && lead == 64);
}

} // namespace

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

SecretKey::SecretKey(SecretKey&& other) noexcept {
    std::memcpy(bytes_.data(), other.bytes_.data(), kSize);
    sodium_memzero(other.bytes_.data(), kSize);
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
    if (this != &other) {
        std::memcpy(bytes_.data(), other.bytes_.data(), kSize);
        sodium_memzero(other.bytes_.data(), kSize);
    }
    return *this;
}

Pubkey SecretKey::public_key() const {
    Pubkey k;
    std::memcpy(k.bytes.data(), bytes_.data() + 32, 32);
    return k;
}

KeyLoad read_keypair_file(const std::string& path) {
    KeyLoad r;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        r.error = "cannot open keypair file " + path + ": " + errno_text(errno);
        return r;
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        r.error = "cannot stat keypair file " + path + ": " + errno_text(errno);
        ::close(fd);
        return r;
    }
    if (!S_ISREG(st.st_mode)) {
        r.error = "keypair file " + path + " is not a regular file";
        ::close(fd);
        return r;
    }
    if (st.st_uid != ::geteuid()) {
        r.error = "keypair file " + path + " is owned by uid " + std::to_string(st.st_uid) +
                  ", not by the current user (uid " + std::to_string(::geteuid()) +
                  "); a key must belong to the user that uses it: chown it, then chmod 600 " +
                  path;
        ::close(fd);
        return r;
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        r.error = "permissions " + std::string(mode) + " for keypair file " + path +
                  " are too open: it must not be accessible by group or others; "
                  "fix with: chmod 600 " + path;
        ::close(fd);
        return r;
    }
    char buf[kMaxKeyFileBytes + 1];
    WipeOnExit wipe{buf, sizeof buf};
    size_t n = 0;
    while (n < sizeof buf) {
        const ssize_t got = ::read(fd, buf + n, sizeof buf - n);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            r.error = "cannot read keypair file " + path + ": " + errno_text(errno);
            ::close(fd);
            return r;
        }
        if (got == 0) {
            break;
        }
        n += static_cast<size_t>(got);
    }
    ::close(fd);
    if (n > kMaxKeyFileBytes) {
        r.error = "keypair file " + path + " is larger than " + std::to_string(kMaxKeyFileBytes) +
                  " bytes; expected a JSON array of 64 numbers";
        return r;
    }
    SecretKey key;
    if (std::string e = parse_json_key(std::string_view(buf, n), key); !e.empty()) {
        r.error = "keypair file " + path + " is not a Solana keypair (JSON array of 64 numbers "
                  "0..255): " + e;
        return r;
    }
    if (std::string e = check_public_half(key, "keypair file " + path); !e.empty()) {
        r.error = std::move(e);
        return r;
    }
    r.key.emplace(std::move(key));
    return r;
}

KeyLoad keypair_from_base58(std::string_view text, std::string_view what) {
    KeyLoad r;
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    uint8_t raw[64];
    WipeOnExit wipe{raw, sizeof raw};
    if (!decode_secret_base58(text, raw)) {
        r.error = std::string(what) + " is not a base58 64-byte secret key (expected 86-88 "
                  "base58 characters, found " + std::to_string(text.size()) + " characters)";
        return r;
    }
    SecretKey key;
    std::memcpy(key.data(), raw, 64);
    if (std::string e = check_public_half(key, what); !e.empty()) {
        r.error = std::move(e);
        return r;
    }
    r.key.emplace(std::move(key));
    return r;
}

KeyLoad read_keypair_env(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) {
        KeyLoad r;
        r.error = "environment variable " + name + " is not set";
        return r;
    }
    return keypair_from_base58(v, "environment variable " + name);
}

SecretKey generate_keypair() {
    if (!init_sodium()) {
        std::abort(); // no CSPRNG: never make a key from anything else
    }
    SecretKey key;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    // libsodium's secret key is seed || public key: the Solana layout.
    std::memcpy(key.data(), sk, 64);
    sodium_memzero(sk, sizeof sk);
    return key;
}

std::string keypair_json(const SecretKey& key) {
    std::string out;
    out.reserve(64 * 4 + 2);
    out.push_back('[');
    for (size_t i = 0; i < SecretKey::kSize; ++i) {
        if (i != 0) {
            out.push_back(',');
        }
        const unsigned v = key.data()[i];
        if (v >= 100) {
            out.push_back(static_cast<char>('0' + v / 100));
        }
        if (v >= 10) {
            out.push_back(static_cast<char>('0' + (v / 10) % 10));
        }
        out.push_back(static_cast<char>('0' + v % 10));
    }
    out.push_back(']');
    return out;
}

std::string write_keypair_file(const std::string& path, const SecretKey& key) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            return "refusing to overwrite existing file " + path;
        }
        return "cannot create keypair file " + path + ": " + errno_text(errno);
    }
    // The umask may have removed bits only; make the mode exact anyway.
    if (::fchmod(fd, 0600) != 0) {
        const int e = errno;
        ::close(fd);
        ::unlink(path.c_str());
        return "cannot chmod keypair file " + path + ": " + errno_text(e);
    }
    std::string text = keypair_json(key);
    size_t off = 0;
    std::string err;
    while (off < text.size()) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            err = "cannot write keypair file " + path + ": " + errno_text(errno);
            break;
        }
        off += static_cast<size_t>(n);
    }
    sodium_memzero(text.data(), text.size());
    if (err.empty() && ::fsync(fd) != 0) {
        err = "cannot fsync keypair file " + path + ": " + errno_text(errno);
    }
    ::close(fd);
    if (!err.empty()) {
        ::unlink(path.c_str());
    }
    return err;
}

} // namespace sniper::solana
