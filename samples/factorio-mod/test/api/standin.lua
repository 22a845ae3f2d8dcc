-- Builds strict stand-ins for Factorio's Lua objects from the extracted runtime API
-- (runtime-api-2.0.72.lua, made by extract.py). What the game rejects, these reject:
--   * a key a class does not have: "LuaForce doesn't contain key foo." (the game's words)
--   * a write to a read-only attribute, or of the wrong type
--   * a method call whose arguments do not match the parameter list: unknown or missing
--     table fields, wrong types, literals outside their union, defines values that do not
--     exist, too many positional arguments, a ':' call
--   * a `defines` name that does not exist (the game gives nil there; a nil define is never
--     what a mod means, so the stand-in stops at once)
--   * an event field that the event does not have (reading it gives nil in the game, which
--     is how a misspelt field silently breaks a mod)
-- Values the stand-in returns are checked against the attribute's declared read type, so
-- the stand-in cannot drift from the game either.
--
-- Use: local standin = dofile("api/standin.lua")(api_table)

return function(api)
  local S = { api = api }
  local classes, concepts = api.classes, api.concepts

  local proxies = setmetatable({}, { __mode = "k" }) -- proxy -> { class = , backing = }

  local function fail(msg) error(msg, 0) end

  -------------------------------------------------------------------------
  -- defines: every value gets a distinct number (the JSON gives names, not values).
  -------------------------------------------------------------------------
  local define_values = {} -- "defines.events" -> { [value] = name }
  local function strict_define(path, node)
    local t = {}
    if type(node) == "number" then return node end
    if node[1] ~= nil or next(node) == nil then
      local values = {}
      for i, name in ipairs(node) do t[name] = i - 1; values[i - 1] = name end
      define_values[path] = values
    else
      for name, sub in pairs(node) do t[name] = strict_define(path .. "." .. name, sub) end
    end
    return setmetatable(t, {
      __index = function(_, k) fail(path .. " doesn't contain key " .. tostring(k) .. ".") end,
      __newindex = function() fail(path .. " is read-only") end,
    })
  end
  S.defines = strict_define("defines", api.defines)
  S.define_values = define_values
  S.event_name_of = define_values["defines.events"]

  -------------------------------------------------------------------------
  -- Type checking against the API's type descriptions.
  -------------------------------------------------------------------------
  local int_ranges = {
    int8 = { -128, 127 }, uint8 = { 0, 255 }, int16 = { -32768, 32767 }, uint16 = { 0, 65535 },
    int32 = { -2147483648, 2147483647 }, uint32 = { 0, 4294967295 }, uint = { 0, 4294967295 },
    int = { -2147483648, 2147483647 }, int64 = { -2 ^ 63, 2 ^ 63 }, uint64 = { 0, 2 ^ 64 },
  }

  local function class_of(v)
    local p = type(v) == "table" and proxies[v]
    return p and p.class or nil
  end

  local function is_a(class, wanted)
    while class do
      if class == wanted then return true end
      class = classes[class] and classes[class].parent
    end
    return false
  end

  local check -- (value, type, where) -> nil or error text
  local function expect(ok, err) if ok then return nil end return err end
  -- While checking a value the stand-in returns, a struct may be partial
  -- (the stand-in models the fields the mod reads); unknown keys and wrong
  -- types are still errors.
  local partial = false

  local function accepts_nil(t)
    if t == "nil" then return true end
    if type(t) == "table" and t.union then
      for _, o in ipairs(t.union) do if o == "nil" then return true end end
    end
    return false
  end

  local function check_fields(v, fields, where)
    if type(v) ~= "table" or proxies[v] then return where .. ": a table expected, got " .. (class_of(v) or type(v)) end
    local known = {}
    for _, f in ipairs(fields) do
      known[f.name] = true
      local x = v[f.name]
      if x == nil then
        if not f.optional and not partial and not accepts_nil(f.type) then return where .. ": missing required field '" .. f.name .. "'" end
      else
        local err = check(x, f.type, where .. "." .. f.name)
        if err then return err end
      end
    end
    for k in pairs(v) do
      if not known[k] then return where .. ": unknown key '" .. tostring(k) .. "'" end
    end
  end

  local function describe(t)
    if type(t) == "string" then return t end
    if t.literal ~= nil then return '"' .. tostring(t.literal) .. '"' end
    if t.union then
      local parts = {}
      for _, o in ipairs(t.union) do parts[#parts + 1] = describe(o) end
      return table.concat(parts, " | ")
    end
    for k in pairs(t) do return k end
  end

  function check(v, t, where)
    if type(t) == "string" then
      if t == "Any" or t == "AnyBasic" or t == "AnyPrototype" then return nil end
      if t == "string" then return expect(type(v) == "string", where .. ": string expected, got " .. type(v)) end
      if t == "boolean" then return expect(type(v) == "boolean", where .. ": boolean expected, got " .. type(v)) end
      if t == "double" or t == "float" or t == "number" then
        return expect(type(v) == "number", where .. ": number expected, got " .. type(v))
      end
      if t == "nil" then return expect(v == nil, where .. ": nil expected") end
      if t == "table" then return expect(type(v) == "table", where .. ": table expected") end
      if t == "function" then return expect(type(v) == "function", where .. ": function expected") end
      local range = int_ranges[t]
      if range then
        if type(v) ~= "number" or v ~= math.floor(v) then return where .. ": " .. t .. " expected, got " .. tostring(v) end
        if v < range[1] or v > range[2] then return where .. ": " .. tostring(v) .. " is out of range for " .. t end
        return nil
      end
      if t:sub(1, 8) == "defines." then
        local values = define_values[t]
        if not values then return nil end -- a define group (e.g. defines.prototypes): not a value
        return expect(values[v], where .. ": " .. tostring(v) .. " is not a " .. t .. " value")
      end
      local concept = concepts[t]
      if concept ~= nil and not classes[t] then return check(v, concept, where) end
      if classes[t] or t:match("^Lua%u") then
        local c = class_of(v)
        if c and is_a(c, t) then return nil end
        return where .. ": " .. t .. " expected, got " .. (c or type(v))
      end
      fail("harness: the API type '" .. t .. "' is not in the extraction (" .. where .. "); add it in extract.py")
    end
    if t.literal ~= nil then
      return expect(v == t.literal, where .. ": " .. string.format("%q", tostring(v)) .. " is not " .. describe(t))
    end
    if t.union then
      local first
      for _, o in ipairs(t.union) do
        local err = check(v, o, where)
        if not err then return nil end
        first = first or err
      end
      return where .. ": " .. tostring(v) .. " matches none of " .. describe(t) .. " (" .. first .. ")"
    end
    if t.table then return check_fields(v, t.table, where) end
    if t.tuple then
      if type(v) ~= "table" or proxies[v] then return where .. ": tuple expected" end
      for i, e in ipairs(t.tuple) do
        local err = check(v[i], e, where .. "[" .. i .. "]")
        if err then return err end
      end
      for k in pairs(v) do
        if type(k) ~= "number" or k > #t.tuple then return where .. ": tuple has extra key " .. tostring(k) end
      end
      return nil
    end
    if t.array then
      if type(v) ~= "table" or proxies[v] then return where .. ": array expected" end
      for i, e in ipairs(v) do
        local err = check(e, t.array, where .. "[" .. i .. "]")
        if err then return err end
      end
      return nil
    end
    if t.dictionary then
      if type(v) ~= "table" then return where .. ": dictionary expected" end
      for k, e in pairs(v) do
        local err = check(k, t.dictionary[1], where .. " key") or check(e, t.dictionary[2], where .. "[" .. tostring(k) .. "]")
        if err then return err end
      end
      return nil
    end
    if t.custom_table then return expect(class_of(v) == "LuaCustomTable" or type(v) == "table", where .. ": LuaCustomTable expected") end
    if t["function"] then return expect(type(v) == "function", where .. ": function expected") end
    return nil -- lazy values, builtins: nothing to check
  end
  S.check = check

  -------------------------------------------------------------------------
  -- Classes
  -------------------------------------------------------------------------
  local function member(class, key)
    while class do
      local c = classes[class]
      if not c then return nil end
      local a = c.attributes[key]
      if a then return "attribute", a end
      local m = c.methods[key]
      if m then return "method", m end
      class = c.parent
    end
  end

  local function check_call(class, name, m, proxy, ...)
    local n = select("#", ...)
    local args = { ... }
    local where = class .. "::" .. name
    if n >= 1 and args[1] == proxy then fail(where .. " was called with ':' (use '.')") end
    if m.takes_table then
      if n == 0 and m.table_optional then return end
      if n ~= 1 then fail(where .. " takes one table, got " .. n .. " arguments") end
      local err = check_fields(args[1], m.parameters, where)
      if err then fail("Invalid table parameter: " .. err) end
      return
    end
    if not m.variadic and n > #m.parameters then
      fail(where .. " takes at most " .. #m.parameters .. " arguments, got " .. n)
    end
    for i, p in ipairs(m.parameters) do
      local v = args[i]
      if v == nil then
        if not p.optional and not accepts_nil(p.type) then fail(where .. ": missing argument #" .. i .. " (" .. p.name .. ")") end
      else
        local err = check(v, p.type, where .. " argument #" .. i .. " (" .. p.name .. ")")
        if err then fail(err) end
      end
    end
  end

  --- A LuaObject of `class` whose attributes and methods come from `backing`
  --- (methods as plain functions taking the game's arguments).
  function S.object(class, backing)
    assert(classes[class], "harness: class " .. class .. " is not in the extraction")
    backing = backing or {}
    local proxy = {}
    local wrapped = {}
    proxies[proxy] = { class = class, backing = backing }
    setmetatable(proxy, {
      __index = function(_, key)
        if key == "object_name" then return class end
        if key == "valid" and backing.valid == nil then return true end
        local kind, def = member(class, key)
        if not kind then fail(class .. " doesn't contain key " .. tostring(key) .. ".") end
        if kind == "method" then
          local f = wrapped[key]
          if not f then
            local impl = backing[key]
            f = function(...)
              check_call(class, key, def, proxy, ...)
              if type(impl) ~= "function" then fail("harness: the stand-in for " .. class .. "::" .. key .. " is not modelled") end
              return impl(...)
            end
            wrapped[key] = f
          end
          return f
        end
        local v = backing[key]
        if type(v) == "function" then v = v() end -- computed attribute
        if v == nil then
          if def.optional then return nil end
          fail("harness: the stand-in for " .. class .. "." .. key .. " is not modelled")
        end
        if def.read then
          partial = true
          local ok, err = pcall(check, v, def.read, class .. "." .. key)
          partial = false
          if not ok then error(err, 0) end
          if err then fail("harness stand-in returns a wrong type: " .. err) end
        end
        return v
      end,
      __newindex = function(_, key, value)
        local kind, def = member(class, key)
        if not kind then fail(class .. " doesn't contain key " .. tostring(key) .. ".") end
        if kind == "method" or not def.write then fail(class .. "::" .. key .. " is read only.") end
        local err = check(value, def.write, class .. "." .. key)
        if err then fail(err) end
        backing[key] = value
      end,
      __tostring = function() return "[" .. class .. "]" end,
    })
    return proxy
  end

  function S.backing(proxy) return proxies[proxy] and proxies[proxy].backing end

  --- A LuaCustomTable over `lookup(key)`, iterated by `iter()` (returns key, value pairs in order).
  function S.custom_table(lookup, ordered)
    local proxy = {}
    proxies[proxy] = { class = "LuaCustomTable", backing = {} }
    return setmetatable(proxy, {
      __index = function(_, key)
        if key == "object_name" then return "LuaCustomTable" end
        if key == "valid" then return true end
        return lookup(key)
      end,
      __newindex = function() fail("LuaCustomTable is read only.") end,
      __len = function() local n = 0 for _ in ordered() do n = n + 1 end return n end,
      __pairs = function()
        local it = ordered()
        return function() return it() end
      end,
    })
  end

  -------------------------------------------------------------------------
  -- Events
  -------------------------------------------------------------------------
  --- The event table for `name` with `data`, checked against the event's real fields.
  --- Reading a field the event does not have is an error (the game gives nil).
  function S.event(name, data)
    local fields = api.events[name]
    if not fields then fail("harness: no event " .. name .. " in the API") end
    local t = {}
    for k, v in pairs(data) do t[k] = v end
    t.name = S.defines.events[name]
    local err = check_fields(t, fields, name)
    if err then fail("harness sends an event the game never sends: " .. err) end
    local known = {}
    for _, f in ipairs(fields) do known[f.name] = true end
    return setmetatable(t, {
      __index = function(_, k)
        if known[k] then return nil end
        fail(name .. " has no field " .. tostring(k) .. " (the game gives nil)")
      end,
    })
  end

  return S
end
