// app/tool_command.hpp — `sniperd tool NAME`: read one request's input
// object from stdin, run the tool exactly as the host does (its manifest, a
// ToolRunner, the same deadline and checks), print the response's output
// on stdout, or its error on stderr. For trying and debugging a tool.
#pragma once

namespace sniper {

// argv[1] is "tool". Exit codes: 0 the tool answered ok, 1 the call ended
// in an error (the tool's or the host's), 2 usage error or a bad manifest.
int tool_main(int argc, char** argv);

} // namespace sniper
