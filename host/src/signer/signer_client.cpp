#include "signer/signer_client.hpp"

#include "config/config.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <chrono>
#include <filesystem>
#include <thread>

namespace sniper::signer {

namespace {

// A sign takes the signer some tens of microseconds. While the signer is
// awake (its last answer is less than kSignerSpinAfterAnswerNs old, less a
// margin), the client busy-polls this long for the answer before it sleeps
// in poll(): a wake-up from poll costs 10-30 us on a small VM. To an idle
// signer it does not: spinning while the other vCPU wakes from halt slowed
// that wake-up several-fold on the benchmark VM (docs/signer-protocol.md).
constexpr int64_t kAnswerSpinNs = 300'000;
constexpr int64_t kSignerAwakeNs = kSignerSpinAfterAnswerNs * 3 / 4;

int64_t mono_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

bool wait_readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    for (;;) {
        const int r = ::poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        return r > 0;
    }
}

// Reaps the child, killing it if it does not exit within `ms`.
void reap(pid_t pid, int ms) {
    for (int waited = 0; waited < ms; waited += 5) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

} // namespace

std::string default_signer_executable() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) {
        return "sniper-signer";
    }
    return (self.parent_path() / "sniper-signer").string();
}

SignerLaunch signer_launch_from_config(const Config& cfg, std::string executable) {
    SignerLaunch l;
    l.executable = std::move(executable);
    l.keypair_path = cfg.signer.keypair_path;
    l.key_env = cfg.signer.secret_env;
    l.journal_path = cfg.signer_journal_path();
    l.max_tx_lamports = cfg.signer.max_tx_lamports;
    l.max_day_lamports = cfg.signer.max_day_lamports;
    l.max_resigns = cfg.signer.max_resigns;
    l.allow_programs = cfg.signer.allow_programs;
    return l;
}

void scrub_env_var(const std::string& name) {
    if (char* v = std::getenv(name.c_str())) {
        sodium_memzero(v, std::strlen(v));
    }
    ::unsetenv(name.c_str());
}

std::unique_ptr<SignerClient> SignerClient::start(const SignerLaunch& l, std::string& err) {
    if (l.keypair_path.empty() == l.key_env.empty()) {
        err = "signer: exactly one of a keypair path and a key variable is needed";
        return nullptr;
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        err = std::string("signer: socketpair: ") + std::strerror(errno);
        return nullptr;
    }
    // Everything the child needs is built before fork: after it, only
    // async-signal-safe calls (the daemon may have threads).
    std::vector<std::string> args{l.executable, "--fd", "3", "--parent", std::to_string(::getpid())};
    if (!l.keypair_path.empty()) {
        args.insert(args.end(), {"--keypair", l.keypair_path});
    } else {
        args.insert(args.end(), {"--key-env", l.key_env});
    }
    args.insert(args.end(), {"--journal", l.journal_path, "--max-tx-lamports", std::to_string(l.max_tx_lamports),
                             "--max-day-lamports", std::to_string(l.max_day_lamports), "--max-resigns",
                             std::to_string(l.max_resigns)});
    for (const auto& p : l.allow_programs) {
        args.insert(args.end(), {"--allow", p});
    }
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) {
        err = std::string("signer: fork: ") + std::strerror(errno);
        ::close(sv[0]);
        ::close(sv[1]);
        return nullptr;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (sv[1] == 3) {
            ::fcntl(3, F_SETFD, 0);
        } else if (::dup2(sv[1], 3) < 0) {
            ::_exit(127);
        }
        ::close_range(4, ~0U, 0);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(sv[1]);
    if (!l.key_env.empty()) {
        scrub_env_var(l.key_env); // the child has its copy; ours goes now
    }
    std::unique_ptr<SignerClient> c(new SignerClient());
    c->fd_ = sv[0];
    c->reader_ = std::make_unique<FrameReader>(sv[0]);
    c->pid_ = pid;
    c->timeout_ms_ = l.timeout_ms;
    auto f = c->raw_request(encode_frame(FrameType::Hello, 0, {}), err);
    if (!f) {
        err = "signer did not start (" + l.executable + "): " + err;
        return nullptr;
    }
    std::string derr;
    if (f->type == FrameType::Error) {
        auto e = decode_error(f->payload, derr);
        err = "signer refused to start: " + (e ? e->detail : derr);
        return nullptr;
    }
    auto h = f->type == FrameType::HelloOk ? decode_hello_ok(f->payload, derr) : std::nullopt;
    if (!h) {
        err = "signer: unexpected answer to hello: " + derr;
        return nullptr;
    }
    c->hello_ = *h;
    c->wallet_.bytes = h->wallet;
    return c;
}

SignerClient::~SignerClient() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    if (pid_ > 0) {
        reap(pid_, 3000);
    }
}

std::optional<Frame> SignerClient::read_answer(bool spin, std::string& err) {
    if (!reader_->buffered() && !(spin && reader_->spin_readable(kAnswerSpinNs)) &&
        !wait_readable(fd_, timeout_ms_)) {
        err = "no answer within " + std::to_string(timeout_ms_) + " ms";
        return std::nullopt;
    }
    auto f = reader_->next(err);
    if (!f) {
        err = "the signer closed the connection" + (err.empty() ? std::string() : " (" + err + ")");
    }
    last_answer_ns_ = mono_ns();
    return f;
}

std::optional<Frame> SignerClient::raw_request(const std::vector<uint8_t>& bytes, std::string& err,
                                               const std::function<void()>& meanwhile) {
    const bool signer_awake = mono_ns() - last_answer_ns_ < kSignerAwakeNs;
    if (!write_all(fd_, bytes)) {
        err = std::string("cannot write to the signer: ") + std::strerror(errno);
        return std::nullopt;
    }
    if (meanwhile) {
        meanwhile();
    }
    return read_answer(signer_awake, err);
}

std::optional<SignResult> SignerClient::sign(const SignRequest& req, std::string& err,
                                             const std::function<void()>& meanwhile) {
    const uint64_t id = next_request_id_++;
    auto f = raw_request(encode_sign_request(id, req), err, meanwhile);
    if (!f) {
        return std::nullopt;
    }
    if (f->request_id != id) {
        err = "answer for request " + std::to_string(f->request_id) + ", expected " + std::to_string(id);
        return std::nullopt;
    }
    if (f->type == FrameType::Error) {
        auto e = decode_error(f->payload, err);
        if (e) {
            err = std::string(reason_name(e->reason)) + ": " + e->detail;
        }
        return std::nullopt;
    }
    if (f->type != FrameType::SignResult) {
        err = "unexpected frame type " + std::to_string(static_cast<int>(f->type));
        return std::nullopt;
    }
    return decode_sign_result(f->payload, err);
}

bool SignerClient::set_trading_state(uint8_t state, std::string& err) {
    const uint64_t id = next_request_id_++;
    auto f = raw_request(encode_state(id, state), err);
    if (!f) {
        return false;
    }
    if (f->type != FrameType::StateOk || f->request_id != id) {
        err = "state not acknowledged";
        return false;
    }
    return true;
}

} // namespace sniper::signer
