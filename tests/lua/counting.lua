-- counting.lua — the Lua twin of tests/plugins/counting.cpp, for tests:
-- counts every event and checks that sequence numbers only go up. Its
-- saved state is the native plugin's layout (events, last_seq as two
-- little-endian u64), so a reload test can carry the count across.
-- Params: {"buy_on_new_pool": bool, "buy_sol": number, "slippage_bps":
-- number, "sell_after_updates": number} make it trade predictably.
local host = host
local events, last_seq = 0, 0
local buy, buy_lamports, slippage, sell_after = false, 1e8, 300, 0
local updates = {}

local function count(ev)
  if ev.seq <= last_seq then error("sequence went backwards") end
  last_seq = ev.seq
  events = events + 1
end

local function u64le(v)
  local b = {}
  for i = 1, 8 do
    b[i] = string.char(v % 256)
    v = math.floor(v / 256)
  end
  return table.concat(b)
end

local function read_u64le(s, at)
  local v = 0
  for i = at + 7, at, -1 do v = v * 256 + s:byte(i) end
  return v
end

return {
  name = "counting_lua",
  version = "1.0.0",
  events = { "new_pool", "pool_update", "trade", "order_update", "timer", "pool_safety", "curve_complete" },
  state_version = 1,
  init = function(p)
    if p.buy_on_new_pool ~= nil then buy = p.buy_on_new_pool end
    if p.buy_sol ~= nil then buy_lamports = math.floor(p.buy_sol * 1e9 + 0.5) end
    if p.slippage_bps ~= nil then slippage = p.slippage_bps end
    if p.sell_after_updates ~= nil then sell_after = p.sell_after_updates end
  end,
  on_event = function(ev)
    count(ev)
    if ev.type == "new_pool" and buy then
      host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = buy_lamports,
                   max_slippage_bps = slippage }
    elseif ev.type == "pool_update" and sell_after > 0 then
      local k = ev.pool:byte(1)
      if host.position(ev.base_mint) then
        updates[k] = (updates[k] or 0) + 1
        if updates[k] >= sell_after then
          updates[k] = 0
          host.submit{ side = "sell", sell_all = true, mint = ev.base_mint, pool = ev.pool,
                       max_slippage_bps = 10000, reason = "test exit" }
        end
      end
    end
  end,
  save_state = function()
    return u64le(events) .. u64le(last_seq)
  end,
  load_state = function(s, version)
    if version ~= 1 or #s ~= 16 then error("unknown state") end
    events = read_u64le(s, 1)
    last_seq = read_u64le(s, 9)
  end,
}
