-- Minimal, deterministic JSON encoder for the telemetry lines.
--
-- Why not helpers.table_to_json? Its NaN/inf behaviour is undocumented, its key
-- order is unspecified and its float formatting is the full exact decimal
-- expansion (2271.66666666666651508421637117862701416015625). Encoding here
-- gives sorted keys (stable lines for tests and diffs), integers without a
-- fraction, float text that reads back as the same double, and drops non-finite
-- numbers instead of emitting invalid JSON. It is also exactly the code the
-- Lua test harness runs. A big base has ~850 item and fluid keys per line, so
-- the hot path is kept cheap: the encoded form of every key ('"name":') is
-- cached (item names repeat every sample), every number takes one %.17g, and
-- the maps that repeat every sample are formatted a few hundred numbers per
-- format call (json.map_encoder). Cost figures: README.md.

local json = {}

local floor, huge = math.floor, math.huge
local format, byte = string.format, string.byte
local concat, sort = table.concat, table.sort

-- True for a number that can be written as JSON (no NaN, no +/-inf).
function json.is_finite(v)
  return type(v) == "number" and v == v and v ~= huge and v ~= -huge
end

local function encode_number(v)
  -- One format call: %.17g reads back as the same double, writes integers
  -- (tick, cycle, counts below 2^53) without a fraction and binary fractions
  -- short (337.5). The shortest round-trip text would take up to three calls
  -- (%.15g, tonumber, %.17g) and was most of the encoding time on big bases;
  -- the cost is longer text for decimal-looking values (0.1 -> 0.10000000000000001).
  return format("%.17g", v)
end
json.encode_number = encode_number

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function escape(c)
  return escapes[c] or format("\\u%04x", byte(c))
end

local function encode_string(s)
  if not s:find('[%c"\\]') then return '"' .. s .. '"' end
  return '"' .. s:gsub('[%c"\\]', escape) .. '"'
end
json.encode_string = encode_string

-- '"key":' for every key seen; keys are item/fluid/metric names that repeat
-- every sample, so this is bounded by the names the game has.
local key_cache = setmetatable({}, { __index = function(cache, k)
  local text = encode_string(k) .. ":"
  cache[k] = text
  return text
end })

-- A value that is already JSON text (the UDP splitter assembles maps from
-- pre-encoded entries).
local RAW = {}
function json.raw(text) return setmetatable({ text = text }, RAW) end

local encode_value

-- A table is written as an array only when it is a non-empty sequence;
-- everything else (including {}) is an object, as table_to_json does.
local function is_array(t)
  local n = #t
  if n == 0 then return false end
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n
end

local function encode_table(t, out)
  if getmetatable(t) == RAW then
    out[#out + 1] = t.text
    return
  end
  if is_array(t) then
    out[#out + 1] = "["
    for i = 1, #t do
      if i > 1 then out[#out + 1] = "," end
      encode_value(t[i], out)
    end
    out[#out + 1] = "]"
    return
  end
  local keys = {}
  for k, v in pairs(t) do
    -- Non-finite numbers are left out entirely (the key disappears).
    if type(v) ~= "number" or json.is_finite(v) then
      keys[#keys + 1] = tostring(k)
    end
  end
  sort(keys)
  out[#out + 1] = "{"
  local n = #out
  for i = 1, #keys do
    local k = keys[i]
    if i > 1 then n = n + 1; out[n] = "," end
    n = n + 1; out[n] = key_cache[k]
    local v = t[k]
    if v == nil then v = t[tonumber(k)] end
    if type(v) == "number" then
      n = n + 1; out[n] = encode_number(v)
    else
      encode_value(v, out)
      n = #out
    end
  end
  out[n + 1] = "}"
end

encode_value = function(v, out)
  local tv = type(v)
  if tv == "table" then
    encode_table(v, out)
  elseif tv == "string" then
    out[#out + 1] = encode_string(v)
  elseif tv == "number" then
    out[#out + 1] = json.is_finite(v) and encode_number(v) or "null"
  elseif tv == "boolean" then
    out[#out + 1] = v and "true" or "false"
  else
    out[#out + 1] = "null"
  end
end

--- The sorted '"key":value' entries of a map of finite numbers (non-finite
--- ones left out), for assembling lines of a bounded size.
function json.entries(map)
  local keys = {}
  for k, v in pairs(map) do
    if json.is_finite(v) then keys[#keys + 1] = k end
  end
  sort(keys)
  for i = 1, #keys do
    local k = keys[i]
    keys[i] = key_cache[k] .. encode_number(map[k])
  end
  return keys
end

--- An encoder for one map of finite numbers that is encoded again every
--- sample (products of nauvis, ...): it keeps the sorted key order of the last
--- call and sorts again only when the set of keys changed, which on a running
--- base is rare. Returns the map as a raw JSON value for json.encode and, if
--- `want_entries`, also its '"key":value' entries (for lines of bounded size).
---
--- With the key order it also keeps format strings ('"a":%.17g,"b":%.17g,...',
--- FORMAT_KEYS keys each), so that a sample formats a whole map in a few
--- string.format calls instead of one per number: on a big base this is most
--- of the encoding time (README.md, "Cost per sample").
local FORMAT_KEYS = 200
local unpack = table.unpack or unpack

local function format_chunks(order)
  local chunks, specs = {}, {}
  for i = 1, #order do
    specs[#specs + 1] = key_cache[order[i]]:gsub("%%", "%%%%") .. "%.17g"
    if #specs == FORMAT_KEYS or i == #order then
      chunks[#chunks + 1] = concat(specs, ",")
      specs = {}
    end
  end
  return chunks
end

function json.map_encoder()
  local order, count, chunks = {}, 0, {}
  local member = {}
  local values = {}
  return function(map, want_entries)
    local n, same = 0, true
    for k in pairs(map) do
      n = n + 1
      if same and not member[k] then same = false end
    end
    if not same or n ~= count then
      order, member, count = {}, {}, n
      for k in pairs(map) do order[#order + 1] = k; member[k] = true end
      sort(order)
      chunks, values = format_chunks(order), {}
    end
    if want_entries then
      local entries = {}
      for i = 1, count do
        local k = order[i]
        entries[i] = key_cache[k] .. encode_number(map[k])
      end
      return json.raw("{" .. concat(entries, ",") .. "}"), entries
    end
    for i = 1, count do values[i] = map[order[i]] end
    local parts = {}
    for c = 1, #chunks do
      local first = (c - 1) * FORMAT_KEYS + 1
      parts[c] = format(chunks[c], unpack(values, first, math.min(first + FORMAT_KEYS - 1, count)))
    end
    return json.raw("{" .. concat(parts, ",") .. "}")
  end
end

-- Encodes one value as a single line of JSON (no newline inside).
function json.encode(v)
  local out = {}
  encode_value(v, out)
  return concat(out)
end

return json
