// sniper-signer: holds the wallet key and signs what its policy allows, for
// the sniperd that started it, over the socketpair it inherited. Started
// only by SignerClient (see signer_client.hpp for the command line). It
// exits when sniperd's end of the socket closes, or with sniperd
// (PR_SET_PDEATHSIG). docs/signer-protocol.md describes the protocol.
#include "core/log.hpp"
#include "signer/journal.hpp"
#include "signer/keystore.hpp"
#include "signer/policy.hpp"
#include "signer/protocol.hpp"
#include "signer/signer_service.hpp"
#include "solana/keypair.hpp"

#include <sodium.h>

#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using namespace sniper;
using namespace sniper::signer;

struct Args {
    int fd = 3;
    long parent = 0;
    std::string keypair;
    std::string key_env;
    std::string journal;
    uint64_t max_tx = 0;
    uint64_t max_day = 0;
    uint32_t max_resigns = 0;
    std::vector<solana::Pubkey> allow;
};

bool parse_u64(const char* s, uint64_t& out) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        return false;
    }
    out = v;
    return true;
}

std::string parse_args(int argc, char** argv, Args& a) {
    bool have_tx = false;
    bool have_day = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view k = argv[i];
        if (i + 1 >= argc) {
            return "missing value after " + std::string(k);
        }
        const char* v = argv[++i];
        uint64_t n = 0;
        if (k == "--fd" && parse_u64(v, n) && n <= 1024) {
            a.fd = static_cast<int>(n);
        } else if (k == "--parent" && parse_u64(v, n)) {
            a.parent = static_cast<long>(n);
        } else if (k == "--keypair") {
            a.keypair = v;
        } else if (k == "--key-env") {
            a.key_env = v;
        } else if (k == "--journal") {
            a.journal = v;
        } else if (k == "--max-tx-lamports" && parse_u64(v, n)) {
            a.max_tx = n;
            have_tx = true;
        } else if (k == "--max-day-lamports" && parse_u64(v, n)) {
            a.max_day = n;
            have_day = true;
        } else if (k == "--max-resigns" && parse_u64(v, n) && n <= 1000) {
            a.max_resigns = static_cast<uint32_t>(n);
        } else if (k == "--allow") {
            auto p = solana::pubkey_from_base58(v);
            if (!p) {
                return "--allow " + std::string(v) + " is not a base58 32-byte program id";
            }
            a.allow.push_back(*p);
        } else {
            return "unexpected argument " + std::string(k) + " " + v;
        }
    }
    if (a.keypair.empty() == a.key_env.empty()) {
        return "exactly one of --keypair PATH and --key-env NAME is required";
    }
    if (a.journal.empty() || !have_tx || !have_day) {
        return "--journal, --max-tx-lamports and --max-day-lamports are required";
    }
    return {};
}

// How long the key page may stay readable after an answer while no request
// comes: long enough for a burst (a buy and its re-sign, a flatten), short
// enough that an idle signer holds its key PROT_NONE.
constexpr int kRelockIdleMs = 1;

// True when `fd` has bytes (or EOF, or an error) within `ms`.
bool wait_readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    for (;;) {
        const int r = ::poll(&p, 1, ms);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        return r != 0;
    }
}

// Tell sniperd why we cannot serve, then exit.
[[noreturn]] void fail(int fd, const std::string& why) {
    log::error("signer", "cannot start", {{"error", why}});
    write_all(fd, encode_error(0, {Reason::StartFailed, why}));
    std::_Exit(1);
}

// Reads the key from the variable, then wipes the value in place and drops
// it, so neither this process's memory nor /proc/<pid>/environ keeps it.
solana::KeyLoad load_env_key(const std::string& name) {
    solana::KeyLoad k = solana::read_keypair_env(name);
    if (char* v = std::getenv(name.c_str())) {
        sodium_memzero(v, std::strlen(v));
    }
    ::unsetenv(name.c_str());
    return k;
}

} // namespace

int main(int argc, char** argv) {
    // Die with sniperd even if the socket is somehow kept open elsewhere.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // No core dumps, no ptrace attach, no /proc/<pid>/mem for others.
    ::prctl(PR_SET_DUMPABLE, 0);
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::umask(077);
    std::signal(SIGPIPE, SIG_IGN);

    Args a;
    const std::string arg_err = parse_args(argc, argv, a);
    if (!arg_err.empty()) {
        fail(a.fd, arg_err);
    }
    if (a.parent != 0 && ::getppid() != a.parent) {
        std::_Exit(1); // sniperd died before PR_SET_PDEATHSIG took hold
    }
    if (sodium_init() < 0) {
        fail(a.fd, "libsodium failed to initialize");
    }
    solana::KeyLoad key = a.keypair.empty() ? load_env_key(a.key_env) : solana::read_keypair_file(a.keypair);
    if (!key.ok()) {
        fail(a.fd, key.error);
    }
    std::string err;
    auto keys = Keystore::create(std::move(*key.key), err);
    key.key.reset();
    if (!keys) {
        fail(a.fd, err);
    }
    if (!keys->locked_in_ram()) {
        log::warn("signer", "the key could not be locked in RAM (RLIMIT_MEMLOCK); it may be swapped");
    }
    auto journal = Journal::open(a.journal, err);
    if (!journal) {
        fail(a.fd, err);
    }
    PolicyConfig pc;
    pc.wallet = keys->wallet();
    pc.extra_programs = a.allow;
    pc.max_tx_lamports = a.max_tx;
    pc.max_day_lamports = a.max_day;
    pc.max_resigns = a.max_resigns;
    SignerService service(Policy(pc), *keys, *journal, wall_now_ns);
    if (!service.load(err)) {
        fail(a.fd, err);
    }
    log::info("signer", "ready", {{"wallet", solana::to_base58(keys->wallet())},
                                  {"day_signed_lamports", service.day_signed_lamports()}});
    FrameReader reader(a.fd);
    bool answered = false;
    for (;;) {
        // After an answer, the next request of a burst (a re-sign, a
        // flatten's sells, a benchmark) usually follows within
        // microseconds: busy-poll for it a while, then sleep. The key page
        // is read-only from a signature until the signer has been idle for
        // kRelockIdleMs after answering; then PROT_NONE again (keystore.hpp
        // says why not inside sign()).
        if (!reader.buffered() && !(answered && reader.spin_readable(kSignerSpinAfterAnswerNs)) &&
            keys->readable() && !wait_readable(a.fd, kRelockIdleMs) && !keys->relock()) {
            log::error("signer", "cannot make the key page PROT_NONE again: exiting");
            return 1;
        }
        answered = false;
        auto f = reader.next(err);
        if (!f) {
            if (!err.empty()) {
                log::error("signer", "unreadable frame: closing", {{"error", err}});
                return 1;
            }
            return 0; // sniperd closed its end
        }
        if (!write_all(a.fd, service.handle(*f))) {
            return 0; // sniperd is gone
        }
        answered = true;
    }
}
