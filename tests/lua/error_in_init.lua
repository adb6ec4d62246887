-- error_in_init.lua — init refuses its params (line 7): create fails.
return {
  name = "error_in_init",
  events = { "new_pool" },
  init = function(params)
    if params.threshold == nil then
      error("parameter 'threshold' is required")
    end
  end,
  on_event = function(ev) end,
}
