// app/daemon.hpp — the `sniperd` command line: run, check-config, version.
// Wires config -> store -> control socket -> feed -> strategies -> engine,
// owns the signal handling, and prints the per-strategy summary.
#pragma once

namespace sniper {

// Exit codes: 0 ok, 1 refused or failed at run time, 2 usage or invalid config.
int sniperd_main(int argc, char** argv);

} // namespace sniper
