-- Runtime-global map settings: the same for every peer and changeable while
-- the game runs (Settings > Mod settings > Map). Changes arrive through
-- on_runtime_mod_setting_changed, which every peer processes deterministically.
data:extend({
  {
    type = "int-setting",
    name = "rxfactorio-sample-interval",
    setting_type = "runtime-global",
    default_value = 120,
    minimum_value = 10,
    maximum_value = 216000,
    order = "a",
  },
  {
    type = "string-setting",
    name = "rxfactorio-output-file",
    setting_type = "runtime-global",
    default_value = "events.pipe",
    allow_blank = false,
    order = "b",
  },
  {
    type = "bool-setting",
    name = "rxfactorio-per-surface",
    setting_type = "runtime-global",
    default_value = false,
    order = "c",
  },
  {
    type = "bool-setting",
    name = "rxfactorio-game-events",
    setting_type = "runtime-global",
    default_value = true,
    order = "d",
  },
})
