-- syntax_error.lua — does not parse (line 4): refused at load with file:line.
return {
  name = "syntax_error",
  events = { "new_pool" },,
  on_event = function(ev) end,
}
