// tools/tool_process.hpp — starting and stopping one tool process: its own
// process group, a clean environment (only the variables the manifest names),
// stdin on a socket (writes never raise SIGPIPE in the host), stdout and
// stderr on pipes, every other descriptor closed. Stopping kills the whole
// group and reaps the process, so no zombie is left behind.
#pragma once

#include "tools/tool_manifest.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace sniper::tools {

struct SpawnedProcess {
    pid_t pid = -1;     // also the process group id
    int stdin_fd = -1;  // the host's end of the stdin socket
    int stdout_fd = -1; // read ends
    int stderr_fd = -1;
    std::string error; // set when pid < 0
};

// The environment a tool gets: NAME=value for each name in manifest.env
// that is set in the host's environment, nothing else.
std::vector<std::string> tool_environment(const ToolManifest& m);

SpawnedProcess spawn_tool_process(const ToolManifest& m, const std::vector<std::string>& env);

// SIGKILL to the whole process group, then waitpid on the leader and on
// the group's other processes that became ours (see become_subreaper).
// Returns the leader's wait status (or -1). Safe to call on a process that
// already exited but was not reaped yet.
int kill_and_reap(pid_t pid);

// Makes this process a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so
// that what a tool forks is reparented to us when the tool dies, and
// kill_and_reap can reap it instead of leaving zombies to an init that may
// not reap. Process-wide and once; the runner calls it. Note for the rest of
// the daemon: any orphaned descendant of sniperd now comes back to it.
void become_subreaper();

} // namespace sniper::tools
