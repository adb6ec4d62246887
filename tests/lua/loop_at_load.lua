-- loop_at_load.lua — the top level never finishes: the load check stops it
-- after its instruction allowance and refuses the file.
local n = 0
while true do n = n + 1 end
return { name = "loop_at_load", events = { "new_pool" }, on_event = function(ev) end }
