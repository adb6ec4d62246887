-- memory_bomb.lua — allocates without bound in on_event(new_pool).
-- Params {"mode": ...}: "table" (the default) grows a local table of
-- strings, "string" doubles a string, "global" grows a table it keeps in a
-- global (so every later call fails too). Timer events do a little work and
-- count, to show the state is still usable after the refusal.
local mode = "table"
local timers = 0
hoard = nil

return {
  name = "memory_bomb",
  events = { "new_pool", "timer" },
  init = function(p) mode = p.mode or mode end,
  on_event = function(ev)
    if ev.type == "timer" then
      local t = {}
      for i = 1, 1000 do t[i] = i end
      timers = timers + 1
      if hoard then hoard[#hoard + 1] = string.rep("y", 1024 * 1024) end
      return
    end
    if mode == "string" then
      local s = "x"
      while true do s = s .. s end
    elseif mode == "global" then
      hoard = {}
      while true do hoard[#hoard + 1] = string.rep("x", 4096) .. #hoard end
    else
      local t = {}
      local i = 0
      while true do
        i = i + 1
        t[i] = string.rep("x", 1024) .. i
      end
    end
  end,
  save_state = function() return tostring(timers) end,
}
