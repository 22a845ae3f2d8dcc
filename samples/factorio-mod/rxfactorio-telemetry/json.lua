-- Minimal, deterministic JSON encoder for the telemetry lines.
--
-- Why not helpers.table_to_json? Its NaN/inf behaviour is undocumented, its key
-- order is unspecified and its float formatting is the full exact decimal
-- expansion (2271.66666666666651508421637117862701416015625). Encoding here
-- gives sorted keys (stable lines for tests and diffs), integers without a
-- fraction, the shortest float text that round-trips, and drops non-finite
-- numbers instead of emitting invalid JSON. It is also exactly the code the
-- Lua test harness runs. Our lines are small (tens to a few hundred keys), so
-- the cost is negligible next to the statistics reads.

local json = {}

local floor, huge = math.floor, math.huge
local format, byte = string.format, string.byte
local concat, sort = table.concat, table.sort

-- True for a number that can be written as JSON (no NaN, no +/-inf).
function json.is_finite(v)
  return type(v) == "number" and v == v and v ~= huge and v ~= -huge
end

local function encode_number(v)
  -- Factorio's Lua 5.2 has only doubles; stock Lua 5.4 also has integers.
  -- Integral values below 2^53 are written without a fraction (tick, cycle).
  if v == floor(v) and v > -2^53 and v < 2^53 then
    return format("%d", v)
  end
  -- Shortest of %.15g/%.16g/%.17g that reads back as the same double.
  for _, f in ipairs({ "%.15g", "%.16g" }) do
    local s = format(f, v)
    if tonumber(s) == v then return s end
  end
  return format("%.17g", v)
end

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function encode_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or format("\\u%04x", byte(c))
  end) .. '"'
end

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
  for i, k in ipairs(keys) do
    if i > 1 then out[#out + 1] = "," end
    out[#out + 1] = encode_string(k)
    out[#out + 1] = ":"
    local v = t[k]
    if v == nil then v = t[tonumber(k)] end
    encode_value(v, out)
  end
  out[#out + 1] = "}"
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

-- Encodes one value as a single line of JSON (no newline inside).
function json.encode(v)
  local out = {}
  encode_value(v, out)
  return concat(out)
end

return json
