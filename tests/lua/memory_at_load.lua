-- memory_at_load.lua — the top level allocates without bound: the load
-- check's heap cap refuses the file.
local t = {}
while true do t[#t + 1] = string.rep("x", 4096) .. #t end
return { name = "memory_at_load", events = { "new_pool" }, on_event = function(ev) end }
