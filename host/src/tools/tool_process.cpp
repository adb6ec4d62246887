#include "tools/tool_process.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sniper::tools {
namespace {

namespace fs = std::filesystem;

std::string resolve_program(const ToolManifest& m) {
    const std::string& prog = m.command.at(0);
    if (prog.find('/') != std::string::npos) {
        const fs::path p(prog);
        return (p.is_absolute() ? p : m.working_dir / p).lexically_normal().string();
    }
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        const size_t colon = dirs.find(':');
        const std::string_view d = dirs.substr(0, colon);
        if (!d.empty()) {
            const std::string candidate = std::string(d) + "/" + prog;
            if (::access(candidate.c_str(), X_OK) == 0) {
                return candidate;
            }
        }
        if (colon == std::string_view::npos) {
            break;
        }
        dirs.remove_prefix(colon + 1);
    }
    return {};
}

void close_all(std::initializer_list<int> fds) {
    for (int fd : fds) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

struct ProcEntry {
    pid_t pid = 0;
    char state = '?';
    pid_t ppid = 0;
    pid_t pgrp = 0;
};

// Every process of process group `pgid`, from /proc.
std::vector<ProcEntry> group_members(pid_t pgid) {
    std::vector<ProcEntry> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream f(entry.path() / "stat");
        std::string stat;
        if (!std::getline(f, stat)) {
            continue;
        }
        const size_t close = stat.rfind(')');
        if (close == std::string::npos || close + 2 >= stat.size()) {
            continue;
        }
        ProcEntry e;
        e.pid = static_cast<pid_t>(std::stol(name));
        char st = '?';
        long ppid = 0;
        long pgrp = 0;
        if (std::sscanf(stat.c_str() + close + 2, "%c %ld %ld", &st, &ppid, &pgrp) != 3) {
            continue;
        }
        e.state = st;
        e.ppid = static_cast<pid_t>(ppid);
        e.pgrp = static_cast<pid_t>(pgrp);
        if (e.pgrp == pgid) {
            out.push_back(e);
        }
    }
    return out;
}

} // namespace

void become_subreaper() {
    static const bool done = [] {
        ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        return true;
    }();
    (void)done;
}

std::vector<std::string> tool_environment(const ToolManifest& m) {
    std::vector<std::string> env;
    for (const std::string& name : m.env) {
        if (name.rfind("SNIPER_", 0) == 0) {
            continue; // refused at load as well; never pass one on
        }
        if (const char* v = std::getenv(name.c_str())) {
            env.push_back(name + "=" + v);
        }
    }
    return env;
}

SpawnedProcess spawn_tool_process(const ToolManifest& m, const std::vector<std::string>& env) {
    SpawnedProcess out;
    const std::string program = resolve_program(m);
    if (program.empty()) {
        out.error = "command[0] \"" + m.command.at(0) + "\" not found in PATH";
        return out;
    }
    int in_sock[2] = {-1, -1};
    int out_pipe[2] = {-1, -1};
    int err_pipe[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_sock) != 0 ||
        ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        out.error = std::string("cannot make pipes: ") + std::strerror(errno);
        close_all({in_sock[0], in_sock[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]});
        return out;
    }
    std::vector<std::string> args = m.command;
    std::vector<char*> argv;
    for (std::string& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<std::string> env_copy = env;
    std::vector<char*> envp;
    for (std::string& e : env_copy) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&fa, in_sock[1], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    const std::string wd = m.working_dir.string();
    posix_spawn_file_actions_addchdir_np(&fa, wd.c_str());
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr,
                                  &all); // the host ignores SIGPIPE; the tool must not inherit that
    posix_spawnattr_setpgroup(&attr, 0); // its own group: killed as one
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program.c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close_all({in_sock[1], out_pipe[1], err_pipe[1]});
    if (rc != 0) {
        out.error = "cannot start " + program + ": " + std::strerror(rc);
        close_all({in_sock[0], out_pipe[0], err_pipe[0]});
        return out;
    }
    out.pid = pid;
    out.stdin_fd = in_sock[0];
    out.stdout_fd = out_pipe[0];
    out.stderr_fd = err_pipe[0];
    return out;
}

int kill_and_reap(pid_t pid) {
    if (pid <= 0) {
        return -1;
    }
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL); // in case it left its group
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            status = -1;
            break;
        }
    }
    // What the tool forked died with it (SIGKILL to the group); as we are a
    // subreaper those orphans are now our children: reap them too. Bounded:
    // a process stuck in the kernel is left to its fate after 500 ms.
    const pid_t self = ::getpid();
    for (int round = 0; round < 250; ++round) {
        bool waiting = false;
        for (const ProcEntry& e : group_members(pid)) {
            if (e.ppid == self) {
                if (::waitpid(e.pid, nullptr, WNOHANG) == 0) {
                    waiting = true;
                }
            } else if (e.state != 'Z') {
                ::kill(e.pid, SIGKILL);
                waiting = true; // still dying, or not reparented yet
            }
        }
        if (!waiting) {
            break;
        }
        ::usleep(2000);
    }
    return status;
}

} // namespace sniper::tools
