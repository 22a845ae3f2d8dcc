-- RxFactorio telemetry: writes the JSON Lines of the event contract
-- (docs: /work/shared/design/EVENTS.md, README.md next to this file) to a file
-- or named pipe in script-output.
--
-- Rules this file follows (each one fixes a known problem of similar mods):
--   * storage is never written in on_load (it is read-only there and writing
--     it from per-peer state desyncs multiplayer). The session lives in Lua
--     locals only; a fresh Lua state (every load) starts a new session.
--   * exactly one helpers.write_file call per sample; rare event lines wait
--     for the next sample's write.
--   * statistics are read by iterating input_counts/output_counts (what the
--     force has ever made), never all prototypes.
--   * NaN and +/-inf are left out.
--   * in multiplayer only the server writes (for_player = 0).
--   * frequent events (building, mining, crafting) are only counted, so a
--     robot swarm costs one increment per event, not one line.

local json = require("json")

local CYCLE_TICKS = 120 -- the contract: cycle = floor(tick / 120), always
local MAX_PENDING_LINES = 1000 -- cap for queued event lines between samples

local SETTING_INTERVAL = "rxfactorio-sample-interval"
local SETTING_FILE = "rxfactorio-output-file"
local SETTING_PER_SURFACE = "rxfactorio-per-surface"
local SETTING_GAME_EVENTS = "rxfactorio-game-events"

-- Events that can fire thousands of times per second; counted per sample.
local COUNTED_EVENTS = {
  "on_built_entity",
  "on_robot_built_entity",
  "on_player_mined_entity",
  "on_robot_mined_entity",
  "on_player_crafted_item",
}

---------------------------------------------------------------------------
-- Per-peer Lua state. None of this is game state: it only decides what is
-- written to a file, so it may differ between peers without a desync. A load
-- (or joining a multiplayer game) creates a fresh Lua state, so these start
-- empty again, which is exactly "a new session after every load".
---------------------------------------------------------------------------
local session_id = nil       -- nil until the first handler after start/load
local pending = {}           -- encoded lines waiting for the next sample
local dropped_lines = 0      -- event lines dropped because pending was full
local counts = {}            -- event name -> count since the last sample
local config = nil           -- cached settings, see get_config()
local registered_interval = nil

local function get_config()
  if not config then
    local g = settings.global
    config = {
      interval = g[SETTING_INTERVAL].value,
      file = g[SETTING_FILE].value,
      per_surface = g[SETTING_PER_SURFACE].value,
      game_events = g[SETTING_GAME_EVENTS].value,
    }
  end
  return config
end

local function queue_line(tbl)
  if #pending >= MAX_PENDING_LINES then
    dropped_lines = dropped_lines + 1
    return
  end
  pending[#pending + 1] = json.encode(tbl) .. "\n"
end

-- Starts the session on the first handler after a new game or a load. The id
-- follows the original mod: <level_name>_<tick>. Only locals are touched.
local function ensure_session()
  if session_id then return end
  local level = script.level and script.level.level_name or "unknown"
  session_id = level .. "_" .. game.tick
  -- session_init goes first, ahead of anything already queued.
  table.insert(pending, 1, json.encode({
    type = "session_init",
    session_id = session_id,
    tick = game.tick,
    level_name = level,
  }) .. "\n")
end

---------------------------------------------------------------------------
-- Statistics
---------------------------------------------------------------------------
local ONE_MINUTE = defines.flow_precision_index.one_minute

-- Adds the one-minute rates (per minute) of one flow statistics object and
-- one category to `into`. Items and fluids go into the same map, as in the
-- original mod. For items and fluids "input" = produced, "output" = consumed.
local function add_rates(stats, category, into)
  local names = category == "input" and stats.input_counts or stats.output_counts
  for name in pairs(names) do
    local rate = stats.get_flow_count{
      name = name,
      category = category,
      precision_index = ONE_MINUTE,
      count = false,
    }
    -- rate > 0 is false for NaN; is_finite drops +inf.
    if rate and rate > 0 and json.is_finite(rate) then
      into[name] = (into[name] or 0) + rate
    end
  end
end

-- True if the force has ever produced or consumed anything on the surface.
local function has_statistics(item_stats, fluid_stats)
  return next(item_stats.input_counts) ~= nil
    or next(item_stats.output_counts) ~= nil
    or next(fluid_stats.input_counts) ~= nil
    or next(fluid_stats.output_counts) ~= nil
end

-- Surfaces in index order (nauvis first), so output order is stable.
local function sorted_surfaces()
  local list = {}
  for _, surface in pairs(game.surfaces) do list[#list + 1] = surface end
  table.sort(list, function(a, b) return a.index < b.index end)
  return list
end

-- Reads production and consumption of every surface. Returns the summed maps
-- and, per surface that has statistics, its own maps (only if wanted).
local function read_production(force, surfaces, per_surface)
  local total = { production = {}, consumption = {} }
  local by_surface = {}
  for _, surface in ipairs(surfaces) do
    local item_stats = force.get_item_production_statistics(surface)
    local fluid_stats = force.get_fluid_production_statistics(surface)
    if has_statistics(item_stats, fluid_stats) then
      local own = { production = {}, consumption = {} }
      add_rates(item_stats, "input", own.production)
      add_rates(fluid_stats, "input", own.production)
      add_rates(item_stats, "output", own.consumption)
      add_rates(fluid_stats, "output", own.consumption)
      for name, rate in pairs(own.production) do
        total.production[name] = (total.production[name] or 0) + rate
      end
      for name, rate in pairs(own.consumption) do
        total.consumption[name] = (total.consumption[name] or 0) + rate
      end
      if per_surface then
        by_surface[#by_surface + 1] = { surface = surface, maps = own }
      end
    end
  end
  return total, by_surface
end

-- The first player's character, as the original mod reports it. Absent when
-- there is no character (not yet spawned, dead, god or remote view).
local function read_player()
  local player = game.players[1]
  if not (player and player.valid and player.connected) then return nil end
  local character = player.character
  if not (character and character.valid) then return nil end
  local position = player.position
  return {
    position = { x = position.x, y = position.y },
    surface = player.surface.name,
    health = character.health,
  }
end

local function set_metric(metrics, name, value)
  if json.is_finite(value) then metrics[name] = value end
end

-- Cheap flat metrics: a handful of API reads, no entity scans.
local function read_metrics(force, surfaces, cfg)
  local metrics = {}
  if force.current_research then
    set_metric(metrics, "research/progress", force.research_progress)
  end
  set_metric(metrics, "rockets/launched", force.rockets_launched)
  set_metric(metrics, "players/connected", #game.connected_players)
  local enemy = game.forces["enemy"]
  for _, surface in ipairs(surfaces) do
    -- Space platforms have no enemies and no pollution.
    if not surface.platform then
      if enemy then
        set_metric(metrics, "evolution/" .. surface.name, enemy.get_evolution_factor(surface))
      end
      set_metric(metrics, "pollution/" .. surface.name, surface.get_total_pollution())
    end
  end
  if cfg.game_events then
    for _, name in ipairs(COUNTED_EVENTS) do
      metrics["events/" .. name] = counts[name] or 0
    end
    if dropped_lines > 0 then metrics["events/dropped_lines"] = dropped_lines end
  end
  return metrics
end

local function stats_line(tick, maps)
  return {
    type = "stats",
    session_id = session_id,
    cycle = math.floor(tick / CYCLE_TICKS),
    tick = tick,
    products_production = maps.production,
    materials_consumption = maps.consumption,
  }
end

-- The sample: everything of this sample goes out in ONE write_file call.
local function on_sample(event)
  ensure_session()
  local cfg = get_config()
  local tick = event.tick
  local force = game.forces["player"]
  local surfaces = sorted_surfaces()
  local total, by_surface = read_production(force, surfaces, cfg.per_surface)

  local line = stats_line(tick, total)
  line.player = read_player()
  line.metrics = read_metrics(force, surfaces, cfg)
  -- Event lines queued since the last sample keep their own (earlier) ticks.
  local out = pending
  out[#out + 1] = json.encode(line) .. "\n"
  for _, entry in ipairs(by_surface) do
    local own = stats_line(tick, entry.maps)
    own.surface = entry.surface.name
    out[#out + 1] = json.encode(own) .. "\n"
  end

  pending, counts, dropped_lines = {}, {}, 0
  -- for_player = 0: "only the server's output". In single player there is no
  -- other peer, and it is unverified whether 0 writes there, so pass nil.
  local for_player = game.is_multiplayer() and 0 or nil
  helpers.write_file(cfg.file, table.concat(out), true, for_player)
end

---------------------------------------------------------------------------
-- Game events
---------------------------------------------------------------------------
local function count_event(name)
  if not get_config().game_events then return end
  counts[name] = (counts[name] or 0) + 1
end

local function rare_event(event_name, fields)
  if not get_config().game_events then return end
  ensure_session()
  local line = {
    type = "event",
    event_name = event_name,
    session_id = session_id,
    tick = game.tick,
  }
  for k, v in pairs(fields) do line[k] = v end
  queue_line(line)
end

local function on_research(event_name)
  return function(event)
    local research = event.research
    rare_event(event_name, {
      tech_name = research.name,
      tech_level = research.level,
      force = research.force.name,
    })
  end
end

local function on_rocket_launched(event)
  local silo = event.rocket_silo
  local fields = {}
  if silo and silo.valid then
    fields.surface = silo.surface.name
    fields.force = silo.force.name
    fields.rockets_launched = silo.force.rockets_launched
  end
  rare_event("on_rocket_launched", fields)
end

---------------------------------------------------------------------------
-- Registration. on_nth_tick handlers are not saved with the map, so they are
-- registered in on_init and again in on_load (and re-registered when the
-- interval setting changes, an event every peer sees at the same tick).
---------------------------------------------------------------------------
local function register_sampler()
  local interval = get_config().interval
  if registered_interval == interval then return end
  if registered_interval then script.on_nth_tick(registered_interval, nil) end
  script.on_nth_tick(interval, on_sample)
  registered_interval = interval
end

local function on_setting_changed(event)
  if event.setting_type ~= "runtime" then return end
  if event.setting:sub(1, 11) ~= "rxfactorio-" then return end
  config = nil
  register_sampler()
end

script.on_init(function()
  register_sampler()
end)

script.on_load(function()
  -- Must not change game state: no storage writes, no game access. Only
  -- locals are reset; the first sample after the load sends session_init.
  session_id = nil
  pending, counts, dropped_lines = {}, {}, 0
  register_sampler()
end)

script.on_configuration_changed(function()
  -- Mod or game version changed: settings may have new defaults.
  config = nil
  register_sampler()
end)

for _, name in ipairs(COUNTED_EVENTS) do
  local id = defines.events[name]
  -- The closure keeps the name; the handler does one increment and no API call.
  script.on_event(id, function() count_event(name) end)
end

script.on_event(defines.events.on_research_started, on_research("on_research_started"))
script.on_event(defines.events.on_research_finished, on_research("on_research_finished"))
script.on_event(defines.events.on_rocket_launched, on_rocket_launched)
script.on_event(defines.events.on_runtime_mod_setting_changed, on_setting_changed)
