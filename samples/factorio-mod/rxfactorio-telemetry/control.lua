-- RxFactorio telemetry: writes the JSON Lines of the event contract
-- (docs/events.md, README.md next to this file) to a file or named pipe in
-- script-output, or sends them as UDP datagrams to a port on localhost.
--
-- Rules this file follows (each one fixes a known problem of similar mods):
--   * storage is never written in on_load (it is read-only there and writing
--     it from per-peer state desyncs multiplayer). The session lives in Lua
--     locals only; a fresh Lua state (every load) starts a new session.
--   * file transport: exactly one helpers.write_file call per sample; rare
--     event lines wait for the next sample's write. UDP transport: one
--     helpers.send_udp per line, also only at the sample.
--   * statistics are read by iterating input_counts/output_counts (what the
--     force has ever made), each read once per sample, never all prototypes.
--   * NaN and +/-inf are left out.
--   * in multiplayer only the server writes/sends (for_player = 0).
--   * frequent events (building, mining, crafting) are only counted, so a
--     robot swarm costs one increment per event, not one line. Their lines
--     (the original mod's) are an opt-in setting.

local json = require("json")

local CYCLE_TICKS = 120 -- the contract: cycle = floor(tick / 120), always
local MAX_PENDING_LINES = 1000 -- cap for queued event lines between samples
-- Quality (Space Age): each sample probes the non-normal qualities of one
-- item in QUALITY_PROBE_SPREAD; a pair that ever had a rate is then read every
-- sample. So new quality production shows within QUALITY_PROBE_SPREAD samples
-- and a big base pays ~1/8 of the calls of reading every quality every time.
local QUALITY_PROBE_SPREAD = 8
local SCREENSHOT_RESOLUTION = { x = 960, y = 540 }

local SETTING_INTERVAL = "rxfactorio-sample-interval"
local SETTING_TRANSPORT = "rxfactorio-transport"
local SETTING_FILE = "rxfactorio-output-file"
local SETTING_UDP_PORT = "rxfactorio-udp-port"
local SETTING_UDP_BYTES = "rxfactorio-udp-datagram-bytes"
local SETTING_PER_SURFACE = "rxfactorio-per-surface"
local SETTING_GAME_EVENTS = "rxfactorio-game-events"
local SETTING_EVENT_LINES = "rxfactorio-event-lines"
local SETTING_SCREENSHOTS = "rxfactorio-screenshots"
local SETTING_SCREENSHOT_EVERY = "rxfactorio-screenshot-every"

-- Events that can fire thousands of times per second; counted per sample.
local COUNTED_EVENTS = {
  "on_built_entity",
  "on_robot_built_entity",
  "on_player_mined_entity",
  "on_robot_mined_entity",
  "on_player_crafted_item",
  "on_space_platform_built_entity",
  "on_space_platform_mined_entity",
}

---------------------------------------------------------------------------
-- Per-peer Lua state. None of this is game state: it only decides what is
-- written, so it may differ between peers without a desync. A load (or
-- joining a multiplayer game) creates a fresh Lua state, so these start
-- empty again, which is exactly "a new session after every load".
---------------------------------------------------------------------------
local session_id = nil       -- nil until the first handler after start/load
local pending = {}           -- encoded lines waiting for the next sample
local dropped_lines = 0      -- event lines dropped because pending was full
local counts = {}            -- event name -> count since the last sample
local line_counts = {}       -- event name -> event lines queued since the last sample
local config = nil           -- cached settings, see get_config()
local registered_interval = nil
local samples_taken = 0      -- samples of this session (screenshot cadence)
local qualities = nil        -- non-normal quality names, or false without quality
local quality_slots = {}     -- item name -> probe slot
local next_quality_slot = 0
local active_qualities = {}  -- surface label .. category -> name -> { quality, ... }
local has_enemies_cache = {} -- surface index .. name -> boolean
local map_encoders = {}      -- label .. kind -> json.map_encoder()
local deferred = {}          -- per-surface lines of the last sample, written one per tick

local function get_config()
  if not config then
    local g = settings.global
    config = {
      interval = g[SETTING_INTERVAL].value,
      transport = g[SETTING_TRANSPORT].value,
      file = g[SETTING_FILE].value,
      udp_port = g[SETTING_UDP_PORT].value,
      udp_bytes = g[SETTING_UDP_BYTES].value,
      per_surface = g[SETTING_PER_SURFACE].value,
      game_events = g[SETTING_GAME_EVENTS].value,
      event_lines = g[SETTING_EVENT_LINES].value,
      screenshots = g[SETTING_SCREENSHOTS].value,
      screenshot_every = g[SETTING_SCREENSHOT_EVERY].value,
    }
  end
  return config
end

local function queue_line(tbl)
  if #pending >= MAX_PENDING_LINES then
    dropped_lines = dropped_lines + 1
    return
  end
  pending[#pending + 1] = json.encode(tbl)
  line_counts[tbl.event_name] = (line_counts[tbl.event_name] or 0) + 1
end

-- Starts the session on the first handler after a new game or a load. The id
-- follows the original mod: <level_name>_<tick>. Only locals are touched.
local function ensure_session()
  if session_id then return end
  local level = script.level and script.level.level_name or "unknown"
  session_id = level .. "_" .. game.tick
  samples_taken = 0
  -- session_init goes first, ahead of anything already queued.
  table.insert(pending, 1, json.encode({
    type = "session_init",
    session_id = session_id,
    tick = game.tick,
    level_name = level,
  }))
end

---------------------------------------------------------------------------
-- Surfaces and their labels (the `surface` of per-surface lines and the
-- middle part of metric names).
---------------------------------------------------------------------------

-- A platform is labelled by its own name (LuaSpacePlatform.name), not by its
-- surface name (platform-<surface index>, which a later platform reuses).
-- Labels are unique: planets keep their names; among platforms the one with
-- the lowest platform index keeps a shared name, the others get "#<index>".
-- "/" (metric-name separator) becomes "-".
local function surface_list()
  local planets, platforms = {}, {}
  for _, surface in pairs(game.surfaces) do
    local platform = surface.platform
    if platform then
      platforms[#platforms + 1] = { surface = surface, platform = platform, index = platform.index }
    else
      planets[#planets + 1] = { surface = surface, index = surface.index }
    end
  end
  local by_index = function(a, b) return a.index < b.index end
  table.sort(planets, by_index)
  table.sort(platforms, by_index)
  local taken, list = {}, {}
  for _, p in ipairs(planets) do
    p.label = p.surface.name:gsub("/", "-")
    taken[p.label] = true
    list[#list + 1] = p
  end
  for _, p in ipairs(platforms) do
    local label = p.platform.name:gsub("/", "-")
    if taken[label] then label = label .. "#" .. p.index end
    taken[label] = true
    p.label = label
    list[#list + 1] = p
  end
  return list
end

---------------------------------------------------------------------------
-- Statistics
---------------------------------------------------------------------------
local ONE_MINUTE = defines.flow_precision_index.one_minute

-- Non-normal, non-hidden qualities in level order, or false when the game
-- has no quality (feature flag off). Prototypes never change at runtime.
local function quality_names()
  if qualities == nil then
    qualities = false
    if script.feature_flags.quality then
      local list = {}
      for name, q in pairs(prototypes.quality) do
        if name ~= "normal" and not q.hidden then list[#list + 1] = { name = name, level = q.level } end
      end
      table.sort(list, function(a, b) return a.level < b.level end)
      for i, q in ipairs(list) do list[i] = q.name end
      qualities = list
    end
  end
  return qualities
end

-- One parameter table for every get_flow_count call (the game copies what it
-- reads), so a sample does not allocate a table per item.
local flow_params = { name = nil, category = nil, precision_index = ONE_MINUTE }
local flow_rate
local quality_id = { name = nil, quality = nil } -- ItemIDAndQualityIDPair, reused too
local function quality_rate(stats, name, quality, category)
  quality_id.name, quality_id.quality = name, quality
  return flow_rate(stats, quality_id, category)
end
function flow_rate(stats, name, category)
  flow_params.name = name
  flow_params.category = category
  local rate = stats.get_flow_count(flow_params)
  -- rate > 0 is false for NaN; is_finite drops +inf.
  if rate and rate > 0 and json.is_finite(rate) then return rate end
  return nil
end

-- Maps of one stats line: rates by name, and for quality the normal part and
-- the names that have other qualities, so that "<name>@normal" can be set
-- once all surfaces of the line are in (see finish_quality).
local function new_maps()
  return {
    production = {}, consumption = {},
    normal = { production = {}, consumption = {} },
    quality = { production = {}, consumption = {} },
  }
end

-- Adds the one-minute rates (per minute) of one flow statistics object and
-- one category to `maps[kind]`; `names` is its input_counts or output_counts,
-- read once by the caller. Items and fluids go into the same map, as in the
-- original mod. For items and fluids "input" = produced, "output" = consumed.
-- With quality (items only), `maps[kind][name]` is the sum over all qualities
-- and every non-normal quality with a rate gets its own key "<name>@<quality>".
local HUGE = math.huge
local function add_rates(stats, category, names, maps, kind, quality_state, probe_slot)
  local into = maps[kind]
  if not quality_state then
    -- The common case (no quality, or fluids), kept to one API call and two
    -- table operations per name: it is most of the collection time on a big base.
    local get_flow_count = stats.get_flow_count
    flow_params.category = category
    for name in pairs(names) do
      flow_params.name = name
      local rate = get_flow_count(flow_params)
      -- rate > 0 is false for NaN; HUGE drops +inf.
      if rate and rate > 0 and rate ~= HUGE then into[name] = (into[name] or 0) + rate end
    end
    return
  end
  for name in pairs(names) do
    local normal = flow_rate(stats, name, category)
    local sum = normal
    if quality_state then
      if normal then maps.normal[kind][name] = (maps.normal[kind][name] or 0) + normal end
      local slot = quality_slots[name]
      if not slot then
        slot = next_quality_slot
        next_quality_slot = next_quality_slot + 1
        quality_slots[name] = slot
      end
      local active = quality_state[name]
      if slot % QUALITY_PROBE_SPREAD == probe_slot then
        -- probe every non-normal quality of this item
        for _, q in ipairs(qualities) do
          local found = false
          if active then for _, a in ipairs(active) do if a == q then found = true break end end end
          if not found and quality_rate(stats, name, q, category) then
            active = active or {}
            active[#active + 1] = q
            quality_state[name] = active
          end
        end
      end
      if active then
        for _, q in ipairs(active) do
          local rate = quality_rate(stats, name, q, category)
          if rate then
            local key = name .. "@" .. q
            into[key] = (into[key] or 0) + rate
            maps.quality[kind][name] = true
            sum = (sum or 0) + rate
          end
        end
      end
    end
    if sum then into[name] = (into[name] or 0) + sum end
  end
end

-- "<name>@normal" for every item of the line that has another quality, so that
-- the parts add up to "<name>" (also when another surface made it in normal only).
local function finish_quality(maps)
  for _, kind in ipairs({ "production", "consumption" }) do
    local into, normals = maps[kind], maps.normal[kind]
    for name in pairs(maps.quality[kind]) do
      if normals[name] then into[name .. "@normal"] = normals[name] end
    end
  end
end

local function add_maps(into, from)
  for _, kind in ipairs({ "production", "consumption" }) do
    for name, rate in pairs(from[kind]) do into[kind][name] = (into[kind][name] or 0) + rate end
    for name, rate in pairs(from.normal[kind]) do into.normal[kind][name] = (into.normal[kind][name] or 0) + rate end
    for name in pairs(from.quality[kind]) do into.quality[kind][name] = true end
  end
end

-- Reads production and consumption of every surface. Returns the summed maps
-- and, per surface that has statistics, its own maps (only if wanted).
local function read_production(force, surfaces, per_surface)
  local total = new_maps()
  local by_surface = {}
  local quality = quality_names()
  local probe_slot = samples_taken % QUALITY_PROBE_SPREAD
  for _, entry in ipairs(surfaces) do
    local surface = entry.surface
    local item_stats = force.get_item_production_statistics(surface)
    local fluid_stats = force.get_fluid_production_statistics(surface)
    -- Each read of input_counts/output_counts builds a new table in the
    -- game: read each once.
    local item_in, item_out = item_stats.input_counts, item_stats.output_counts
    local fluid_in, fluid_out = fluid_stats.input_counts, fluid_stats.output_counts
    if next(item_in) or next(item_out) or next(fluid_in) or next(fluid_out) then
      local own = per_surface and new_maps() or total
      local q_in, q_out
      if quality then
        q_in = active_qualities[entry.label .. "/input"] or {}
        q_out = active_qualities[entry.label .. "/output"] or {}
        active_qualities[entry.label .. "/input"] = q_in
        active_qualities[entry.label .. "/output"] = q_out
      end
      add_rates(item_stats, "input", item_in, own, "production", q_in, probe_slot)
      add_rates(fluid_stats, "input", fluid_in, own, "production", nil, probe_slot)
      add_rates(item_stats, "output", item_out, own, "consumption", q_out, probe_slot)
      add_rates(fluid_stats, "output", fluid_out, own, "consumption", nil, probe_slot)
      if per_surface then
        add_maps(total, own)
        finish_quality(own)
        by_surface[#by_surface + 1] = { label = entry.label, maps = own }
      end
    end
  end
  finish_quality(total)
  return total, by_surface
end

-- The first player's character, as the original mod reports it. Absent when
-- there is no character (not yet spawned, dead, god mode). The position is
-- the physical one: position/surface follow the remote view (map, platforms).
local function read_player(labels)
  local player = game.players[1]
  if not (player and player.valid and player.connected) then return nil end
  local character = player.character
  if not (character and character.valid) then return nil end
  local position = player.physical_position
  local surface = player.physical_surface
  return {
    position = { x = position.x, y = position.y },
    surface = labels[surface.index] or surface.name,
    health = character.health,
  }
end

local function set_metric(metrics, name, value)
  if json.is_finite(value) then metrics[name] = value end
end

-- Whether enemies can live on a planet surface: not in no-enemies mode, and
-- its map generation places enemy bases (nauvis "enemy-base", gleba's
-- "gleba_enemy_base") or territories (vulcanus' demolishers). Fulgora and
-- aquilo have neither. Map generation does not change, so once per surface.
local function has_enemies(surface)
  local key = surface.index .. "/" .. surface.name
  local known = has_enemies_cache[key]
  if known ~= nil then return known end
  local result = false
  if not surface.no_enemies_mode then
    local mgs = surface.map_gen_settings
    for name, control in pairs(mgs.autoplace_controls or {}) do
      if name:find("enemy", 1, true) and (control.size or 1) > 0 then result = true end
    end
    local territory = mgs.territory_settings
    if territory and territory.units and #territory.units > 0 then result = true end
  end
  has_enemies_cache[key] = result
  return result
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
  for _, entry in ipairs(surfaces) do
    local surface, label = entry.surface, entry.label
    if entry.platform then
      local platform = entry.platform
      set_metric(metrics, "platform/" .. label .. "/state", platform.state)
      set_metric(metrics, "platform/" .. label .. "/speed", platform.speed)
      set_metric(metrics, "platform/" .. label .. "/weight", platform.weight)
    else
      if enemy and has_enemies(surface) then
        set_metric(metrics, "evolution/" .. label, enemy.get_evolution_factor(surface))
      end
      -- pollution on nauvis, spores on gleba; nothing where none is enabled
      local pollutant = surface.pollutant_type
      if pollutant then
        set_metric(metrics, pollutant.name .. "/" .. label, surface.get_total_pollution())
      end
    end
  end
  if cfg.game_events then
    -- The client adds an events/<name> metric to its own count of <name>
    -- lines (docs/events.md), so with event lines on only the remainder is
    -- sent: lines dropped over the cap, and crafted items beyond one per line.
    for _, name in ipairs(COUNTED_EVENTS) do
      metrics["events/" .. name] = (counts[name] or 0) - (line_counts[name] or 0)
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

-- Screenshot of player 1's surroundings (physical position), taken on the
-- machine of the first connected player (`by_player`): a headless server
-- renders nothing, so without a connected player there is no screenshot.
-- Returns the path relative to script-output. The image is rendered after
-- this tick's update, so the file appears a moment after the line.
local function take_screenshot(tick)
  local player = game.connected_players[1]
  if not player then return nil end
  local path = "screenshots/" .. session_id:gsub("[^%w%-_.]", "_") .. "/tick_" .. tick .. ".png"
  game.take_screenshot{
    by_player = player,
    player = player,
    surface = player.physical_surface,
    position = player.physical_position,
    resolution = SCREENSHOT_RESOLUTION,
    zoom = 0.5,
    path = path,
    show_gui = false,
  }
  return path
end

---------------------------------------------------------------------------
-- Transports
---------------------------------------------------------------------------

-- A stats line split into lines of at most `limit` bytes (newline included):
-- the same type/session_id/cycle/tick/surface on each, the entries of
-- products_production, materials_consumption and metrics spread over them in
-- order, player and screenshot_path on the first. The client merges lines of
-- one cycle into one row (docs/events.md), so the row is the same.
local MAPS = { "products_production", "materials_consumption", "metrics" }
local function split_stats(line, limit)
  local entries = {}
  for _, key in ipairs(MAPS) do
    entries[key] = (line.entries and line.entries[key]) or (line[key] and json.entries(line[key])) or {}
  end
  -- The parts are assembled as text in json.encode's (sorted) key order:
  -- cycle, materials_consumption, metrics, player, products_production,
  -- screenshot_path, session_id, surface, tick, type.
  local head = '{"cycle":' .. json.encode_number(line.cycle)
  local tail = ',"session_id":' .. json.encode_string(line.session_id)
    .. (line.surface and (',"surface":' .. json.encode_string(line.surface)) or "")
    .. ',"tick":' .. json.encode_number(line.tick) .. ',"type":"stats"}'
  local player = line.player and (',"player":' .. json.encode(line.player)) or ""
  local shot = line.screenshot_path and (',"screenshot_path":' .. json.encode_string(line.screenshot_path)) or ""
  local has_metrics = line.metrics ~= nil
  local fixed = #head + #',"materials_consumption":{}' + (has_metrics and #',"metrics":{}' or 0)
    + #',"products_production":{}' + #tail + 1 -- + 1: the newline
  local parts = {}
  local cursor = { products_production = 1, materials_consumption = 1, metrics = 1 }
  local first = true
  while first or cursor.products_production <= #entries.products_production
      or cursor.materials_consumption <= #entries.materials_consumption
      or cursor.metrics <= #entries.metrics do
    local size = fixed + (first and (#player + #shot) or 0)
    local taken, added = {}, 0
    for _, key in ipairs(MAPS) do
      local list, t = entries[key], {}
      while cursor[key] <= #list do
        local entry = list[cursor[key]]
        local cost = #entry + (#t > 0 and 1 or 0)
        if size + cost > limit and added > 0 then break end
        t[#t + 1] = entry
        size = size + cost
        added = added + 1
        cursor[key] = cursor[key] + 1
      end
      taken[key] = table.concat(t, ",")
    end
    parts[#parts + 1] = table.concat({
      head, ',"materials_consumption":{', taken.materials_consumption, "}",
      has_metrics and (',"metrics":{' .. taken.metrics .. "}") or "",
      first and player or "",
      ',"products_production":{', taken.products_production, "}",
      first and shot or "",
      tail,
    })
    first = false
  end
  return parts
end

-- Sends the sample's lines. file: all lines in ONE write_file call. udp: one
-- datagram per line; a stats line longer than the datagram limit is split.
-- for_player = 0 means "only the server" in multiplayer; in single player
-- there is no other peer, and it is unverified whether 0 writes there, so nil.
local function send_lines(cfg, lines, tables)
  local for_player = game.is_multiplayer() and 0 or nil
  if cfg.transport == "udp" then
    for i, text in ipairs(lines) do
      if #text + 1 > cfg.udp_bytes and tables[i] then
        for _, part in ipairs(split_stats(tables[i], cfg.udp_bytes)) do
          helpers.send_udp(cfg.udp_port, part .. "\n", for_player)
        end
      else
        helpers.send_udp(cfg.udp_port, text .. "\n", for_player)
      end
    end
  else
    lines[#lines + 1] = ""
    helpers.write_file(cfg.file, table.concat(lines, "\n"), true, for_player)
  end
end

-- Encodes a stats line; its two maps go through the map encoder of their
-- surface (cached key order), everything else through json.encode.
-- With the UDP transport it also keeps the maps' encoded entries on `line`
-- (line.entries), so that splitting a long line does not encode them again.
local function encode_stats(line, label)
  local copy = {}
  for k, v in pairs(line) do copy[k] = v end
  local udp = get_config().transport == "udp"
  if udp then line.entries = {} end
  for _, key in ipairs({ "products_production", "materials_consumption" }) do
    local slot = label .. "/" .. key
    local encoder = map_encoders[slot]
    if not encoder then encoder = json.map_encoder(); map_encoders[slot] = encoder end
    local raw, entries = encoder(line[key], udp)
    copy[key] = raw
    if udp then line.entries[key] = entries end
  end
  return json.encode(copy)
end

-- Encodes and sends the per-surface lines still waiting from the last sample.
local function flush_deferred(cfg, lines, tables)
  for _, entry in ipairs(deferred) do
    lines[#lines + 1] = encode_stats(entry, entry.surface)
    tables[#lines] = entry
  end
  deferred = {}
end

-- The sample: the statistics of every surface are read at this tick; the
-- summed line (and queued event lines) go out now. With per-surface on, the
-- per-surface lines are encoded and sent one per tick on the following ticks
-- (on_tick below), so a base with 15 surfaces does not pay for all of them in
-- one tick; lines still waiting when the next sample comes go out first.
local function on_sample(event)
  ensure_session()
  local cfg = get_config()
  local tick = event.tick
  local force = game.forces["player"]
  local surfaces = surface_list()
  local labels = {}
  for _, entry in ipairs(surfaces) do labels[entry.surface.index] = entry.label end
  local total, by_surface = read_production(force, surfaces, cfg.per_surface)

  local line = stats_line(tick, total)
  line.player = read_player(labels)
  line.metrics = read_metrics(force, surfaces, cfg)
  samples_taken = samples_taken + 1
  if cfg.screenshots and (samples_taken - 1) % cfg.screenshot_every == 0 then
    line.screenshot_path = take_screenshot(tick)
  end
  local lines, tables = {}, {}
  flush_deferred(cfg, lines, tables)
  -- Event lines queued since the last sample keep their own (earlier) ticks.
  for _, text in ipairs(pending) do lines[#lines + 1] = text end
  lines[#lines + 1] = encode_stats(line, "")
  tables[#lines] = line
  for _, entry in ipairs(by_surface) do
    local own = stats_line(tick, entry.maps)
    own.surface = entry.label
    deferred[#deferred + 1] = own
  end

  pending, counts, line_counts, dropped_lines = {}, {}, {}, 0
  send_lines(cfg, lines, tables)
end

-- One deferred per-surface line per tick. Registered once in the main chunk,
-- the same on every peer (a handler registered only sometimes would make a
-- joining peer's handlers differ from the server's: the join is refused).
local function on_tick()
  if deferred[1] == nil then return end
  local entry = table.remove(deferred, 1)
  send_lines(get_config(), { encode_stats(entry, entry.surface) }, { entry })
end

---------------------------------------------------------------------------
-- Game events
---------------------------------------------------------------------------
local function count_event(name, n)
  if not get_config().game_events then return end
  counts[name] = (counts[name] or 0) + n
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

-- The original mod's lines for a player's build or mine (opt-in setting):
-- entity, position, surface, player_index.
local function entity_line(name, event)
  local entity = event.entity
  if not (entity and entity.valid) then return end
  local position = entity.position
  rare_event(name, {
    entity = entity.name,
    position = { x = position.x, y = position.y },
    surface = entity.surface.name,
    player_index = event.player_index,
  })
end

local handlers = {}
-- One increment per event; a line only with the opt-in setting.
handlers.on_built_entity = function(event)
  count_event("on_built_entity", 1)
  if get_config().event_lines then entity_line("on_built_entity", event) end
end
handlers.on_player_mined_entity = function(event)
  count_event("on_player_mined_entity", 1)
  if get_config().event_lines then entity_line("on_player_mined_entity", event) end
end
-- Crafting is counted per item: one event can craft several (item_stack.count).
handlers.on_player_crafted_item = function(event)
  local stack = event.item_stack
  local n = (stack and stack.valid_for_read) and stack.count or 1
  count_event("on_player_crafted_item", n)
  if get_config().event_lines and stack and stack.valid_for_read then
    rare_event("on_player_crafted_item", { item = stack.name, count = n, player_index = event.player_index })
  end
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

-- Factorio 2.0 sends setting_type "runtime-global" (map settings, ours) or
-- "runtime-per-user"; there is no plain "runtime".
local function on_setting_changed(event)
  if event.setting_type ~= "runtime-global" then return end
  if event.setting:sub(1, 11) ~= "rxfactorio-" then return end
  config = nil
  register_sampler()
end

local function reset_locals()
  session_id = nil
  pending, counts, line_counts, dropped_lines = {}, {}, {}, 0
  qualities, active_qualities, has_enemies_cache, map_encoders, deferred = nil, {}, {}, {}, {}
end

script.on_init(function()
  register_sampler()
end)

script.on_load(function()
  -- Must not change game state: no storage writes, no game access. Only
  -- locals are reset; the first sample after the load sends session_init.
  reset_locals()
  register_sampler()
end)

script.on_configuration_changed(function()
  -- Mod or game version changed: settings may have new defaults, qualities
  -- may have changed.
  config = nil
  qualities = nil
  register_sampler()
end)

for _, name in ipairs(COUNTED_EVENTS) do
  local handler = handlers[name]
  if not handler then
    -- The closure keeps the name; the handler does one increment and no API call.
    handler = function() count_event(name, 1) end
  end
  script.on_event(defines.events[name], handler)
end

script.on_event(defines.events.on_research_started, on_research("on_research_started"))
script.on_event(defines.events.on_research_finished, on_research("on_research_finished"))
script.on_event(defines.events.on_rocket_launched, on_rocket_launched)
script.on_event(defines.events.on_runtime_mod_setting_changed, on_setting_changed)
script.on_event(defines.events.on_tick, on_tick)
