// app/key_commands.hpp — `sniperd keygen --out PATH` and `sniperd pubkey
// --keypair PATH`: make a new Solana CLI keypair file (mode 0600, never
// overwriting) and print a keypair file's address. These are the only
// sniperd commands that touch a key, and they run before (and instead of)
// any trading: `sniperd run` never opens a key (the signer process does).
#pragma once

namespace sniper {

// argv[1] is the command name. Exit codes: 0 ok, 1 refused or failed,
// 2 usage.
int keygen_main(int argc, char** argv);
int pubkey_main(int argc, char** argv);

} // namespace sniper
