// app/control_handler.hpp — turns control-socket requests into engine
// calls and snapshot reads. Runs on the control thread: it reads the
// engine's published snapshot and changes only the trading state, so it
// answers even while the event path is busy or stuck.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sniper {

class Engine;
class Reloader;

class ControlHandler {
  public:
    // reloader may be null (reload then answers that it is unavailable).
    ControlHandler(Engine& engine, Reloader* reloader, int64_t start_wall_ns)
        : engine_(engine), reloader_(reloader), start_wall_ns_(start_wall_ns) {}
    std::string handle(std::string_view request);

  private:
    std::string set_enabled(std::string_view name, bool enabled);
    Engine& engine_;
    Reloader* reloader_;
    int64_t start_wall_ns_;
};

} // namespace sniper
