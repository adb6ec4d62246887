// The key stays in the signer: a process that starts the signer the way
// sniperd does holds no copy of it in memory, logs or journal; the signer
// dies with its parent and leaves when the socket closes; core dumps are
// off in the signer, and an unprivileged process can neither ptrace it nor
// read its memory.
#include "signer_test_util.hpp"

#include "solana/base58.hpp"
#include "solana/system_program.hpp"

#include <catch2/catch.hpp>

#include <sodium.h>

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

extern char** environ;

using namespace sniper;
using namespace sniper::signer;
using signer_test::TempDir;

namespace {

// A marker the probe keeps in its memory: the scan must find it, which
// shows the scan can see the probe's heap and data.
std::array<uint8_t, 32> probe_marker() {
    std::array<uint8_t, 32> m{};
    const char text[] = "sniper signer probe memory marker";
    crypto_hash_sha256(m.data(), reinterpret_cast<const unsigned char*>(text), sizeof text - 1);
    return m;
}

bool process_gone(pid_t pid) {
    const std::string stat = signer_test::read_file("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty()) {
        return true;
    }
    const size_t paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X');
}

struct ScanResult {
    uint64_t bytes_scanned = 0;
    std::vector<std::string> found; // names of needles found
    std::string where;              // "name in <maps line>" for each hit, for failure messages
};

// Reads every readable mapping of `pid` (skipping reservations over 512 MiB,
// such as sanitizer shadow memory) and looks for each needle.
ScanResult scan_memory(pid_t pid, const std::vector<std::pair<std::string, std::string>>& needles) {
    ScanResult r;
    const std::string maps = signer_test::read_file("/proc/" + std::to_string(pid) + "/maps");
    const int mem = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY);
    REQUIRE(mem >= 0);
    std::istringstream lines(maps);
    std::string line;
    std::vector<char> buf;
    while (std::getline(lines, line)) {
        unsigned long lo = 0;
        unsigned long hi = 0;
        char perms[8] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r') {
            continue;
        }
        if (hi - lo > (512UL << 20) || line.find("[vvar") != std::string::npos) {
            continue;
        }
        buf.resize(hi - lo);
        const ssize_t n = ::pread(mem, buf.data(), buf.size(), static_cast<off_t>(lo));
        if (n <= 0) {
            continue;
        }
        r.bytes_scanned += static_cast<uint64_t>(n);
        const std::string_view hay(buf.data(), static_cast<size_t>(n));
        for (const auto& [name, needle] : needles) {
            if (hay.find(needle) != std::string_view::npos) {
                r.where += name + " in " + line + "\n";
                if (std::find(r.found.begin(), r.found.end(), name) == r.found.end()) {
                    r.found.push_back(name);
                }
            }
        }
    }
    ::close(mem);
    return r;
}

std::string bytes_of(const uint8_t* p, size_t n) { return std::string(reinterpret_cast<const char*>(p), n); }

// Starts this test binary as the probe (a fresh process image, so it never
// held the key) with `extra_env`, its stdout on a pipe and stderr in `log`.
struct Probe {
    pid_t pid = -1;
    int out = -1; // probe's stdout
    int in = -1;  // probe's stdin
};

Probe start_probe(const std::vector<std::string>& extra_env, const std::string& log) {
    int out_pipe[2];
    int in_pipe[2];
    REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0); // dup2 below clears it on 0 and 1
    REQUIRE(::pipe2(in_pipe, O_CLOEXEC) == 0);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        env_strings.emplace_back(*e);
    }
    env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> envp;
    for (auto& s : env_strings) {
        envp.push_back(s.data());
    }
    envp.push_back(nullptr);
    std::string exe = "/proc/self/exe";
    std::string arg0 = "test_signer";
    std::string arg1 = "signer probe process";
    char* argv[] = {arg0.data(), arg1.data(), nullptr};
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(log_fd >= 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(log_fd, 2);
        ::execve(exe.c_str(), argv, envp.data());
        ::_exit(127);
    }
    ::close(log_fd);
    ::close(out_pipe[1]);
    ::close(in_pipe[0]);
    return Probe{pid, out_pipe[0], in_pipe[1]};
}

std::string read_line(int fd) {
    std::string line;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n') {
        line.push_back(c);
    }
    return line;
}

void check_no_key_in_probe(bool env_mode) {
    TempDir dir;
    solana::SecretKey key = solana::generate_keypair();
    const std::string key_path = dir.file("id.json");
    REQUIRE(solana::write_keypair_file(key_path, key).empty());
    const std::string b58 = solana::base58_encode(key.data(), 64);
    std::vector<std::string> env{"SNIPER_PROBE_DIR=" + dir.path(), "SNIPER_PROBE_SIGNER=" + signer_test::signer_exe()};
    if (env_mode) {
        env.push_back("SNIPER_PROBE_SECRET=" + b58);
    } else {
        env.push_back("SNIPER_PROBE_KEYFILE=" + key_path);
    }
    const std::string log = dir.file("probe.log");
    Probe p = start_probe(env, log);
    std::string ready;
    for (int i = 0; i < 50 && ready.rfind("ready ", 0) != 0; ++i) { // Catch prints its own lines first
        ready = read_line(p.out);
    }
    INFO("probe said: " << ready << " / log: " << signer_test::read_file(log));
    REQUIRE(ready.rfind("ready ", 0) == 0);
    const pid_t signer_pid = static_cast<pid_t>(std::stol(ready.substr(6)));

    const auto marker = probe_marker();
    const std::string json = solana::keypair_json(key);
    const ScanResult r = scan_memory(p.pid, {{"marker", bytes_of(marker.data(), 32)},
                                             {"seed", bytes_of(key.seed(), 32)},
                                             {"secret64", bytes_of(key.data(), 64)},
                                             {"base58 secret", b58},
                                             {"json key", json}});
    INFO("scanned " << r.bytes_scanned << " bytes; hits:\n" << r.where);
    CHECK(r.bytes_scanned > (1u << 20));
    CHECK(std::find(r.found.begin(), r.found.end(), "marker") != r.found.end()); // the scan works
    CHECK(std::find(r.found.begin(), r.found.end(), "seed") == r.found.end());
    CHECK(std::find(r.found.begin(), r.found.end(), "secret64") == r.found.end());
#if defined(__SANITIZE_ADDRESS__)
    // The AddressSanitizer runtime reads /proc/self/environ into its own
    // anonymous mapping before main runs, so a variable passed at exec is
    // in a sanitized process's memory whatever the program does (checked:
    // a 13-page anonymous mapping, present in a five-line program too). The
    // plain build checks this; here only the raw key bytes are checked.
    if (!env_mode) {
        CHECK(std::find(r.found.begin(), r.found.end(), "base58 secret") == r.found.end());
    }
#else
    CHECK(std::find(r.found.begin(), r.found.end(), "base58 secret") == r.found.end());
#endif
    CHECK(std::find(r.found.begin(), r.found.end(), "json key") == r.found.end());
    // The variable is gone from the probe's environment too.
    const std::string environ_text = signer_test::read_file("/proc/" + std::to_string(p.pid) + "/environ");
    // (/proc/<pid>/environ shows the start-up block: the name stays there,
    // the value must have been wiped.)
    CHECK(environ_text.find(b58) == std::string::npos);
    CHECK(environ_text.find(b58.substr(0, 16)) == std::string::npos);
    if (const size_t at = environ_text.find("SNIPER_PROBE_SECRET="); at != std::string::npos) {
        const std::string value = environ_text.substr(at + 20, b58.size());
        CHECK(value == std::string(b58.size(), '\0'));
    }

    // The signer itself: no core files, not dumpable.
    const std::string limits = signer_test::read_file("/proc/" + std::to_string(signer_pid) + "/limits");
    CHECK(limits.find("Max core file size        0                    0") != std::string::npos);

    ::close(p.in); // the probe exits, and its signer with it
    int status = 0;
    REQUIRE(::waitpid(p.pid, &status, 0) == p.pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    ::close(p.out);

    // Logs (the probe's and the signer's stderr) and the journal.
    const std::string log_text = signer_test::read_file(log);
    CHECK(log_text.find("\"msg\":\"ready\"") != std::string::npos);
    const std::string journal = signer_test::read_file(dir.file("signer.sqlite")) +
                                signer_test::read_file(dir.file("signer.sqlite-wal"));
    CHECK(journal.size() > 0);
    for (const std::string* text : {&log_text, &journal}) {
        CHECK(text->find(bytes_of(key.seed(), 32)) == std::string::npos);
        CHECK(text->find(b58) == std::string::npos);
        CHECK(text->find(json.substr(0, 40)) == std::string::npos);
    }
}

} // namespace

// Not a test on its own (hidden): the process the memory tests scan. It
// starts the signer through SignerClient, as sniperd does, signs once,
// says "ready <signer pid>", and waits for stdin to close.
TEST_CASE("signer probe process", "[.probe]") {
    static volatile uint8_t marker[32];
    const auto m = probe_marker();
    for (size_t i = 0; i < 32; ++i) {
        marker[i] = m[i];
    }
    CHECK(marker[0] == m[0]);
    const char* dir = std::getenv("SNIPER_PROBE_DIR");
    REQUIRE(dir != nullptr);
    SignerLaunch l;
    l.executable = std::getenv("SNIPER_PROBE_SIGNER");
    if (const char* f = std::getenv("SNIPER_PROBE_KEYFILE")) {
        l.keypair_path = f;
    } else {
        l.key_env = "SNIPER_PROBE_SECRET";
    }
    l.journal_path = std::string(dir) + "/signer.sqlite";
    l.max_tx_lamports = 1'000'000'000;
    l.max_day_lamports = 1'000'000'000;
    l.max_resigns = 1;
    std::string err;
    auto client = SignerClient::start(l, err);
    INFO(err);
    REQUIRE(client);
    const auto msg = signer_test::message_bytes(
        client->wallet(), {solana::system_transfer(client->wallet(), signer_test::key_n(1), 1000)});
    auto r = client->sign(signer_test::request(1, msg), err);
    REQUIRE(r.has_value());
    REQUIRE(r->signed_ok());
    std::printf("ready %d\n", static_cast<int>(client->pid()));
    std::fflush(stdout);
    char c;
    while (::read(0, &c, 1) > 0) {
    }
}

TEST_CASE("the key is nowhere in a process that started the signer from a key file", "[signer][isolation]") {
    check_no_key_in_probe(false);
}

TEST_CASE("the key is nowhere in a process that started the signer from a key variable", "[signer][isolation]") {
    check_no_key_in_probe(true);
}

TEST_CASE("the signer exits when its parent is killed with SIGKILL", "[signer][isolation]") {
    TempDir dir;
    const std::string key = signer_test::make_key_file(dir, "id.json", nullptr);
    const SignerLaunch launch = signer_test::launch_for(dir, key);
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    const pid_t parent = ::fork();
    REQUIRE(parent >= 0);
    if (parent == 0) {
        ::close(pipefd[0]);
        std::string err;
        auto c = SignerClient::start(launch, err);
        const int pid = c ? static_cast<int>(c->pid()) : -1;
        (void)!::write(pipefd[1], &pid, sizeof pid);
        for (;;) {
            ::pause();
        }
    }
    ::close(pipefd[1]);
    int signer_pid = -1;
    REQUIRE(::read(pipefd[0], &signer_pid, sizeof signer_pid) == static_cast<ssize_t>(sizeof signer_pid));
    ::close(pipefd[0]);
    REQUIRE(signer_pid > 0);
    CHECK_FALSE(process_gone(signer_pid));
    REQUIRE(::kill(parent, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(parent, &status, 0) == parent);
    bool gone = false;
    for (int i = 0; i < 500 && !gone; ++i) {
        gone = process_gone(signer_pid);
        if (!gone) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    CHECK(gone);
}

TEST_CASE("the signer exits when sniperd's end of the socket closes", "[signer][isolation]") {
    TempDir dir;
    const std::string key = signer_test::make_key_file(dir, "id.json", nullptr);
    std::string err;
    auto c = SignerClient::start(signer_test::launch_for(dir, key), err);
    REQUIRE(c);
    const pid_t pid = c->pid();
    const auto t0 = std::chrono::steady_clock::now();
    c.reset(); // closes the socket, then reaps (SIGKILL only after 3 s)
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    CHECK(ms < 2000);
    CHECK(process_gone(pid));
}

// PR_SET_DUMPABLE 0: nobody but a privileged process attaches to the
// signer or reads its memory. Root bypasses that (CAP_SYS_PTRACE), so the
// check runs as an unprivileged user: a child of this test drops to
// `nobody`, starts the signer the way sniperd does (it is the signer's
// parent, which even a Yama ptrace_scope of 1 allows to attach), and tries
// PTRACE_ATTACH and /proc/<pid>/mem. The same child, on a process it
// exec'd without the prctl, succeeds at both: the refusal is the signer's.
TEST_CASE("an unprivileged parent can neither ptrace the signer nor read its memory", "[signer][isolation]") {
    if (::geteuid() != 0) {
        WARN("not run: needs root to drop to nobody (as a normal user the signer's user is the test's)");
        return;
    }
    TempDir dir;
    const uid_t nobody = 65534;
    const std::string key = signer_test::make_key_file(dir, "id.json", nullptr);
    REQUIRE(::chown(dir.path().c_str(), nobody, nobody) == 0);
    REQUIRE(::chown(key.c_str(), nobody, nobody) == 0);
    const SignerLaunch launch = signer_test::launch_for(dir, key);
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(pipefd[0]);
        // Results: [0] signer started (-1: nobody cannot run the build's
        // sniper-signer), [1] attach errno, [2] mem errno, [3] control
        // attach errno, [4] control mem errno (0 = it worked).
        int res[5] = {0, -1, -1, -1, -1};
        if (::setgroups(0, nullptr) != 0 || ::setgid(nobody) != 0 || ::setuid(nobody) != 0) {
            (void)!::write(pipefd[1], res, sizeof res);
            ::_exit(1);
        }
        if (::access(launch.executable.c_str(), X_OK) != 0) { // as nobody: the build directory's modes
            res[0] = -1;
            (void)!::write(pipefd[1], res, sizeof res);
            ::_exit(0);
        }
        std::string err;
        auto c = SignerClient::start(launch, err);
        if (c) {
            res[0] = 1;
            const auto try_attach = [](pid_t pid) {
                if (::ptrace(PTRACE_ATTACH, pid, nullptr, nullptr) == 0) {
                    int st = 0;
                    ::waitpid(pid, &st, __WALL);
                    ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
                    return 0;
                }
                return errno;
            };
            const auto try_mem = [](pid_t pid) {
                const int fd = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY);
                if (fd < 0) {
                    return errno;
                }
                ::close(fd);
                return 0;
            };
            res[1] = try_attach(c->pid());
            res[2] = try_mem(c->pid());
            // The control is dumpable only from its exec on (the setuid
            // above made this process non-dumpable): wait for the exec,
            // which closes the close-on-exec pipe.
            int exec_pipe[2];
            if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
                ::_exit(1);
            }
            const pid_t control = ::fork();
            if (control == 0) {
                ::close(exec_pipe[0]);
                ::execl("/bin/sleep", "sleep", "5", static_cast<char*>(nullptr));
                ::_exit(127);
            }
            ::close(exec_pipe[1]);
            char byte = 0;
            while (::read(exec_pipe[0], &byte, 1) < 0 && errno == EINTR) {
            }
            ::close(exec_pipe[0]);
            res[3] = try_attach(control);
            res[4] = try_mem(control);
            ::kill(control, SIGKILL);
            ::waitpid(control, nullptr, 0);
        } else {
            std::fprintf(stderr, "signer as nobody: %s\n", err.c_str());
        }
        (void)!::write(pipefd[1], res, sizeof res);
        c.reset();
        ::_exit(0);
    }
    ::close(pipefd[1]);
    int res[5] = {};
    const ssize_t got = ::read(pipefd[0], res, sizeof res);
    ::close(pipefd[0]);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(got == static_cast<ssize_t>(sizeof res));
    if (res[0] == -1) {
        WARN("not run: nobody cannot execute " << launch.executable << " (a build directory closed to others)");
        return;
    }
    REQUIRE(res[0] == 1); // the signer ran as nobody
    INFO("errno: attach " << res[1] << ", mem " << res[2] << "; control: attach " << res[3] << ", mem " << res[4]);
    if (res[3] != 0) {
        // Yama's ptrace_scope 2 or 3 forbids even a parent: nothing tells
        // the signer's refusal from the system's here.
        WARN("not run: this system refuses ptrace to unprivileged parents (errno " << res[3] << ")");
        return;
    }
    CHECK(res[4] == 0);
    CHECK(res[1] == EPERM);
    CHECK(res[2] == EACCES);
}
