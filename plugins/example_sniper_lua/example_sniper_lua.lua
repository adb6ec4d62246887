-- example_sniper_lua — the Lua twin of plugins/example_sniper: buys new
-- pools that pass safety filters and sells on its own exit rules (take
-- profit, stop loss, max hold time).
--
-- Entry: a NEW_POOL whose token has no mint or freeze authority, enough SOL
-- liquidity, most LP burned and a top-10 holder share under the limit.
-- Exit: on each POOL_UPDATE of a held token, mark the position at the pool
-- price; sell everything at +take_profit_pct, -stop_loss_pct, or after
-- max_hold. A sell that fails is retried a few times, then given up (a
-- honeypot cannot be sold; the host still reports the position).
--
-- Same parameters (from [strategies.example_sniper_lua]), same defaults,
-- same decisions and the same intents as the native example, field for
-- field: tests/strategy/lua_script_test.cpp drives both with the same
-- market and compares every intent. The reference is sdk/LUA.md.

local host = host
local submit, now, trading_state, log = host.submit, host.now, host.trading_state, host.log
local floor, pairs, type, tonumber = math.floor, pairs, type, tonumber

-- Parameters ---------------------------------------------------------------
-- The same readers as sdk/include/sniper/params.hpp, with the same rounding:
-- a SOL amount rounds to the nearest lamport (llround), a bps or a duration
-- is truncated toward zero (static_cast).

local function trunc(x)
  if x >= 0 then return floor(x) end
  return -floor(-x)
end

local function number(p, key, fallback)
  local v = p[key]
  if v == nil then return fallback end
  if type(v) ~= "number" then error("parameter '" .. key .. "' must be a number", 0) end
  return v
end

local function lamports(p, key, fallback_sol)
  local sol = number(p, key, fallback_sol)
  if sol ~= sol or sol <= 0 or sol > 1e6 then
    error("parameter '" .. key .. "' must be a SOL amount > 0", 0)
  end
  local x = sol * 1e9
  local f = floor(x)
  if x - f >= 0.5 then f = f + 1 end -- llround: half away from zero
  return f
end

local UNITS = { ms = 1e6, s = 1e9, m = 60e9, h = 3600e9 }

local function duration_ns(p, key, fallback_ns)
  local v = p[key]
  if v == nil then return fallback_ns end
  if type(v) == "number" then
    if not (v >= 0) or v > 1e9 then error("parameter '" .. key .. "' must be a duration >= 0", 0) end
    return trunc(v * 1e9)
  end
  local num, unit = nil, nil
  if type(v) == "string" then num, unit = v:match("^%s*([%d%.eE%+%-]+)(%a*)$") end
  local value, scale = tonumber(num or ""), UNITS[unit or ""]
  if not value or not scale or not (value >= 0) then
    error("parameter '" .. key .. "' must be a duration like 30s or 10m", 0)
  end
  return trunc(value * scale)
end

local cfg = {}

local function init(p)
  cfg.buy_lamports = lamports(p, "buy_sol", 0.1)
  cfg.slippage_bps = trunc(number(p, "max_slippage_bps", 300))
  cfg.min_liquidity_lamports = lamports(p, "min_liquidity_sol", 10.0)
  cfg.max_top10_bps = trunc(number(p, "max_top10_pct", 35.0) * 100)
  cfg.min_lp_burned_bps = trunc(number(p, "min_lp_burned_pct", 90.0) * 100)
  cfg.take_profit = number(p, "take_profit_pct", 60.0) / 100.0
  cfg.stop_loss = number(p, "stop_loss_pct", 25.0) / 100.0
  cfg.max_hold_ns = duration_ns(p, "max_hold", 10 * 60 * 1e9)
  if cfg.slippage_bps < 1 or cfg.slippage_bps > 10000 or not (cfg.take_profit > 0)
      or not (cfg.stop_loss > 0) or cfg.stop_loss >= 1 then
    error("max_slippage_bps must be 1..10000, take_profit_pct > 0, stop_loss_pct in (0, 100)", 0)
  end
  -- Exits accept more slippage than entries: getting out matters more.
  cfg.exit_slippage_bps = cfg.slippage_bps * 2 > 10000 and 10000 or cfg.slippage_bps * 2
end

-- Holdings, by pool -----------------------------------------------------------

local held = {}

local function find_by_mint(mint)
  for pool, h in pairs(held) do
    if h.mint == mint then return pool, h end
  end
end

local function on_new_pool(ev)
  if ev.mint_authority_present or ev.freeze_authority_present
      or ev.quote_reserve_lamports < cfg.min_liquidity_lamports
      or ev.top10_holder_bps > cfg.max_top10_bps or ev.lp_burned_bps < cfg.min_lp_burned_bps
      or trading_state() ~= "active" or held[ev.pool] ~= nil then
    return
  end
  submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = cfg.buy_lamports,
          max_slippage_bps = cfg.slippage_bps, reason = "new pool passed safety filters" }
  held[ev.pool] = { mint = ev.base_mint, pool = ev.pool, cost_lamports = 0, atoms = 0, opened_ns = 0,
                    failed_exits = 0, open = false, exiting = false, abandoned = false }
end

local function on_order_update(ev)
  local pool, h = find_by_mint(ev.mint)
  if h == nil then return end
  if ev.side == "buy" then
    if ev.status == "filled" then
      h.cost_lamports = ev.in_amount + ev.fee_lamports + ev.tip_lamports
      h.atoms = ev.out_amount
      h.opened_ns = now()
      h.open = true
    elseif ev.status == "rejected" or ev.status == "failed" or ev.status == "expired" then
      held[pool] = nil
    end
  elseif ev.side == "sell" then
    if ev.status == "filled" then
      held[pool] = nil
    elseif ev.status ~= "accepted" then
      h.exiting = false
      h.failed_exits = h.failed_exits + 1
      if h.failed_exits >= 3 then
        log("warn", "giving up on a position that cannot be sold")
        h.abandoned = true
      end
    end
  end
end

local function on_pool_update(ev)
  local h = held[ev.pool]
  if h == nil then return end
  if not h.open or h.exiting or h.abandoned or h.atoms == 0 or h.cost_lamports == 0 then return end
  -- Signal only: the host sizes the sell (sell_all) from its own books.
  local value = h.atoms * ev.price_lamports_per_atom
  local change = value / h.cost_lamports - 1.0
  local timed_out = now() - h.opened_ns >= cfg.max_hold_ns
  if change >= cfg.take_profit or change <= -cfg.stop_loss or timed_out then
    h.exiting = true
    submit{ side = "sell", sell_all = true, mint = h.mint, pool = h.pool,
            max_slippage_bps = cfg.exit_slippage_bps,
            reason = change >= cfg.take_profit and "take profit" or (timed_out and "max hold" or "stop loss") }
  end
end

-- State across hot reloads: one line per holding ------------------------------

local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
local function unhex(s)
  return (s:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end
local function flag(b) return b and "1" or "0" end

local function save_state()
  local lines = {}
  for _, h in pairs(held) do
    lines[#lines + 1] = string.format("%s %s %.0f %.0f %.0f %d %s%s%s", hex(h.mint), hex(h.pool),
      h.cost_lamports, h.atoms, h.opened_ns, h.failed_exits, flag(h.open), flag(h.exiting), flag(h.abandoned))
  end
  return table.concat(lines, "\n")
end

local function load_state(s, version)
  if version ~= 1 then error("unknown state layout (state_version " .. tostring(version) .. ")", 0) end
  for line in s:gmatch("[^\n]+") do
    local mint, pool, cost, atoms, opened, failed, flags =
      line:match("^(%x+) (%x+) (%d+) (%d+) (%-?%d+) (%d+) ([01][01][01])$")
    if not mint or #mint ~= 64 or #pool ~= 64 then error("unknown state layout", 0) end
    local h = { mint = unhex(mint), pool = unhex(pool), cost_lamports = tonumber(cost), atoms = tonumber(atoms),
                opened_ns = tonumber(opened), failed_exits = tonumber(failed), open = flags:sub(1, 1) == "1",
                exiting = flags:sub(2, 2) == "1", abandoned = flags:sub(3, 3) == "1" }
    held[h.pool] = h
  end
end

return {
  name = "example_sniper_lua",
  version = "1.0.0",
  events = { "new_pool", "pool_update", "order_update" },
  state_version = 1,
  init = init,
  on_event = function(ev)
    local t = ev.type
    if t == "pool_update" then
      on_pool_update(ev)
    elseif t == "order_update" then
      on_order_update(ev)
    elseif t == "new_pool" then
      on_new_pool(ev)
    end
  end,
  save_state = save_state,
  load_state = load_state,
}
