-- Test strategy: asks the "bad" tools (tests/tools/fixtures/misbehave.py)
-- for each misbehaviour in turn, then for a plain echo, and records every
-- answer as "tool:do=status" (status is "ok" or the error code). One call
-- at a time, one per pool update. save_state returns the record.
local call_tool = host.call_tool
local plan = {
  { "bad", "crash" }, { "bad", "echo" },
  { "bad", "garbage" }, { "bad", "echo" },
  { "bad", "huge" }, { "bad", "echo" },
  { "bad", "wrong_id" }, { "bad", "echo" },
  { "bad", "twice" }, { "bad", "echo" }, { "bad", "echo" },
  { "bad", "bad_shape" }, { "bad", "echo" },
  { "bad", "fork" }, { "bad", "hang" }, { "bad", "echo" },
  { "flood", "echo" }, { "flood", "echo" },
  { "dead", "echo" },
}
local step, pending, record = 1, nil, {}

return {
  name = "tool_misbehaviour",
  version = "1.0.0",
  events = { "pool_update", "tool_result" },
  on_event = function(ev)
    if ev.type == "tool_result" then
      if pending ~= nil and ev.call_id == pending.id then
        record[#record + 1] = pending.tool .. ":" .. pending.what .. "=" .. (ev.ok and "ok" or ev.error_code)
        pending = nil
        step = step + 1
      end
      return
    end
    if pending ~= nil or step > #plan then return end
    local tool, what = plan[step][1], plan[step][2]
    local id, why = call_tool(tool, '{"do":"' .. what .. '"}', 1500 * 1e6)
    if id == nil then
      record[#record + 1] = tool .. ":" .. what .. "=refused " .. tostring(why)
      step = step + 1
      return
    end
    pending = { id = id, tool = tool, what = what }
  end,
  save_state = function() return table.concat(record, "\n") end,
}
