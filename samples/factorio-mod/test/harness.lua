-- Contract harness: runs the rxfactorio-telemetry mod under a stock Lua 5.4
-- interpreter against a stand-in for the Factorio 2.0.72 API that is built from
-- the game's machine-readable API definition (api/runtime-api-2.0.72.lua, made by
-- api/extract.py; strict objects from api/standin.lua), checks the mod's rules and
-- the lines it writes, and prints a one-line JSON summary.
--
--   lua5.4 samples/factorio-mod/test/harness.lua OUT [scenario] [--mod DIR]
--
-- Scenarios: default, multiplayer, interval, events-off, udp, space-age. For udp, OUT
-- receives every datagram as a 4-byte big-endian length + its bytes. Exit code 0 =
-- every rule and expectation held, 1 = a rule was broken (details on stderr), 2 =
-- usage error. See README.md next to this file.

local args = { ... }
local out_path, scenario_name, mod_dir_arg
do
  local positional = {}
  local i = 1
  while i <= #args do
    if args[i] == "--mod" then mod_dir_arg = args[i + 1]; i = i + 2
    else positional[#positional + 1] = args[i]; i = i + 1 end
  end
  out_path, scenario_name = positional[1], positional[2] or "default"
end
if not out_path then
  io.stderr:write("usage: lua5.4 harness.lua OUT [default|multiplayer|interval|events-off|udp|space-age] [--mod DIR]\n")
  os.exit(2)
end

local here = (arg[0]:match("^(.*)[/\\]") or ".")
local mod_dir = mod_dir_arg or (here .. "/../rxfactorio-telemetry")
local json_decode = dofile(here .. "/json_decode.lua")
local api = dofile(here .. "/api/runtime-api-2.0.72.lua")
local S = dofile(here .. "/api/standin.lua")(api)
local defines = S.defines

local violations = {}
local function violation(msg)
  violations[#violations + 1] = msg
  io.stderr:write("VIOLATION: " .. msg .. "\n")
end

---------------------------------------------------------------------------
-- Scenarios (all ticks are game ticks; 60 ticks = 1 s).
---------------------------------------------------------------------------
local base_scenario = {
  multiplayer = false,
  settings = {},                -- setting name -> value at the start
  end_tick = 12000,
  load_at = 6050,               -- save at this tick, load, continue
  per_surface = { on = 8000, off = 10000 },
  interval_change = nil,        -- { tick = , value = }
  burst = { tick = 4001, count = 10000 },
  space_age = false,            -- quality, gleba/fulgora, platform replaced, platform events
}

local scenarios = {
  default = {},
  multiplayer = { multiplayer = true },
  interval = { settings = { ["rxfactorio-sample-interval"] = 300 }, interval_change = { tick = 3000, value = 60 },
    load_at = false, per_surface = false, end_tick = 6000 },
  ["events-off"] = { settings = { ["rxfactorio-game-events"] = false } },
  udp = { settings = { ["rxfactorio-transport"] = "udp", ["rxfactorio-udp-datagram-bytes"] = 512 } },
  ["space-age"] = { space_age = true, load_at = false, end_tick = 6000, per_surface = { on = 0 }, burst = false,
    settings = { ["rxfactorio-event-lines"] = true, ["rxfactorio-screenshots"] = true, ["rxfactorio-screenshot-every"] = 10 } },
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
local setting_defs = {}
do
  local data = { extend = function(self, list)
    for _, s in ipairs(list) do
      if s.setting_type ~= "runtime-global" then violation("setting " .. s.name .. " is not runtime-global") end
      setting_defs[s.name] = s
    end
  end }
  local chunk = assert(loadfile(mod_dir .. "/settings.lua", "t", setmetatable({ data = data }, { __index = _G })))
  chunk()
end
local setting_values = {}
for name, s in pairs(setting_defs) do setting_values[name] = { value = s.default_value } end
for name, v in pairs(sc.settings) do
  if not setting_values[name] then io.stderr:write("scenario sets unknown setting " .. name .. "\n") os.exit(2) end
  setting_values[name].value = v
end
local function setting(name) return setting_values[name].value end
local transport = setting("rxfactorio-transport")
local settings_global = S.custom_table(function(k) return setting_values[k] end, function()
  local names = {}
  for k in pairs(setting_values) do names[#names + 1] = k end
  table.sort(names)
  local i = 0
  return function() i = i + 1; local k = names[i]; if k then return k, setting_values[k] end end
end)

---------------------------------------------------------------------------
-- The world: surfaces, production model, force, player.
---------------------------------------------------------------------------
local tick = 0
local NaN = 0 / 0

local function ramp(from, base, per_hour)
  return function(t)
    if t < from then return 0 end
    return base + per_hour * (t - from) / 216000
  end
end
local function window(from, to, rate)
  return function(t) return (t >= from and t < to) and rate or 0 end
end

-- { world surface key, item|fluid, input (produced) | output (consumed), name, rate(t) [, quality] }
local model = {
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
  { "vulcanus", "item", "input", "tungsten-ore", ramp(7000, 60, 120) },
  { "vulcanus", "item", "input", "calcite", ramp(7000, 30, 30) },
  { "vulcanus", "item", "output", "calcite", ramp(7200, 20, 20) },
  { "vulcanus", "fluid", "input", "lava", ramp(7000, 3000, 0) },
  { "vulcanus", "fluid", "input", "molten-iron", ramp(7200, 1500, 0) },
  { "vulcanus", "fluid", "output", "lava", ramp(7200, 3000, 0) },
  -- space platform "Asteroid miner" (surface platform-3) collecting asteroid chunks
  { "miner", "item", "input", "metallic-asteroid-chunk", ramp(7500, 4.2, 3) },
  { "miner", "item", "input", "iron-ore", ramp(7500, 80, 0) },
  { "miner", "item", "output", "metallic-asteroid-chunk", ramp(7500, 4, 3) },
}
if sc.space_age then
  -- quality: uncommon and rare iron plates from tick 1200, rare gears consumed from 2400
  model[#model + 1] = { "nauvis", "item", "input", "iron-plate", ramp(1200, 12, 0), "uncommon" }
  model[#model + 1] = { "nauvis", "item", "input", "iron-plate", ramp(1200, 1.5, 0), "rare" }
  model[#model + 1] = { "nauvis", "item", "output", "iron-gear-wheel", ramp(2400, 0.75, 0), "rare" }
  model[#model + 1] = { "nauvis", "item", "input", "iron-gear-wheel", ramp(2400, 0.75, 0), "rare" }
  -- the platform is replaced at tick 3000 by "Shuttle" on the same surface index
  model[#model + 1] = { "miner", "item", "input", "metallic-asteroid-chunk", window(0, 3000, 6) }
  model[#model + 1] = { "shuttle", "item", "input", "carbonic-asteroid-chunk", ramp(3000, 5, 0) }
  model[#model + 1] = { "gleba", "item", "input", "yumako", ramp(600, 90, 0) }
  -- normal-only iron plates on gleba: the summed line's parts must still add up
  model[#model + 1] = { "gleba", "item", "input", "iron-plate", ramp(600, 10, 0) }
end

-- Injected bad values: the mod must leave them out (no NaN/inf in output).
local poison = {
  { "nauvis", "fluid", "output", "steam", 8880, 9120, NaN },
  { "vulcanus", "fluid", "input", "lava", 8880, 9120, math.huge },
  { "nauvis", "item", "output", "coal", 8880, 9120, -math.huge },
}

local flow_reads, flow_calls, counts_reads = 0, 0, 0
local counts_reads_this_sample = {} -- stats key -> reads of input/output_counts

local function make_flow(world_key, kind)
  local counts = { input = {}, output = {} } -- name -> cumulative count
  local function counts_attr(category)
    return function()
      counts_reads = counts_reads + 1
      local k = world_key .. "/" .. kind .. "/" .. category
      counts_reads_this_sample[k] = (counts_reads_this_sample[k] or 0) + 1
      local copy = {}
      for n, c in pairs(counts[category]) do copy[n] = c end
      return copy -- a new table per read, as in the game
    end
  end
  local backing = {
    input_counts = counts_attr("input"),
    output_counts = counts_attr("output"),
    force = nil,
  }
  backing.get_flow_count = function(p)
    flow_calls = flow_calls + 1
    -- a string in the API; its description names the valid choices
    if p.category ~= "input" and p.category ~= "output" and p.category ~= "storage" then
      violation("get_flow_count category " .. tostring(p.category) .. " is not input|output|storage")
    end
    if p.precision_index ~= defines.flow_precision_index.one_minute then violation("precision_index is not one_minute") end
    if p.count then violation("count=true: rates per minute expected") end
    local name, quality = p.name, "normal"
    if type(name) == "table" then
      name, quality = name.name, name.quality or "normal"
      if kind == "fluid" then violation("quality asked for fluid " .. tostring(name)) end
      if not sc.space_age then violation("quality read without the quality feature flag") end
    end
    if counts[p.category] == nil or counts[p.category][name] == nil then
      violation("get_flow_count for a name not in " .. p.category .. "_counts: " .. tostring(name))
    end
    if quality == "normal" then
      for _, bad in ipairs(poison) do
        if bad[1] == world_key and bad[2] == kind and bad[3] == p.category and bad[4] == name
          and tick >= bad[5] and tick < bad[6] then
          return bad[7]
        end
      end
    end
    local rate = 0
    for _, m in ipairs(model) do
      if m[1] == world_key and m[2] == kind and m[3] == p.category and m[4] == name and (m[6] or "normal") == quality then
        rate = rate + m[5](tick)
      end
    end
    return rate
  end
  return S.object("LuaFlowStatistics", backing), counts
end

local function qualityproto(name, level, hidden)
  return S.object("LuaQualityPrototype", { name = name, level = level, hidden = hidden, type = "quality" })
end
local quality_protos = {
  normal = qualityproto("normal", 0, false), uncommon = qualityproto("uncommon", 1, false),
  rare = qualityproto("rare", 2, false), epic = qualityproto("epic", 3, false),
  legendary = qualityproto("legendary", 5, false), ["quality-unknown"] = qualityproto("quality-unknown", 0, true),
}
local pollutants = {
  pollution = S.object("LuaAirbornePollutantPrototype", { name = "pollution", type = "airborne-pollutant" }),
  spores = S.object("LuaAirbornePollutantPrototype", { name = "spores", type = "airborne-pollutant" }),
}

-- surfaces: world key -> { proxy, backing, flows }
local world, surfaces_by_index = {}, {}
local force_proxy -- set below
local function mapgen(enemy_control, territory)
  local controls = {}
  if enemy_control then controls[enemy_control] = { frequency = 1, size = 1, richness = 1 } end
  return { autoplace_controls = controls, seed = 1, peaceful_mode = false, no_enemies_mode = false,
    territory_settings = territory and { units = { "small-demolisher" }, territory_index_expression = "x", territory_variation_expression = "y", minimum_territory_size = 10 } or nil }
end
local function make_surface(key, name, index, opts)
  local b = { name = name, index = index, no_enemies_mode = false, map_gen_settings = opts.mapgen or mapgen(nil),
    pollutant_type = opts.pollutant }
  b.get_total_pollution = function() return (1234.5 + tick * 0.75) / index end
  local proxy = S.object("LuaSurface", b)
  if opts.platform then
    local pb = { name = opts.platform, index = opts.platform_index, surface = proxy, state = defines.space_platform_state.on_the_path,
      speed = 0.0625, weight = 1250000, valid = true, force = function() return force_proxy end }
    b.platform = S.object("LuaSpacePlatform", pb)
    b.map_gen_settings = nil
    b.pollutant_type = nil
  end
  local item, item_counts = make_flow(key, "item")
  local fluid, fluid_counts = make_flow(key, "fluid")
  world[key] = { proxy = proxy, backing = b, item = item, fluid = fluid, counts = { item = item_counts, fluid = fluid_counts } }
  surfaces_by_index[index] = world[key]
  return proxy
end
local nauvis = make_surface("nauvis", "nauvis", 1, { mapgen = mapgen("enemy-base"), pollutant = pollutants.pollution })
make_surface("vulcanus", "vulcanus", 2, { mapgen = mapgen(nil, true), pollutant = pollutants.pollution })
make_surface("miner", "platform-3", 3, { platform = "Asteroid miner", platform_index = 1 })
if sc.space_age then
  make_surface("gleba", "gleba", 4, { mapgen = mapgen("gleba_enemy_base"), pollutant = pollutants.spores })
  make_surface("fulgora", "fulgora", 5, { mapgen = mapgen(nil), pollutant = pollutants.pollution })
end

local function replace_platform()
  -- "Asteroid miner" is deleted; "Shuttle" gets the freed surface index 3 and
  -- the same surface name platform-3.
  world.miner.backing.valid = false
  surfaces_by_index[3] = nil
  world.miner = nil
  make_surface("shuttle", "platform-3", 3, { platform = "Shuttle", platform_index = 2 })
end

-- Advance the cumulative totals (every 12 ticks, like one GUI sample).
local function advance_counts(t)
  for _, m in ipairs(model) do
    local rate = m[5](t)
    local w = world[m[1]]
    if rate > 0 and w then
      local counts = w.counts[m[2]][m[3]]
      counts[m[4]] = (counts[m[4]] or 0) + rate * 12 / 3600
    end
  end
end

local function resolve_surface(id)
  if type(id) == "number" then local w = surfaces_by_index[id]; return w and w.proxy end
  if type(id) == "string" then
    for _, w in pairs(surfaces_by_index) do if w.backing.name == id then return w.proxy end end
    return nil
  end
  for _, w in pairs(surfaces_by_index) do if w.proxy == id then return id end end
end
local function world_of(surface_proxy)
  for _, w in pairs(surfaces_by_index) do if w.proxy == surface_proxy then return w end end
end

local force_backing = { name = "player", index = 1, rockets_launched = 0, research_progress = 0 }
force_backing.get_item_production_statistics = function(s)
  local w = world_of(resolve_surface(s))
  if not w then violation("bad surface id " .. tostring(s)) return nil end
  return w.item
end
force_backing.get_fluid_production_statistics = function(s)
  local w = world_of(resolve_surface(s))
  if not w then violation("bad surface id " .. tostring(s)) return nil end
  return w.fluid
end
force_proxy = S.object("LuaForce", force_backing)
local enemy_backing = { name = "enemy", index = 2 }
enemy_backing.get_evolution_factor = function(s)
  local w = world_of(resolve_surface(s or 1))
  return math.min(1, 0.0000015 * tick * (w.backing.index == 1 and 1 or 0.4))
end
local enemy = S.object("LuaForce", enemy_backing)

-- Player 1: physically on nauvis; from tick 3000 in remote view of the platform,
-- so position/surface (which follow the view) differ from physical_position/_surface.
local character = S.object("LuaEntity", { name = "character", type = "character", health = 250 })
local PHYSICAL = { x = 12.5, y = -3 }
-- In space-age the player is away (disconnected) during ticks 4000..4999: no
-- screenshot can be taken then (a headless server renders nothing).
local function away() return sc.space_age and tick >= 4000 and tick < 5000 end
local player_backing = {
  index = 1, name = "engineer", connected = function() return not away() end, character = character,
  physical_position = PHYSICAL, physical_surface = nauvis,
  position = function() return tick >= 3000 and { x = 0, y = 0 } or PHYSICAL end,
  surface = function() return tick >= 3000 and surfaces_by_index[3].proxy or nauvis end,
}
local player = S.object("LuaPlayer", player_backing)

local function ordered(list_fn)
  return function()
    local list = list_fn()
    local i = 0
    return function() i = i + 1; local e = list[i]; if e then return e[1], e[2] end end
  end
end
local surfaces_table = S.custom_table(resolve_surface, ordered(function()
  local l = {}
  for i = 1, 10 do local w = surfaces_by_index[i]; if w then l[#l + 1] = { w.backing.name, w.proxy } end end
  return l
end))
local forces_table = S.custom_table(function(k) return ({ player = force_proxy, enemy = enemy })[k] end,
  ordered(function() return { { "player", force_proxy }, { "enemy", enemy } } end))
local players_table = S.custom_table(function(k) return (k == 1 or k == "engineer") and player or nil end,
  ordered(function() return { { 1, player } } end))

local screenshots = {}
local game_backing = {
  forces = forces_table, surfaces = surfaces_table, players = players_table,
  connected_players = function() return away() and {} or { player } end,
  tick = function() return tick end, ticks_played = function() return tick end,
  is_multiplayer = function() return sc.multiplayer end,
  take_screenshot = function(p)
    screenshots[#screenshots + 1] = { tick = tick, params = p }
  end,
}
local game = S.object("LuaGameScript", game_backing)

-- prototypes: iterating every item/fluid prototype is a UPS trap, so it is a violation.
local function guarded(kind)
  return S.custom_table(function(name) return nil end, function()
    violation("iterated prototypes." .. kind)
    return function() end
  end)
end
local quality_table = S.custom_table(function(k) return quality_protos[k] end, ordered(function()
  local l = {}
  for _, n in ipairs({ "normal", "uncommon", "rare", "epic", "legendary", "quality-unknown" }) do l[#l + 1] = { n, quality_protos[n] } end
  return l
end))
local prototypes = S.object("LuaPrototypes", { item = guarded("item"), fluid = guarded("fluid"), quality = quality_table })

---------------------------------------------------------------------------
-- helpers.write_file / helpers.send_udp: record what the mod writes or sends.
---------------------------------------------------------------------------
local write_calls, udp_calls, calls_this_tick, max_calls_per_tick = 0, 0, 0, 0
local written = {}   -- file transport: every data string, in order
local datagrams = {} -- udp transport: every datagram, in order
local output_name = setting("rxfactorio-output-file")
local function expected_for_player() return sc.multiplayer and 0 or nil end
local helpers_backing = {}
helpers_backing.write_file = function(filename, data, append, for_player)
  write_calls = write_calls + 1
  calls_this_tick = calls_this_tick + 1
  if calls_this_tick > max_calls_per_tick then max_calls_per_tick = calls_this_tick end
  if transport ~= "file" then violation("write_file with transport " .. transport) end
  if filename ~= output_name then violation("write_file to " .. tostring(filename)) end
  if append ~= true then violation("write_file without append=true") end
  if for_player ~= expected_for_player() then
    violation("for_player is " .. tostring(for_player) .. ", expected " .. tostring(expected_for_player()))
  end
  if type(data) ~= "string" or data:sub(-1) ~= "\n" then violation("data must be a string ending in \\n") end
  written[#written + 1] = data
end
helpers_backing.send_udp = function(port, data, for_player)
  udp_calls = udp_calls + 1
  if transport ~= "udp" then violation("send_udp with transport " .. transport) end
  if port ~= setting("rxfactorio-udp-port") then violation("send_udp to port " .. tostring(port)) end
  if for_player ~= expected_for_player() then
    violation("send_udp for_player is " .. tostring(for_player) .. ", expected " .. tostring(expected_for_player()))
  end
  if type(data) ~= "string" then violation("send_udp data is not a string") return end
  if #data > setting("rxfactorio-udp-datagram-bytes") then
    violation(("datagram of %d bytes > limit %d"):format(#data, setting("rxfactorio-udp-datagram-bytes")))
  end
  local _, newlines = data:gsub("\n", "")
  if newlines ~= 1 or data:sub(-1) ~= "\n" then violation("a datagram must be exactly one line ending in \\n") end
  datagrams[#datagrams + 1] = data
end
local helpers = S.object("LuaHelpers", helpers_backing)

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
  local script_backing = {
    level = { level_name = "freeplay", mod_name = "base" },
    active_mods = { base = "2.0.72", ["rxfactorio-telemetry"] = "0.2.0" },
    feature_flags = { quality = sc.space_age, space_travel = sc.space_age, spoiling = sc.space_age,
      freezing = sc.space_age, segmented_units = sc.space_age, rail_bridges = sc.space_age, expansion_shaders = sc.space_age },
    on_init = function(f) H.on_init = f end,
    on_load = function(f) H.on_load = f end,
    on_configuration_changed = function(f) H.on_configuration_changed = f end,
    on_event = function(id, f)
      local ids = type(id) == "table" and id or { id }
      for _, i in ipairs(ids) do H.events[i] = f end
    end,
    on_nth_tick = function(n, f)
      if n == nil then H.nth = {} return end
      H.nth[n] = f
    end,
  }
  env = setmetatable({
    script = S.object("LuaBootstrap", script_backing), defines = defines, helpers = helpers, prototypes = prototypes,
    settings = S.object("LuaSettings", { global = settings_global, startup = S.custom_table(function() return nil end, ordered(function() return {} end)),
      player_default = S.custom_table(function() return nil end, ordered(function() return {} end)) }),
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

local events_raised = {}
local function raise(name, fields)
  local data = { tick = tick }
  for k, v in pairs(fields or {}) do data[k] = v end
  local e = S.event(name, data) -- checked against the event's real fields
  events_raised[name] = (events_raised[name] or 0) + 1
  local f = H.events[defines.events[name]]
  if f then f(e) end
end

local samples = 0
local function fire_nth(t)
  for n, f in pairs(H.nth) do
    if t % n == 0 then
      samples = samples + 1
      counts_reads_this_sample = {}
      f(setmetatable({ tick = t, nth_tick = n }, { __index = function(_, k) error("NthTickEventData has no field " .. tostring(k), 2) end }))
      for k, reads in pairs(counts_reads_this_sample) do
        if reads > 1 then violation(("%s read %d times in one sample (read it once)"):format(k, reads)) end
      end
    end
  end
end

---------------------------------------------------------------------------
-- Scripted game activity.
---------------------------------------------------------------------------
local inventory = S.object("LuaInventory", { index = 1 })
local function entity(name, surface)
  return S.object("LuaEntity", { name = name, type = name, position = { x = 3.5, y = 7.5 }, surface = surface or nauvis,
    force = force_proxy })
end
local function item_stack(name, count)
  return S.object("LuaItemStack", { valid_for_read = true, name = name, count = count })
end
local recipe = S.object("LuaRecipe", { name = "iron-gear-wheel" })
local function tech(name, level)
  return S.object("LuaTechnology", { name = name, level = level or 1, force = force_proxy })
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

local crafted_items = 0
local function scripted_events(t)
  local r = research_plan[t]
  if r then
    local tr = tech(r[2], r[3])
    if r[1] == "on_research_started" then
      force_backing.current_research, force_backing.research_progress = tr, 0
      raise(r[1], { research = tr })
    else
      force_backing.current_research, force_backing.research_progress = nil, 0
      raise(r[1], { research = tr, by_script = false })
    end
  end
  if force_backing.current_research then force_backing.research_progress = math.min(1, force_backing.research_progress + 1 / 2000) end
  -- a player building, mining and crafting now and then
  if t % 97 == 0 then raise("on_built_entity", { entity = entity("transport-belt"), player_index = 1, consumed_items = inventory }) end
  if t % 251 == 0 then raise("on_player_mined_entity", { entity = entity("rock-big"), player_index = 1, buffer = inventory }) end
  if t % 180 == 0 then
    -- crafting 2 gears at once in the space-age scenario: counted per item
    local n = sc.space_age and 2 or 1
    crafted_items = crafted_items + n
    raise("on_player_crafted_item", { item_stack = item_stack("iron-gear-wheel", n), player_index = 1, recipe = recipe })
  end
  if t > 7000 and t % 30 == 0 then
    raise("on_robot_mined_entity", { entity = entity("tree-01"), robot = entity("construction-robot"), buffer = inventory })
  end
  if sc.burst and t == sc.burst.tick then
    for _ = 1, sc.burst.count do
      raise("on_robot_built_entity", { entity = entity("solar-panel"), robot = entity("construction-robot"), stack = item_stack("solar-panel", 1) })
    end
  end
  if sc.space_age then
    local platform_w = world.miner or world.shuttle
    if t % 200 == 0 then
      raise("on_space_platform_built_entity", { platform = platform_w.backing.platform, entity = entity("asteroid-collector", platform_w.proxy),
        stack = item_stack("asteroid-collector", 1) })
    end
    if t % 500 == 0 then
      raise("on_space_platform_mined_entity", { platform = platform_w.backing.platform, entity = entity("space-platform-foundation", platform_w.proxy),
        buffer = inventory })
    end
    if t == 3000 then replace_platform() end
  end
  if t == 11000 then
    force_backing.rockets_launched = force_backing.rockets_launched + 1
    local silo = S.object("LuaEntity", { name = "rocket-silo", type = "rocket-silo", surface = nauvis, force = force_proxy })
    raise("on_rocket_launched", { rocket = entity("rocket"), rocket_silo = silo })
  end
end

local function set_setting(name, value)
  setting_values[name].value = value
  -- Map settings: Factorio 2.0 sends "runtime-global" (never a plain "runtime").
  raise("on_runtime_mod_setting_changed", { setting = name, setting_type = "runtime-global", player_index = 1 })
end

---------------------------------------------------------------------------
-- Run.
---------------------------------------------------------------------------
local ok, err = xpcall(function()
  new_lua_state()
  env.game = game
  if not H.on_init then violation("no on_init handler") else H.on_init() end
  for t = 0, sc.end_tick do
    tick = t
    calls_this_tick = 0
    if t % 12 == 0 then advance_counts(t) end
    scripted_events(t)
    if sc.per_surface and t == sc.per_surface.on then set_setting("rxfactorio-per-surface", true) end
    if sc.per_surface and t == sc.per_surface.off then set_setting("rxfactorio-per-surface", false) end
    if sc.interval_change and t == sc.interval_change.tick then
      set_setting("rxfactorio-sample-interval", sc.interval_change.value)
    end
    raise("on_tick")
    fire_nth(t)
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
  -- The game runs on for 20 ticks without a sample (the deferred per-surface
  -- lines of the last sample go out on these ticks); nothing else happens.
  for t = sc.end_tick + 1, sc.end_tick + 20 do
    tick = t
    calls_this_tick = 0
    raise("on_tick")
  end
end, function(e) return tostring(e) .. "\n" .. debug.traceback("", 2) end)
if not ok then violation("mod error: " .. tostring(err)) end

---------------------------------------------------------------------------
-- Output: the file's bytes, or every datagram framed as >s4.
---------------------------------------------------------------------------
do
  local out = assert(io.open(out_path, "wb"))
  if transport == "udp" then
    for _, d in ipairs(datagrams) do out:write(string.pack(">s4", d)) end
  else
    out:write(table.concat(written))
  end
  out:close()
end
local lines = {}
for line in (transport == "udp" and table.concat(datagrams) or table.concat(written)):gmatch("([^\n]*)\n") do
  lines[#lines + 1] = line
end

---------------------------------------------------------------------------
-- Check the output.
---------------------------------------------------------------------------
local stats_by_tick, sessions, session_inits, events_seen = {}, {}, 0, {}
local per_surface_lines, surfaces_seen, last_tick = 0, {}, -1
local summed_parts = 0
local function merge_into(a, b)
  for _, key in ipairs({ "products_production", "materials_consumption", "metrics" }) do
    if b[key] then
      a[key] = a[key] or {}
      for k, v in pairs(b[key]) do
        if a[key][k] ~= nil then violation("split parts repeat " .. key .. "." .. k) end
        a[key][k] = v
      end
    end
  end
  if b.player then a.player = b.player end
  if b.screenshot_path then a.screenshot_path = b.screenshot_path end
end
local event_lines = {}
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
    if text:find("[:,%[]%-?nan") or text:find("[:,%[]%-?inf") or text:find(":null") then
      violation(("line %d has a non-finite value"):format(i))
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
        local prev = stats_by_tick[obj.tick]
        if prev and transport ~= "udp" then violation("two summed stats lines at tick " .. obj.tick) end
        if prev then merge_into(prev, obj); summed_parts = summed_parts + 1 else stats_by_tick[obj.tick] = obj end
      end
    elseif obj.type == "event" then
      if obj.session_id ~= sessions[#sessions] then violation(("line %d: event outside its session"):format(i)) end
      events_seen[obj.event_name] = (events_seen[obj.event_name] or 0) + 1
      event_lines[#event_lines + 1] = obj
      if obj.event_name:match("^on_research_") and (type(obj.tech_name) ~= "string" or math.type(obj.tech_level) ~= "integer") then
        violation("research event without tech_name/tech_level")
      end
    else
      violation(("line %d: unexpected type %s"):format(i, tostring(obj.type)))
    end
  end
end

if transport == "file" then
  -- one write per sample, plus one per deferred per-surface line (on the ticks after it)
  if write_calls < samples or write_calls > samples + per_surface_lines then
    violation(("write calls %d, samples %d, per-surface lines %d"):format(write_calls, samples, per_surface_lines))
  end
  if max_calls_per_tick > 1 then violation("more than one write_file call in one tick") end
else
  if write_calls ~= 0 then violation("write_file with transport udp") end
  if udp_calls ~= #lines then violation("datagrams ~= lines") end
  if summed_parts == 0 then violation("udp scenario: no stats line was split") end
end
if storage_writes_in_on_load > 0 then violation("storage written in on_load") end
if session_inits ~= 1 + (sc.load_at and 1 or 0) then violation("session_init count " .. session_inits) end

-- Content expectations.
local summed_ticks = {}
for t in pairs(stats_by_tick) do summed_ticks[#summed_ticks + 1] = t end
table.sort(summed_ticks)
for _, t in ipairs(summed_ticks) do
  local s = stats_by_tick[t]
  if s.player then
    -- physical position/surface, never the remote view (from tick 3000 on the platform)
    if s.player.surface ~= "nauvis" or s.player.position.x ~= PHYSICAL.x or s.player.position.y ~= PHYSICAL.y then
      violation(("tick %d: player is at the remote view (%s %s,%s), not the physical position"):format(
        t, tostring(s.player.surface), tostring(s.player.position.x), tostring(s.player.position.y)))
      break
    end
  end
  for k in pairs(s.metrics or {}) do
    if k:find("platform%-3") then violation("tick " .. t .. ": metric named after the surface platform-3: " .. k) break end
    if k:match("^evolution/") and (k:find("Asteroid") or k:find("Shuttle") or k == "evolution/fulgora") then
      violation("tick " .. t .. ": evolution on a surface without enemies: " .. k)
    end
  end
end
for name in pairs(surfaces_seen) do
  if name:find("^platform%-") then violation("per-surface line named after the platform's surface: " .. name) end
end
local s9000 = stats_by_tick[9000]
if s9000 then
  if s9000.materials_consumption.steam then violation("NaN steam consumption was not left out") end
  if s9000.products_production.lava then violation("+inf lava production was not left out") end
  if s9000.materials_consumption.coal then violation("-inf coal consumption was not left out") end
  if not s9000.products_production.steam then violation("steam production missing at 9000") end
end
local s8040 = stats_by_tick[8040]
if s8040 then
  for _, k in ipairs({ "platform/Asteroid miner/state", "platform/Asteroid miner/speed", "platform/Asteroid miner/weight",
    "evolution/nauvis", "evolution/vulcanus", "pollution/nauvis", "pollution/vulcanus" }) do
    if s8040.metrics[k] == nil then violation("metric " .. k .. " missing at 8040") end
  end
end
if setting("rxfactorio-game-events") then
  if sc.burst then
    local first
    for _, t in ipairs(summed_ticks) do if t >= sc.burst.tick then first = t break end end
    local burst_sample = first and stats_by_tick[first]
    if burst_sample and burst_sample.metrics["events/on_robot_built_entity"] ~= sc.burst.count then
      violation("burst not counted as events/on_robot_built_entity = " .. sc.burst.count)
    end
  end
  if (events_seen.on_robot_built_entity or 0) > 0 then violation("robot builds written as event lines") end
  if (events_seen.on_research_finished or 0) == 0 then violation("no on_research_finished line") end
  -- the client adds events/<name> to its count of <name> lines: metric + lines = items crafted
  local crafted = events_seen.on_player_crafted_item or 0
  for _, t in ipairs(summed_ticks) do crafted = crafted + (stats_by_tick[t].metrics["events/on_player_crafted_item"] or 0) end
  -- crafts in the last, unsampled ticks and before a load are not sampled
  if sc.space_age and crafted ~= crafted_items then
    violation(("events/on_player_crafted_item sums to %d, %d items were crafted"):format(crafted, crafted_items))
  end
else
  for _ in pairs(events_seen) do violation("event lines with game events off") break end
end
if sc.per_surface and per_surface_lines == 0 then violation("no per-surface lines") end

if sc.space_age then
  local s = stats_by_tick[2400]
  local p = s and s.products_production or {}
  local expected_sum = p["iron-plate@normal"] and (p["iron-plate@normal"] + (p["iron-plate@uncommon"] or 0) + (p["iron-plate@rare"] or 0))
  if not (p["iron-plate@uncommon"] and p["iron-plate@rare"] and p["iron-plate@normal"]) then
    violation("tick 2400: per-quality keys iron-plate@normal/@uncommon/@rare missing")
  elseif math.abs(p["iron-plate"] - expected_sum) > 1e-9 * expected_sum then
    violation("tick 2400: iron-plate is not the sum over its qualities")
  end
  if p["copper-plate@normal"] then violation("per-quality keys for an item made only in normal quality") end
  -- every line (summed and per surface): the parts of an item add up to the item
  for _, text in ipairs(lines) do
    local o = json_decode(text)
    if o.type == "stats" then
      for _, key in ipairs({ "products_production", "materials_consumption" }) do
        local parts = {}
        for k, v in pairs(o[key]) do
          local base = k:match("^(.-)@")
          if base then parts[base] = (parts[base] or 0) + v end
        end
        for base, sum in pairs(parts) do
          if math.abs((o[key][base] or 0) - sum) > 1e-9 * sum then
            violation(("tick %d %s: %s is %s, its quality parts add up to %s"):format(o.tick, o.surface or "(summed)", base, tostring(o[key][base]), tostring(sum)))
          end
        end
      end
    end
  end
  local last = stats_by_tick[summed_ticks[#summed_ticks]]
  if last.metrics["spores/gleba"] == nil or last.metrics["pollution/gleba"] ~= nil then violation("gleba's pollutant is not reported as spores/gleba") end
  if last.metrics["evolution/gleba"] == nil then violation("no evolution/gleba") end
  if last.metrics["pollution/fulgora"] == nil then violation("no pollution/fulgora") end
  if last.metrics["platform/Shuttle/speed"] == nil then violation("no platform/Shuttle metrics after the replacement") end
  if last.metrics["platform/Asteroid miner/speed"] ~= nil then violation("the deleted platform still has metrics") end
  if (surfaces_seen["Asteroid miner"] or 0) == 0 or (surfaces_seen["Shuttle"] or 0) == 0 then
    violation("per-surface lines must be named Asteroid miner, then Shuttle")
  end
  if (last.metrics["events/on_space_platform_built_entity"] or -1) < 0 then violation("platform builds not counted") end
  for _, name in ipairs({ "on_built_entity", "on_player_mined_entity", "on_player_crafted_item" }) do
    if (events_seen[name] or 0) == 0 then violation("no " .. name .. " event lines with the event-lines setting") end
  end
  for _, e in ipairs(event_lines) do
    if e.event_name == "on_built_entity" and not (e.entity == "transport-belt" and e.surface == "nauvis"
      and e.player_index == 1 and e.position and e.position.x == 3.5) then
      violation("on_built_entity line lacks entity/position/surface/player_index")
    end
    if e.event_name == "on_player_crafted_item" and not (e.item == "iron-gear-wheel" and e.count == 2) then
      violation("on_player_crafted_item line lacks item/count")
    end
  end
  local with_path = 0
  for _, t in ipairs(summed_ticks) do
    local path = stats_by_tick[t].screenshot_path
    if path then
      with_path = with_path + 1
      local shot
      for _, sh in ipairs(screenshots) do if sh.tick == t then shot = sh end end
      if not shot or shot.params.path ~= path then violation("screenshot_path " .. path .. " without its take_screenshot call") end
      if shot and shot.params.by_player == nil then violation("take_screenshot without by_player") end
    end
  end
  -- every 10th sample, but not at tick 4800, when no player is connected
  local expected_shots = math.ceil(samples / setting("rxfactorio-screenshot-every")) - 1
  if stats_by_tick[4800] and stats_by_tick[4800].screenshot_path then violation("screenshot with no player connected") end
  if with_path ~= expected_shots or #screenshots ~= expected_shots then
    violation(("%d screenshot paths, %d screenshots, expected %d"):format(with_path, #screenshots, expected_shots))
  end
elseif #screenshots > 0 then
  violation("screenshots taken with the setting off")
end

local function list(t) local l = {} for k, v in pairs(t) do l[#l + 1] = k .. ":" .. v end table.sort(l) return table.concat(l, ",") end
io.stderr:write(("scenario=%s sessions=%s per_surface_lines=%d surfaces=%s events=%s flow_calls=%d datagrams=%d\n"):format(
  scenario_name, table.concat(sessions, ","), per_surface_lines, list(surfaces_seen), list(events_seen), flow_calls, #datagrams))

print(('{"lines":%d,"write_calls":%d,"max_write_calls_per_tick":%d,"samples":%d,"storage_writes_in_on_load":%d}'):format(
  #lines, write_calls + udp_calls, max_calls_per_tick, samples, storage_writes_in_on_load))
os.exit(#violations == 0 and 0 or 1)
