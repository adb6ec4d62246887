// control/control_testing.hpp — test seams for the control server. Not for
// production code: the daemon always runs with the defaults.
#pragma once

#include <chrono>

namespace sniper::control_testing {

// The idle timeout applied to connections accepted by servers started after
// this call (default 60 s). Lets a test watch the timeout fire in
// milliseconds instead of a minute.
void set_idle_timeout(std::chrono::milliseconds timeout);

} // namespace sniper::control_testing
