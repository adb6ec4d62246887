// app/tx_command.hpp — `sniperd tx`: build and sign a SOL transfer offline
// (`tx transfer … --sign-only`, the signed transaction as base64 on
// stdout, nothing else) and explain a transaction (`tx decode`, JSON).
#pragma once

namespace sniper {

// argv[1] is "tx". Exit codes: 0 ok, 1 key or signing failure, 2 usage
// error or malformed input.
int tx_main(int argc, char** argv);

} // namespace sniper
