-- Minimal strict JSON decoder for the harness (checks what the mod wrote). Integers stay
-- Lua integers, so "tick is an integer" can be checked on the text. Needs Lua 5.3+.
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
return json_decode
