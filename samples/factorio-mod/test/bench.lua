-- Cost per sample of the mod on a big base, in the interpreter that runs it
-- (Factorio runs Lua 5.2; run this with lua5.2 and lua5.4):
--
--   lua5.2 samples/factorio-mod/test/bench.lua [--mod DIR] [--samples N]
--
-- The world: 850 item and fluid keys (800 items, 50 fluids) produced and 600
-- consumed on nauvis; 14 more surfaces (planets and platforms) with 120 keys
-- each. Four cases: nauvis only / 15 surfaces, per-surface off / on; and the
-- 15-surface per-surface case again with quality (5 qualities, 40 items with
-- uncommon/rare production). The stand-in is plain Lua tables with no API
-- checks (harness.lua checks; this measures), so the figures are the mod's
-- own Lua work: collection (statistics reads, metrics) + encoding (json.encode
-- of every line), CPU time from os.clock(), mean over N samples after 20
-- warm-up samples. The game's own cost per API call is not in these figures;
-- the API calls per sample are printed for that.

local args = { ... }
local mod_dir, n_samples
do
  local here = (arg[0]:match("^(.*)[/\\]") or ".")
  mod_dir = here .. "/../rxfactorio-telemetry"
  n_samples = 200
  local i = 1
  while i <= #args do
    if args[i] == "--mod" then mod_dir = args[i + 1]; i = i + 2
    elseif args[i] == "--samples" then n_samples = tonumber(args[i + 1]); i = i + 2
    else io.stderr:write("usage: bench.lua [--mod DIR] [--samples N]\n"); os.exit(2) end
  end
end

local function build_world(n_surfaces, quality)
  local tick = 0
  local calls = 0
  local function names(prefix, n)
    local l = {}
    for i = 1, n do l[i] = prefix .. "-" .. i end
    return l
  end
  local items, fluids = names("item-with-a-typical-name", 800), names("fluid", 50)
  local surfaces, by_index = {}, {}
  local quality_items = {}
  for i = 1, 40 do quality_items[items[i]] = true end
  local function flow(keys_in, keys_out, seed)
    local input, output = {}, {}
    for _, k in ipairs(keys_in) do input[k] = 1000 end
    for _, k in ipairs(keys_out) do output[k] = 1000 end
    local st = {}
    st.get_flow_count = function(p)
      calls = calls + 1
      local name, q = p.name, 0
      if type(name) == "table" then
        q = ({ uncommon = 1, rare = 2, epic = 3, legendary = 4 })[name.quality] or 0
        name = name.name
        if q > 0 and not quality_items[name] then return 0 end
        if q > 2 then return 0 end
      end
      -- realistic rates: fractions that need 15-17 significant digits
      return ((#name * 131 + seed * 17 + tick / 120) % 977 + 1) / (3 + q)
    end
    return setmetatable(st, { __index = function(_, k)
      if k == "input_counts" then local c = {} for n, v in pairs(input) do c[n] = v end return c end
      if k == "output_counts" then local c = {} for n, v in pairs(output) do c[n] = v end return c end
    end })
  end
  for index = 1, n_surfaces do
    local keys_in, keys_out = {}, {}
    if index == 1 then
      for _, k in ipairs(items) do keys_in[#keys_in + 1] = k end
      for _, k in ipairs(fluids) do keys_in[#keys_in + 1] = k end
      for i = 1, 600 do keys_out[#keys_out + 1] = keys_in[i] end
    else
      for i = 1, 120 do keys_in[#keys_in + 1] = items[(index * 37 + i) % 800 + 1] end
      for i = 1, 80 do keys_out[#keys_out + 1] = items[(index * 53 + i) % 800 + 1] end
    end
    local is_platform = index > 5
    local s = {
      name = is_platform and ("platform-" .. index) or ("planet-" .. index), index = index, valid = true,
      no_enemies_mode = false,
      map_gen_settings = { autoplace_controls = { ["enemy-base"] = { size = 1 } } },
      pollutant_type = (not is_platform) and { name = "pollution" } or nil,
      get_total_pollution = function() calls = calls + 1 return 1234.5 + tick end,
    }
    s.platform = is_platform and { name = "Platform " .. index, index = index, state = 3, speed = 0.5, weight = 1e6, valid = true } or nil
    s.item, s.fluid = flow(keys_in, keys_out, index), flow(fluids, {}, index + 100)
    if index > 1 then s.fluid = flow({}, {}, index) end
    surfaces[s.name] = s
    by_index[index] = s
  end
  local force = { name = "player", valid = true, rockets_launched = 3, research_progress = 0.5, current_research = { name = "x" } }
  force.get_item_production_statistics = function(s) calls = calls + 1 return s.item end
  force.get_fluid_production_statistics = function(s) calls = calls + 1 return s.fluid end
  local enemy = { name = "enemy", get_evolution_factor = function() calls = calls + 1 return 0.25 end }
  local player = { valid = true, connected = true, character = { valid = true, health = 250 },
    physical_position = { x = 1.5, y = 2.5 }, position = { x = 1.5, y = 2.5 } }
  player.physical_surface, player.surface = by_index[1], by_index[1]
  local game = {
    forces = { player = force, enemy = enemy },
    surfaces = setmetatable({}, { __pairs = function()
      local i = 0
      return function() i = i + 1; local s = by_index[i]; if s then return s.name, s end end
    end }),
    players = { player }, connected_players = { player },
    is_multiplayer = function() return false end,
  }
  setmetatable(game, { __index = function(_, k) if k == "tick" then return tick end end })
  return {
    game = game, set_tick = function(t) tick = t end,
    calls = function() return calls end,
    force = force, by_index = by_index,
  }
end

-- The stand-in's own cost per sample: the least any mod reading these
-- statistics must do (per surface, read input_counts/output_counts of items
-- and fluids once and call get_flow_count once per key), timed on a fresh
-- world in the same run. This is plain-table Lua work of the stand-in, not of
-- the mod, so the mod's own cost is the sample tick minus this floor.
local function standin_floor(n_surfaces, n_samples)
  local w = build_world(n_surfaces, false)
  local params = { name = nil, category = nil, precision_index = 1 }
  local total = 0
  for sample = 1, n_samples + 20 do
    w.set_tick(sample * 120)
    local t0 = os.clock()
    for _, surface in ipairs(w.by_index) do
      for _, stats in ipairs({ w.force.get_item_production_statistics(surface), w.force.get_fluid_production_statistics(surface) }) do
        for category, names in pairs({ input = stats.input_counts, output = stats.output_counts }) do
          params.category = category
          for name in pairs(names) do params.name = name; stats.get_flow_count(params) end
        end
      end
    end
    if sample > 20 then total = total + (os.clock() - t0) end
  end
  return total * 1000 / n_samples
end

local function run_case(label, n_surfaces, per_surface, quality, transport)
  local w = build_world(n_surfaces, quality)
  local H = {}
  local encode_time = 0
  local settings_values = {
    ["rxfactorio-sample-interval"] = { value = 120 }, ["rxfactorio-output-file"] = { value = "events.jsonl" },
    ["rxfactorio-per-surface"] = { value = per_surface }, ["rxfactorio-game-events"] = { value = true },
    ["rxfactorio-transport"] = { value = transport or "file" }, ["rxfactorio-udp-port"] = { value = 34200 },
    ["rxfactorio-udp-datagram-bytes"] = { value = 1400 }, ["rxfactorio-event-lines"] = { value = false },
    ["rxfactorio-screenshots"] = { value = false }, ["rxfactorio-screenshot-every"] = { value = 30 },
  }
  local bytes, sends = 0, 0
  local env
  local qualities = {}
  for _, n in ipairs({ "normal", "uncommon", "rare", "epic", "legendary" }) do qualities[n] = { name = n, level = #qualities, hidden = false } end
  local lvl = { normal = 0, uncommon = 1, rare = 2, epic = 3, legendary = 5 }
  for n, q in pairs(qualities) do q.level = lvl[n] end
  local defines = { events = {}, flow_precision_index = { one_minute = 1 } }
  for i, n in ipairs({ "on_built_entity", "on_robot_built_entity", "on_player_mined_entity", "on_robot_mined_entity",
    "on_player_crafted_item", "on_space_platform_built_entity", "on_space_platform_mined_entity", "on_research_started",
    "on_research_finished", "on_rocket_launched", "on_runtime_mod_setting_changed", "on_tick" }) do defines.events[n] = i end
  env = setmetatable({
    script = {
      level = { level_name = "freeplay" }, feature_flags = { quality = quality },
      on_init = function(f) H.init = f end, on_load = function() end, on_configuration_changed = function() end,
      on_event = function(id, f) if id == defines.events.on_tick then H.tick = f end end,
      on_nth_tick = function(n, f) H.nth = f end,
    },
    defines = defines,
    settings = { global = settings_values },
    prototypes = { quality = qualities },
    helpers = {
      write_file = function(_, data) bytes = bytes + #data end,
      send_udp = function(_, data) bytes = bytes + #data; sends = sends + 1 end,
    },
    game = w.game,
  }, { __index = _G })
  env.require = function(name)
    local chunk
    if setfenv then
      chunk = assert(loadfile(mod_dir .. "/" .. name .. ".lua"))
      setfenv(chunk, env)
    else
      chunk = assert(loadfile(mod_dir .. "/" .. name .. ".lua", "t", env))
    end
    local json = chunk()
    -- every encoding entry point of json.lua is timed as "encoding"
    local function timed(f)
      return function(...)
        local t0 = os.clock()
        local a = f(...)
        encode_time = encode_time + (os.clock() - t0)
        return a
      end
    end
    local untimed_encode = json.encode
    json.encode = timed(json.encode)
    if json.map_encoder then
      local make = json.map_encoder
      json.map_encoder = function() return timed(make()) end
    end
    if json.entries then json.entries = timed(json.entries) end
    return json
  end
  local chunk
  if setfenv then
    chunk = assert(loadfile(mod_dir .. "/control.lua"))
    setfenv(chunk, env)
  else
    chunk = assert(loadfile(mod_dir .. "/control.lua", "t", env))
  end
  chunk()
  H.init()
  local t = 0
  local sample_time, later_time, worst_later = 0, 0, 0
  local sample_encode = 0
  -- One sample interval: the 119 ticks after the last sample (on_tick only),
  -- then the sample tick (on_tick, on_nth_tick).
  local function interval(measure)
    for _ = 1, 119 do
      t = t + 1
      w.set_tick(t)
      if H.tick then
        local t0 = os.clock()
        H.tick({ tick = t })
        local dt = os.clock() - t0
        if measure then
          later_time = later_time + dt
          if dt > worst_later then worst_later = dt end
        end
      end
    end
    t = t + 1
    w.set_tick(t)
    local e0 = encode_time
    local t0 = os.clock()
    if H.tick then H.tick({ tick = t }) end
    H.nth({ tick = t, nth_tick = 120 })
    if measure then
      sample_time = sample_time + (os.clock() - t0)
      sample_encode = sample_encode + (encode_time - e0)
    end
  end
  for _ = 1, 20 do interval(false) end
  bytes, sends = 0, 0
  local calls0 = w.calls()
  for _ = 1, n_samples do interval(true) end
  local per = 1000 / n_samples
  local floor = standin_floor(n_surfaces, n_samples)
  print(string.format("%-46s sample tick %6.2f ms (collection %5.2f + encoding %5.2f; stand-in floor %4.2f, mod's own %5.2f) | later ticks %5.2f ms, max %4.2f ms/tick | %.0f API calls, %.0f bytes",
    label, sample_time * per, (sample_time - sample_encode) * per, sample_encode * per, floor, sample_time * per - floor, later_time * per, worst_later * 1000,
    (w.calls() - calls0) / n_samples, bytes / n_samples) .. (sends > 0 and string.format(", %.0f datagrams", sends / n_samples) or ""))
end

print(string.format("%s, mod %s, %d samples", _VERSION, mod_dir, n_samples))
run_case("850 keys, 1 surface", 1, false, false)
run_case("850 keys, 15 surfaces, per-surface off", 15, false, false)
run_case("850 keys, 15 surfaces, per-surface on", 15, true, false)
run_case("850 keys, 15 surfaces, per-surface on, quality", 15, true, true)
run_case("850 keys, 1 surface, udp (1400-byte datagrams)", 1, false, false, "udp")
