// app/decode_command.hpp — `sniperd decode --source solana-ws < FILE`: raw
// Solana JSON-RPC messages (one per line) to the host's event lines.
#pragma once

namespace sniper {

// argv[0] is "sniperd", argv[1] "decode". Exit 0 when every message was
// decoded, 1 when any was refused, 2 on bad usage.
int decode_main(int argc, char** argv);

} // namespace sniper
