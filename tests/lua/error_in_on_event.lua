-- error_in_on_event.lua — fails in every on_event, at line 6, one call deep
-- (so the traceback has a frame of the script's own).
local function look_up(ev)
  local pools = nil
  -- indexing nil: the runtime error the test expects, at this line + 1
  return pools[ev.pool]
end

return {
  name = "error_in_on_event",
  events = { "new_pool", "pool_update" },
  on_event = function(ev)
    look_up(ev)
  end,
}
