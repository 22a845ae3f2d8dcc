-- Contract harness: runs the rxfactorio-telemetry mod under a stock Lua 5.4
-- interpreter against a small stand-in for the Factorio 2.0 API, checks the
-- mod's rules and the lines it writes, and prints a one-line JSON summary.
--
--   lua5.4 samples/factorio-mod/test/harness.lua OUT.jsonl [scenario]
--
-- Scenarios: default (the one the C# test uses), multiplayer, interval,
-- events-off. Exit code 0 = every rule and expectation held, 1 = a rule was
-- broken (details on stderr), 2 = usage error. See README.md next to this file.

local out_path, scenario_name = arg[1], arg[2] or "default"
if not out_path then
  io.stderr:write("usage: lua5.4 harness.lua OUT.jsonl [default|multiplayer|interval|events-off]\n")
  os.exit(2)
end

local here = (arg[0]:match("^(.*)[/\\]") or ".")
local mod_dir = here .. "/../rxfactorio-telemetry"

local violations = {}
local function violation(msg)
  violations[#violations + 1] = msg
  io.stderr:write("VIOLATION: " .. msg .. "\n")
end

---------------------------------------------------------------------------
-- Minimal JSON decoder (to check what the mod wrote). Integers stay Lua
-- integers, so "tick is an integer" can be checked on the text.
---------------------------------------------------------------------------
local function json_decode(s)
  local pos = 1
  local function fail(what) error(("JSON error at %d: %s"):format(pos, what), 0) end
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local value
  local function str()
    pos = pos + 1
    local parts = {}
    while true do
      local c = s:sub(pos, pos)
      if c == "" then fail("unterminated string") end
      if c == '"' then pos = pos + 1; break end
      if c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        local map = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
        if map[e] then parts[#parts + 1] = map[e]; pos = pos + 2
        elseif e == "u" then
          local hex = s:sub(pos + 2, pos + 5)
          if not hex:match("^%x%x%x%x$") then fail("bad \\u") end
          parts[#parts + 1] = utf8.char(tonumber(hex, 16)); pos = pos + 6
        else fail("bad escape") end
      elseif c:byte() < 32 then fail("control char in string")
      else parts[#parts + 1] = c; pos = pos + 1 end
    end
    return table.concat(parts)
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      pos = pos + 1; local t = {}; ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1; return t end
      while true do
        ws(); if s:sub(pos, pos) ~= '"' then fail("key expected") end
        local k = str(); ws()
        if s:sub(pos, pos) ~= ":" then fail(": expected") end
        pos = pos + 1
        if t[k] ~= nil then fail("duplicate key " .. k) end
        t[k] = value(); ws()
        local d = s:sub(pos, pos); pos = pos + 1
        if d == "}" then return t elseif d ~= "," then fail(", or } expected") end
      end
    elseif c == "[" then
      pos = pos + 1; local t = {}; ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return t end
      while true do
        t[#t + 1] = value(); ws()
        local d = s:sub(pos, pos); pos = pos + 1
        if d == "]" then return t elseif d ~= "," then fail(", or ] expected") end
      end
    elseif c == '"' then return str()
    elseif s:sub(pos, pos + 3) == "true" then pos = pos + 4; return true
    elseif s:sub(pos, pos + 4) == "false" then pos = pos + 5; return false
    elseif s:sub(pos, pos + 3) == "null" then pos = pos + 4; return nil
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not num or not num:match("^-?%d+%.?%d*$") and not num:match("^-?%d+%.?%d*[eE][-+]?%d+$") then
        fail("bad value")
      end
      if num:match("^-?%d+%.$") then fail("bad number") end
      pos = pos + #num
      return math.tointeger(tonumber(num)) and not num:find("[.eE]") and math.tointeger(tonumber(num)) or tonumber(num) + 0.0
    end
  end
  local v = value(); ws()
  if pos <= #s then fail("trailing text") end
  return v
end

---------------------------------------------------------------------------
-- Scenarios (all ticks are game ticks; 60 ticks = 1 s).
---------------------------------------------------------------------------
local base_scenario = {
  multiplayer = false,
  interval = nil,               -- nil = the setting's default (120)
  game_events = true,
  end_tick = 12000,
  load_at = 6050,               -- save at this tick, load, continue
  per_surface = { on = 8000, off = 10000 },
  interval_change = nil,        -- { tick = , value = }
  burst = { tick = 4001, count = 10000 },
}

local scenarios = {
  default = {},
  multiplayer = { multiplayer = true },
  interval = { interval = 300, interval_change = { tick = 3000, value = 60 }, load_at = false, per_surface = false, end_tick = 6000 },
  ["events-off"] = { game_events = false },
}
if not scenarios[scenario_name] then
  io.stderr:write("unknown scenario " .. scenario_name .. "\n")
  os.exit(2)
end
local sc = {}
for k, v in pairs(base_scenario) do sc[k] = v end
for k, v in pairs(scenarios[scenario_name]) do sc[k] = v end

---------------------------------------------------------------------------
-- Settings: defaults come from the mod's own settings.lua.
---------------------------------------------------------------------------
local setting_defaults = {}
do
  local data = { extend = function(self, list)
    for _, s in ipairs(list) do setting_defaults[s.name] = s.default_value end
  end }
  local chunk = assert(loadfile(mod_dir .. "/settings.lua", "t", setmetatable({ data = data }, { __index = _G })))
  chunk()
end
local settings_global = {}
for name, v in pairs(setting_defaults) do settings_global[name] = { value = v } end
if sc.interval then settings_global["rxfactorio-sample-interval"].value = sc.interval end
settings_global["rxfactorio-game-events"].value = sc.game_events
local output_name = settings_global["rxfactorio-output-file"].value

---------------------------------------------------------------------------
-- defines
---------------------------------------------------------------------------
local event_names = {
  "on_tick", "on_built_entity", "on_robot_built_entity", "on_player_mined_entity",
  "on_robot_mined_entity", "on_player_crafted_item", "on_research_started",
  "on_research_finished", "on_rocket_launched", "on_runtime_mod_setting_changed",
  "on_surface_created",
}
local defines = { events = {}, flow_precision_index = {
  five_seconds = 0, one_minute = 1, ten_minutes = 2, one_hour = 3,
  ten_hours = 4, fifty_hours = 5, two_hundred_fifty_hours = 6, one_thousand_hours = 7,
} }
local event_name_of = {}
for i, name in ipairs(event_names) do
  defines.events[name] = i - 1
  event_name_of[i - 1] = name
end

---------------------------------------------------------------------------
-- The world: surfaces, production model, force, player.
---------------------------------------------------------------------------
local tick = 0
local NaN = 0 / 0

-- Production model: per-minute one-minute-window rates as functions of tick.
-- kind = item|fluid, cat = input (produced) | output (consumed).
local function ramp(from, base, per_hour)
  return function(t)
    if t < from then return 0 end
    return base + per_hour * (t - from) / 216000
  end
end
local function window(from, to, rate)
  return function(t) return (t >= from and t < to) and rate or 0 end
end

local model = {
  -- nauvis: burner start, then smelting, then red science, oil later
  { "nauvis", "item", "input", "iron-ore", ramp(0, 300, 900) },
  { "nauvis", "item", "input", "copper-ore", ramp(0, 150, 450) },
  { "nauvis", "item", "input", "coal", ramp(0, 120, 300) },
  { "nauvis", "item", "input", "stone", ramp(0, 45, 60) },
  { "nauvis", "item", "input", "wood", window(0, 1800, 12.5) },   -- trees cut early, then never
  { "nauvis", "item", "input", "iron-plate", ramp(600, 225, 750) },
  { "nauvis", "item", "input", "copper-plate", ramp(600, 112.5, 400) },
  { "nauvis", "item", "input", "iron-gear-wheel", ramp(1800, 45, 90) },
  { "nauvis", "item", "input", "copper-cable", ramp(2400, 90, 180) },
  { "nauvis", "item", "input", "electronic-circuit", ramp(2400, 30, 60) },
  { "nauvis", "item", "input", "automation-science-pack", ramp(3000, 9, 18) },
  { "nauvis", "item", "input", "stone-furnace", window(300, 1500, 2.5) },
  { "nauvis", "item", "output", "iron-ore", ramp(600, 225, 750) },
  { "nauvis", "item", "output", "copper-ore", ramp(600, 112.5, 400) },
  { "nauvis", "item", "output", "coal", ramp(0, 100, 250) },
  { "nauvis", "item", "output", "iron-plate", ramp(1800, 160, 500) },
  { "nauvis", "item", "output", "copper-plate", ramp(2400, 45, 90) },
  { "nauvis", "item", "output", "copper-cable", ramp(2400, 90, 180) },
  { "nauvis", "item", "output", "automation-science-pack", ramp(3600, 9, 18) },
  { "nauvis", "fluid", "input", "water", ramp(1200, 36000, 0) },
  { "nauvis", "fluid", "input", "steam", ramp(1200, 1800, 1800) },
  { "nauvis", "fluid", "output", "water", ramp(1200, 1800, 1800) },
  { "nauvis", "fluid", "output", "steam", ramp(1200, 1750.4, 1700) },
  { "nauvis", "fluid", "input", "crude-oil", ramp(9000, 1200, 0) },
  { "nauvis", "fluid", "input", "petroleum-gas", ramp(9600, 660, 0) },
  -- vulcanus (Space Age): starts producing after tick 7000
  { "vulcanus", "item", "input", "tungsten-ore", ramp(7000, 60, 120) },
  { "vulcanus", "item", "input", "calcite", ramp(7000, 30, 30) },
  { "vulcanus", "item", "output", "calcite", ramp(7200, 20, 20) },
  { "vulcanus", "fluid", "input", "lava", ramp(7000, 3000, 0) },
  { "vulcanus", "fluid", "input", "molten-iron", ramp(7200, 1500, 0) },
  { "vulcanus", "fluid", "output", "lava", ramp(7200, 3000, 0) },
  -- a space platform collecting asteroid chunks from tick 7500
  { "platform-1", "item", "input", "metallic-asteroid-chunk", ramp(7500, 4.2, 3) },
  { "platform-1", "item", "input", "iron-ore", ramp(7500, 80, 0) },
  { "platform-1", "item", "output", "metallic-asteroid-chunk", ramp(7500, 4, 3) },
}

-- Injected bad values: the mod must leave them out (no NaN/inf in output).
local poison = {
  { "nauvis", "fluid", "output", "steam", 8880, 9120, NaN },
  { "vulcanus", "fluid", "input", "lava", 8880, 9120, math.huge },
  { "nauvis", "item", "output", "coal", 8880, 9120, -math.huge },
}

local surfaces_by_name, surfaces_by_index = {}, {}
local function make_surface(name, index, is_platform)
  local s = { name = name, index = index, valid = true, object_name = "LuaSurface" }
  s.platform = is_platform and { name = name, valid = true } or nil
  s.get_total_pollution = function() return is_platform and 0 or (1234.5 + tick * 0.75) / index end
  surfaces_by_name[name] = s
  surfaces_by_index[index] = s
  return s
end
local nauvis = make_surface("nauvis", 1, false)
make_surface("vulcanus", 2, false)
make_surface("platform-1", 3, true)

local flow = {} -- flow[surface][kind] = LuaFlowStatistics stand-in
local flow_calls = 0
local function make_flow(surface, kind)
  local st = { input_counts = {}, output_counts = {}, object_name = "LuaFlowStatistics" }
  st.get_flow_count = function(p)
    flow_calls = flow_calls + 1
    if type(p) ~= "table" then violation("get_flow_count called with ':' or without a table"); return 0 end
    if p.category ~= "input" and p.category ~= "output" then violation("bad category " .. tostring(p.category)) end
    if p.precision_index ~= defines.flow_precision_index.one_minute then violation("precision_index is not one_minute") end
    if p.count then violation("count=true: rates per minute expected") end
    if p.input ~= nil then violation("1.1 'input=' parameter used instead of category") end
    local counts = p.category == "input" and st.input_counts or st.output_counts
    if counts[p.name] == nil then violation("get_flow_count for a name not in " .. p.category .. "_counts: " .. tostring(p.name)) end
    for _, bad in ipairs(poison) do
      if bad[1] == surface and bad[2] == kind and bad[3] == p.category and bad[4] == p.name
        and tick >= bad[5] and tick < bad[6] then
        return bad[7]
      end
    end
    for _, m in ipairs(model) do
      if m[1] == surface and m[2] == kind and m[3] == p.category and m[4] == p.name then
        return m[5](tick)
      end
    end
    return 0
  end
  return st
end
for name in pairs(surfaces_by_name) do
  flow[name] = { item = make_flow(name, "item"), fluid = make_flow(name, "fluid") }
end

-- Advance the cumulative totals (every 12 ticks, like one GUI sample).
local function advance_counts(t)
  for _, m in ipairs(model) do
    local rate = m[5](t)
    if rate > 0 then
      local st = flow[m[1]][m[2]]
      local counts = m[3] == "input" and st.input_counts or st.output_counts
      counts[m[4]] = (counts[m[4]] or 0) + rate * 12 / 3600
    end
  end
end

local function resolve_surface(id)
  if type(id) == "table" then return id end
  if type(id) == "number" then return surfaces_by_index[id] end
  return surfaces_by_name[id]
end

local force = {
  name = "player", valid = true, rockets_launched = 0,
  current_research = nil, research_progress = 0,
}
force.get_item_production_statistics = function(s)
  local surface = resolve_surface(s)
  if not surface then violation("bad surface id"); return nil end
  return flow[surface.name].item
end
force.get_fluid_production_statistics = function(s)
  local surface = resolve_surface(s)
  if not surface then violation("bad surface id"); return nil end
  return flow[surface.name].fluid
end
local enemy = { name = "enemy", valid = true }
enemy.get_evolution_factor = function(s)
  local surface = resolve_surface(s)
  if surface.platform then return 0 end
  return math.min(1, 0.0000015 * tick * (surface.index == 1 and 1 or 0.4))
end

local player = {
  index = 1, name = "engineer", valid = true, connected = true,
  position = { x = 12.5, y = -3 }, surface = nauvis,
  character = { valid = true, health = 250 },
}

-- game.surfaces: indexable by name or index, iterable in index order.
local surfaces_proxy = setmetatable({}, {
  __index = function(_, k) return resolve_surface(k) end,
  __len = function() return #surfaces_by_index end,
  __pairs = function()
    local i = 0
    return function()
      i = i + 1
      local s = surfaces_by_index[i]
      if s then return s.name, s end
    end
  end,
})

local game = {
  forces = { player = force, enemy = enemy },
  surfaces = surfaces_proxy,
  players = { [1] = player },
  connected_players = { player },
  is_multiplayer = function() return sc.multiplayer end,
}
setmetatable(game, { __index = function(_, k)
  if k == "tick" then return tick end
  if k == "ticks_played" then return tick end
  violation("game." .. tostring(k) .. " is not in the stand-in")
end })

-- prototypes: iterating every prototype is a UPS trap, so it is a violation.
local function guarded_prototypes(kind)
  return setmetatable({}, {
    __pairs = function() violation("iterated prototypes." .. kind); return function() end end,
    __index = function(_, name) return { name = name, type = kind } end,
  })
end
local prototypes = { item = guarded_prototypes("item"), fluid = guarded_prototypes("fluid") }

---------------------------------------------------------------------------
-- helpers.write_file: appends to OUT and counts calls.
---------------------------------------------------------------------------
local out = assert(io.open(out_path, "wb"))
local write_calls, calls_this_tick, max_calls_per_tick = 0, 0, 0
local written = {} -- every data string, in order
local helpers = {}
helpers.write_file = function(filename, data, append, for_player)
  write_calls = write_calls + 1
  calls_this_tick = calls_this_tick + 1
  if calls_this_tick > max_calls_per_tick then max_calls_per_tick = calls_this_tick end
  if filename ~= output_name then violation("write_file to " .. tostring(filename)) end
  if append ~= true then violation("write_file without append=true") end
  local expected_for_player = sc.multiplayer and 0 or nil
  if for_player ~= expected_for_player then
    violation("for_player is " .. tostring(for_player) .. ", expected " .. tostring(expected_for_player))
  end
  if type(data) ~= "string" or data:sub(-1) ~= "\n" then violation("data must be a string ending in \\n") end
  out:write(data)
  written[#written + 1] = data
end

---------------------------------------------------------------------------
-- storage, with a read-only view during on_load.
---------------------------------------------------------------------------
local storage = {}
local storage_writes_in_on_load = 0
local function read_only(t)
  return setmetatable({}, {
    __index = function(_, k)
      local v = t[k]
      if type(v) == "table" then return read_only(v) end
      return v
    end,
    __newindex = function(_, k)
      storage_writes_in_on_load = storage_writes_in_on_load + 1
      error("storage is read-only in on_load (write to '" .. tostring(k) .. "')", 2)
    end,
    __pairs = function() return next, t, nil end,
  })
end
local function deep_copy(v)
  if type(v) ~= "table" then return v end
  local c = {}
  for k, x in pairs(v) do c[deep_copy(k)] = deep_copy(x) end
  return c
end

---------------------------------------------------------------------------
-- The mod's Lua state. A load builds a fresh one, like Factorio does.
---------------------------------------------------------------------------
local H -- registered handlers of the current Lua state
local env

local function new_lua_state()
  H = { events = {}, nth = {} }
  local script = {
    level = { level_name = "freeplay", mod_name = "base" },
    active_mods = { base = "2.0.72", ["rxfactorio-telemetry"] = "0.1.0" },
    on_init = function(f) H.on_init = f end,
    on_load = function(f) H.on_load = f end,
    on_configuration_changed = function(f) H.on_configuration_changed = f end,
    on_event = function(id, f)
      local ids = type(id) == "table" and id or { id }
      for _, i in ipairs(ids) do
        if event_name_of[i] == nil then violation("on_event with unknown id " .. tostring(i)) end
        H.events[i] = f
      end
    end,
    on_nth_tick = function(n, f)
      if n == nil then H.nth = {} return end
      if type(n) ~= "number" or n < 1 or n ~= math.floor(n) then violation("bad on_nth_tick " .. tostring(n)) end
      H.nth[n] = f
    end,
  }
  env = setmetatable({
    script = script, defines = defines, helpers = helpers, prototypes = prototypes,
    settings = { global = settings_global, startup = {} },
    storage = storage, game = nil,
  }, { __index = _G })
  -- Factorio's require resolves inside the mod; give the mod its own loader.
  env.require = function(name)
    local chunk = assert(loadfile(mod_dir .. "/" .. name:gsub("%.", "/") .. ".lua", "t", env))
    return chunk()
  end
  local chunk = assert(loadfile(mod_dir .. "/control.lua", "t", env))
  chunk()
end

local function raise(name, fields)
  local id = defines.events[name]
  local f = H.events[id]
  if not f then return end
  local e = { name = id, tick = tick }
  for k, v in pairs(fields or {}) do e[k] = v end
  f(e)
end

local samples = 0
local function run_tick(t)
  tick = t
  calls_this_tick = 0
  if t % 12 == 0 then advance_counts(t) end
  return function()
    for n, f in pairs(H.nth) do
      if t % n == 0 then
        samples = samples + 1
        f({ tick = t, nth_tick = n })
      end
    end
  end
end

---------------------------------------------------------------------------
-- Scripted game activity.
---------------------------------------------------------------------------
local function entity(name, surface)
  return { valid = true, name = name, type = name, position = { x = 3.5, y = 7.5 }, surface = surface or nauvis }
end
local function tech(name, level)
  return { name = name, level = level or 1, force = force, valid = true }
end

local research_plan = {
  [600] = { "on_research_started", "automation" },
  [2400] = { "on_research_finished", "automation" },
  [2401] = { "on_research_started", "logistics" },
  [5000] = { "on_research_finished", "logistics" },
  [5001] = { "on_research_started", "steel-processing" },
  [9500] = { "on_research_finished", "steel-processing" },
  [9501] = { "on_research_started", "mining-productivity", 2 },
}

local function scripted_events(t)
  local r = research_plan[t]
  if r then
    local tr = tech(r[2], r[3])
    if r[1] == "on_research_started" then
      force.current_research, force.research_progress = tr, 0
    else
      force.current_research, force.research_progress = nil, 0
    end
    raise(r[1], { research = tr, by_script = false })
  end
  if force.current_research then force.research_progress = math.min(1, force.research_progress + 1 / 2000) end
  -- a player building, mining and crafting now and then
  if t % 97 == 0 then raise("on_built_entity", { entity = entity("transport-belt"), player_index = 1 }) end
  if t % 251 == 0 then raise("on_player_mined_entity", { entity = entity("rock-big"), player_index = 1 }) end
  if t % 180 == 0 then raise("on_player_crafted_item", { item_stack = { name = "iron-gear-wheel", count = 1 }, player_index = 1 }) end
  if t > 7000 and t % 30 == 0 then raise("on_robot_mined_entity", { entity = entity("tree-01"), robot = entity("construction-robot") }) end
  -- the robot swarm: many builds inside one sample interval
  if sc.burst and t == sc.burst.tick then
    for _ = 1, sc.burst.count do
      raise("on_robot_built_entity", { entity = entity("solar-panel"), robot = entity("construction-robot") })
    end
  end
  if t == 11000 then
    force.rockets_launched = force.rockets_launched + 1
    raise("on_rocket_launched", { rocket_silo = { valid = true, name = "rocket-silo", surface = nauvis, force = force } })
  end
end

local function set_setting(name, value)
  settings_global[name].value = value
  raise("on_runtime_mod_setting_changed", { setting = name, setting_type = "runtime" })
end

---------------------------------------------------------------------------
-- Run.
---------------------------------------------------------------------------
local ok, err = pcall(function()
  -- New game: main chunk, on_init (game available), then ticks.
  new_lua_state()
  env.game = game
  if not H.on_init then violation("no on_init handler") else H.on_init() end
  for t = 0, sc.end_tick do
    local fire_nth = run_tick(t)
    scripted_events(t)
    if sc.per_surface and t == sc.per_surface.on then set_setting("rxfactorio-per-surface", true) end
    if sc.per_surface and t == sc.per_surface.off then set_setting("rxfactorio-per-surface", false) end
    if sc.interval_change and t == sc.interval_change.tick then
      set_setting("rxfactorio-sample-interval", sc.interval_change.value)
    end
    fire_nth()
    if sc.load_at and t == sc.load_at then
      -- Save and load: storage is serialised, the Lua state is new, game is
      -- nil in the main chunk and in on_load, storage is read-only there.
      local saved = deep_copy(storage)
      storage = saved
      new_lua_state()
      env.storage = read_only(storage)
      if not H.on_load then violation("no on_load handler")
      else
        local ok_load, load_err = pcall(H.on_load)
        if not ok_load then violation("on_load failed: " .. tostring(load_err)) end
      end
      env.storage = storage
      env.game = game
    end
  end
end)
out:close()
if not ok then violation("mod error: " .. tostring(err)) end

---------------------------------------------------------------------------
-- Check the output.
---------------------------------------------------------------------------
local lines = {}
do
  local f = assert(io.open(out_path, "rb"))
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
end

local stats_by_tick, sessions, session_inits, events_seen = {}, {}, 0, {}
local per_surface_lines, surfaces_seen, last_tick = 0, {}, -1
for i, text in ipairs(lines) do
  local okj, obj = pcall(json_decode, text)
  if not okj then violation(("line %d is not JSON: %s"):format(i, obj))
  elseif type(obj) ~= "table" then violation(("line %d is not an object"):format(i))
  else
    if type(obj.type) ~= "string" then violation(("line %d: no type"):format(i)) end
    if type(obj.session_id) ~= "string" then violation(("line %d: no session_id"):format(i)) end
    if math.type(obj.tick) ~= "integer" then violation(("line %d: tick is not an integer"):format(i)) end
    if (obj.tick or -1) < last_tick then violation(("line %d: tick goes backwards"):format(i)) end
    last_tick = obj.tick or last_tick
    if text:find("nan") or text:find("inf") or text:find("null") then
      if text:find("[:,%[]%-?nan") or text:find("[:,%[]%-?inf") or text:find(":null") then
        violation(("line %d has a non-finite value"):format(i))
      end
    end
    if obj.type == "session_init" then
      session_inits = session_inits + 1
      sessions[#sessions + 1] = obj.session_id
      if obj.session_id ~= obj.level_name .. "_" .. obj.tick then violation("session_id is not <level_name>_<tick>") end
    elseif obj.type == "stats" then
      if obj.session_id ~= sessions[#sessions] then violation(("line %d: stats before/outside its session_init"):format(i)) end
      if math.type(obj.cycle) ~= "integer" or obj.cycle ~= obj.tick // 120 then violation(("line %d: cycle ~= floor(tick/120)"):format(i)) end
      for _, key in ipairs({ "products_production", "materials_consumption" }) do
        if type(obj[key]) ~= "table" then violation(("line %d: no %s"):format(i, key))
        else
          for k, v in pairs(obj[key]) do
            if type(v) ~= "number" or v <= 0 then violation(("line %d: %s.%s not a positive number"):format(i, key, k)) end
          end
        end
      end
      if obj.surface then
        per_surface_lines = per_surface_lines + 1
        surfaces_seen[obj.surface] = (surfaces_seen[obj.surface] or 0) + 1
        if obj.metrics or obj.player then violation("per-surface line carries metrics/player") end
      else
        if stats_by_tick[obj.tick] then violation("two summed stats lines at tick " .. obj.tick) end
        stats_by_tick[obj.tick] = obj
      end
    elseif obj.type == "event" then
      if obj.session_id ~= sessions[#sessions] then violation(("line %d: event outside its session"):format(i)) end
      events_seen[obj.event_name] = (events_seen[obj.event_name] or 0) + 1
      if obj.event_name:match("^on_research_") and (type(obj.tech_name) ~= "string" or math.type(obj.tech_level) ~= "integer") then
        violation("research event without tech_name/tech_level")
      end
    else
      violation(("line %d: unexpected type %s"):format(i, tostring(obj.type)))
    end
  end
end

if write_calls ~= samples then violation(("write calls %d ~= samples %d"):format(write_calls, samples)) end
if max_calls_per_tick > 1 then violation("more than one write_file call in one tick") end
if storage_writes_in_on_load > 0 then violation("storage written in on_load") end
if session_inits ~= 1 + (sc.load_at and 1 or 0) then violation("session_init count " .. session_inits) end

-- Scenario expectations on content.
local function summed_at(t) return stats_by_tick[t] end
local s9000 = summed_at(9000)
if s9000 then
  if s9000.materials_consumption.steam then violation("NaN steam consumption was not left out") end
  if s9000.products_production.lava then violation("+inf lava production was not left out") end
  if s9000.materials_consumption.coal then violation("-inf coal consumption was not left out") end
  if not s9000.products_production.steam then violation("steam production missing at 9000") end
end
if sc.game_events then
  local burst_sample
  if sc.burst then
    local first
    for t in pairs(stats_by_tick) do
      if t >= sc.burst.tick and (not first or t < first) then first = t end
    end
    burst_sample = first and summed_at(first)
  end
  if sc.burst and burst_sample and burst_sample.metrics["events/on_robot_built_entity"] ~= sc.burst.count then
    violation("burst not counted as events/on_robot_built_entity = " .. sc.burst.count)
  end
  if (events_seen.on_robot_built_entity or 0) > 0 then violation("robot builds written as event lines") end
  if (events_seen.on_research_finished or 0) == 0 then violation("no on_research_finished line") end
else
  for _ in pairs(events_seen) do violation("event lines with game events off") break end
end
if sc.per_surface and per_surface_lines == 0 then violation("no per-surface lines") end

io.stderr:write(("scenario=%s sessions=%s per_surface_lines=%d surfaces=%s events=%s flow_calls=%d\n"):format(
  scenario_name, table.concat(sessions, ","), per_surface_lines,
  (function() local t = {} for k, v in pairs(surfaces_seen) do t[#t + 1] = k .. ":" .. v end table.sort(t) return table.concat(t, ",") end)(),
  (function() local t = {} for k, v in pairs(events_seen) do t[#t + 1] = k .. ":" .. v end table.sort(t) return table.concat(t, ",") end)(),
  flow_calls))

print(('{"lines":%d,"write_calls":%d,"max_write_calls_per_tick":%d,"samples":%d,"storage_writes_in_on_load":%d}'):format(
  #lines, write_calls, max_calls_per_tick, samples, storage_writes_in_on_load))
os.exit(#violations == 0 and 0 or 1)
