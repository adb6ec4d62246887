-- escape_at_load.lua — reaches for io at the top level (line 3): the load
-- check runs the top level in the sandbox and refuses the file.
io.write("escaped\n")
return { name = "escape_at_load", events = { "new_pool" }, on_event = function(ev) end }
