#!/usr/bin/env python3
"""Deterministic generator for the sample recordings (stdlib only).

    python3 samples/recordings/generate.py [OUT_DIR]   # default: this folder

Writes freeplay.jsonl, two-sessions.jsonl and original-mod.jsonl. Same seed,
same bytes: re-running must not change the committed files. Names and
magnitudes follow factorio.md section 4 (base game 2.0, rates per minute).

Number formats:
  * freeplay / two-sessions: as the rxfactorio-telemetry mod writes them
    (sorted keys, integers without fraction, shortest round-trip floats).
  * original-mod: as the original wandb-weave mod writes them through
    helpers.table_to_json (insertion key order, non-integral doubles as their
    full exact decimal expansion, e.g. 2271.66666666666651508421637117862701416015625).
"""
import json
import math
import os
import random
import sys
from decimal import Decimal

SEED = 20260722
TICKS_PER_CYCLE = 120

# ---------------------------------------------------------------------------
# Factory model. Each entry: name, first cycle (relative to the session's
# start), per-minute production at the start, growth per 100 cycles (x base),
# consumption share (None = never consumed), last cycle (None = forever).
# ---------------------------------------------------------------------------
FACTORY = [
    # raw resources
    ("iron-ore", 0, 420, 0.9, 0.96, None),
    ("copper-ore", 0, 240, 0.9, 0.95, None),
    ("coal", 0, 210, 0.6, 0.9, None),
    ("stone", 0, 75, 0.4, 0.8, None),
    ("wood", 0, 6, 0.0, 0.5, 140),                 # trees cleared, then never again
    # smelting
    ("iron-plate", 0, 337.5, 0.9, 0.93, None),
    ("copper-plate", 0, 187.5, 0.9, 0.9, None),
    ("stone-brick", 0, 18.75, 0.3, 0.6, None),
    ("steel-plate", 30, 11.25, 1.2, 0.8, None),
    # intermediates
    ("iron-gear-wheel", 0, 60, 0.8, 0.95, None),
    ("copper-cable", 0, 135, 1.0, 0.98, None),
    ("electronic-circuit", 0, 45, 1.0, 0.96, None),
    ("iron-stick", 40, 15, 0.5, 0.9, None),
    ("engine-unit", 160, 3, 1.0, 0.9, None),
    ("plastic-bar", 130, 30, 1.5, 0.9, None),
    ("sulfur", 140, 15, 1.0, 0.85, None),
    ("advanced-circuit", 170, 6, 1.5, 0.9, None),
    ("battery", 260, 4, 1.0, 0.8, None),
    ("solid-fuel", 240, 12, 0.5, 0.9, None),
    # science
    ("automation-science-pack", 0, 18, 0.8, 0.99, None),
    ("logistic-science-pack", 0, 15, 0.8, 0.99, None),
    ("military-science-pack", 200, 5, 0.8, 0.99, None),
    ("chemical-science-pack", 220, 4.5, 1.2, 0.99, None),
    # buildings and ammo (consumed when used as ingredients)
    ("transport-belt", 0, 30, 0.3, 0.4, None),
    ("underground-belt", 20, 4, 0.2, None, None),
    ("splitter", 25, 2, 0.2, None, None),
    ("fast-transport-belt", 190, 8, 0.3, None, None),
    ("burner-inserter", 0, 3, 0.0, 0.5, 90),        # replaced by electric inserters
    ("inserter", 0, 12, 0.4, 0.3, None),
    ("long-handed-inserter", 50, 3, 0.2, None, None),
    ("pipe", 0, 9, 0.4, 0.5, None),
    ("pipe-to-ground", 60, 2, 0.2, None, None),
    ("small-electric-pole", 0, 6, 0.2, None, None),
    ("medium-electric-pole", 160, 3, 0.2, None, None),
    ("stone-furnace", 0, 4, 0.1, 0.3, None),
    ("burner-mining-drill", 0, 1.5, 0.0, None, 60),
    ("electric-mining-drill", 0, 3, 0.3, None, None),
    ("assembling-machine-1", 10, 2, 0.2, 0.5, None),
    ("assembling-machine-2", 60, 1.5, 0.3, None, None),
    ("lab", 20, 0.5, 0.1, None, None),
    ("pumpjack", 95, 0.75, 0.1, None, None),
    ("oil-refinery", 95, 0.3, 0.1, None, None),
    ("chemical-plant", 120, 0.6, 0.1, None, None),
    ("stone-wall", 180, 30, 0.5, None, None),
    ("gun-turret", 180, 1.2, 0.3, None, None),
    ("firearm-magazine", 0, 12, 0.5, 0.7, None),
    ("piercing-rounds-magazine", 200, 6, 0.5, 0.5, None),
    ("grenade", 210, 2, 0.3, 0.9, None),
    # fluids (units per minute)
    ("water", 0, 36000, 0.5, 0.55, None),
    ("steam", 0, 18000, 0.5, 0.97, None),
    ("crude-oil", 100, 3600, 1.0, 0.99, None),
    ("heavy-oil", 110, 900, 0.8, 0.9, None),
    ("light-oil", 110, 1620, 0.8, 0.95, None),
    ("petroleum-gas", 110, 1980, 1.0, 0.92, None),
    ("sulfuric-acid", 150, 300, 1.0, 0.9, None),
    ("lubricant", 260, 120, 0.5, 0.9, None),
]

RESEARCH = [  # (relative cycle, tech, level)
    (5, "automation-2", 1), (40, "steel-processing", 1), (75, "electronics", 1),
    (95, "oil-processing", 1), (150, "plastics", 1), (170, "advanced-circuit", 1),
    (210, "military-2", 1), (250, "mining-productivity", 1), (285, "mining-productivity", 2),
]


class Factory:
    def __init__(self, rng, cycle_offset=0):
        self.rng = rng
        self.offset = cycle_offset  # cycles already played by this factory

    def noise(self):
        # mean-one multiplicative jitter, clamped
        return max(0.8, min(1.2, 1 + 0.04 * self.rng.gauss(0, 1)))

    def maps(self, rel):
        """Production/consumption maps (per minute) at a relative cycle."""
        rel += self.offset
        prod, cons = {}, {}
        for name, first, base, growth, share, last in FACTORY:
            if rel < first or (last is not None and rel > last):
                continue
            age = rel - first
            rate = base * (1 + growth * age / 100) * self.noise()
            # some machines idle now and then: the item is absent (zero-fill)
            if base < 5 and self.rng.random() < 0.15:
                continue
            prod[name] = rate
            if share is not None:
                cons[name] = rate * share * self.noise()
        return prod, cons


# ---------------------------------------------------------------------------
# Encoders
# ---------------------------------------------------------------------------
def num_mod(v):
    """rxfactorio-telemetry format: integers plain, floats shortest round-trip."""
    if isinstance(v, int):
        return str(v)
    if v == math.floor(v) and abs(v) < 2**53:
        return str(int(v))
    return repr(v)


def num_table_to_json(v):
    """helpers.table_to_json format: full exact decimal expansion of the double."""
    if isinstance(v, int):
        return str(v)
    if v == math.floor(v) and abs(v) < 2**53:
        return str(int(v))
    return format(Decimal(v), "f")


def encode(v, num, sort_keys):
    if isinstance(v, dict):
        items = sorted(v.items()) if sort_keys else v.items()
        return "{" + ",".join(json.dumps(k) + ":" + encode(x, num, sort_keys) for k, x in items) + "}"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return num(v)
    raise TypeError(v)


def mod_line(obj):
    return encode(obj, num_mod, True) + "\n"


def original_line(obj):
    return encode(obj, num_table_to_json, False) + "\n"


# ---------------------------------------------------------------------------
# Recordings in the rxfactorio-telemetry format
# ---------------------------------------------------------------------------
def mod_session(rng, level, start_tick, cycles, factory, metrics_every=5):
    """One session as the mod writes it: session_init, then a stats line
    every 120 ticks from start_tick (the first sample), research event lines
    between samples. Metrics only every `metrics_every` cycles (sparse keys)."""
    sid = f"{level}_{start_tick}"
    lines = [mod_line({"type": "session_init", "session_id": sid, "tick": start_tick, "level_name": level})]
    first_cycle = start_tick // TICKS_PER_CYCLE
    for rel in range(cycles):
        tick = start_tick + rel * TICKS_PER_CYCLE
        # research events fall between the previous sample and this one
        for rcycle, tech, level_no in RESEARCH:
            if rcycle == rel + factory.offset and rel > 0:
                t_fin = tick - 1 - rng.randrange(0, 60)
                lines.append(mod_line({"type": "event", "event_name": "on_research_finished", "session_id": sid,
                                       "tick": t_fin, "tech_name": tech, "tech_level": level_no, "force": "player"}))
        prod, cons = factory.maps(rel)
        line = {"type": "stats", "session_id": sid, "cycle": tick // TICKS_PER_CYCLE, "tick": tick,
                "products_production": prod, "materials_consumption": cons,
                "player": {"position": {"x": round(12.5 + rel * 0.37, 6), "y": round(-3 - rel * 0.11, 6)},
                           "surface": "nauvis", "health": 250}}
        if rel % metrics_every == 0:
            line["metrics"] = {
                "research/progress": round((rel % 35) / 35, 4),
                "evolution/nauvis": round(0.05 + 0.0004 * (first_cycle + rel - 1800), 6),
                "pollution/nauvis": round(18000 + 37.5 * rel + rng.random() * 100, 3),
                "players/connected": 1,
                "rockets/launched": 0,
                "events/on_built_entity": rng.randrange(0, 12),
                "events/on_robot_built_entity": rng.randrange(0, 40) if rel > 150 else 0,
                "events/on_player_mined_entity": rng.randrange(0, 4),
                "events/on_robot_mined_entity": 0,
                "events/on_player_crafted_item": rng.randrange(0, 6),
            }
        lines.append(mod_line(line))
    return lines


def freeplay(rng):
    return mod_session(rng, "freeplay", 216000, 300, Factory(rng))


def two_sessions(rng):
    factory = Factory(rng)
    first = mod_session(rng, "freeplay", 36000, 100, factory)
    # Save, load: a new Lua state -> a new session at the first sample after
    # the load. The factory continues where it was.
    factory.offset = 100
    second = mod_session(rng, "freeplay", 48000, 100, factory)
    return first + second


# ---------------------------------------------------------------------------
# The original wandb-weave mod's lines
# ---------------------------------------------------------------------------
def original(rng):
    start = 7200
    sid = f"freeplay_{start}"
    lines = [original_line({"type": "session_init", "session_id": sid, "tick": start, "level_name": "freeplay"})]
    factory = Factory(rng)
    x, y = 0.5, 0.5
    for rel in range(60):
        tick = start + rel * TICKS_PER_CYCLE
        # the original mod writes each event in its handler: lines are in tick order
        events = []
        # player activity between samples (none before the session's first sample)
        for k in range(rng.randrange(0, 3) if rel > 0 else 0):
            t = tick - 100 + 30 * k
            x += 1.0
            events.append(({"type": "event", "event_name": "on_built_entity", "session_id": sid, "tick": t,
                                        "player_index": 1,
                                        "entity": rng.choice(["transport-belt", "inserter", "stone-furnace", "small-electric-pole"]),
                                        "position": {"x": x, "y": y}, "surface": "nauvis"}))
        if rel % 7 == 6:
            events.append(({"type": "event", "event_name": "on_player_mined_entity", "session_id": sid,
                                        "tick": tick - 10, "player_index": 1, "entity": "rock-big",
                                        "position": {"x": x + 4.5, "y": y - 2.5}, "surface": "nauvis"}))
        if rel % 5 == 4:
            events.append(({"type": "event", "event_name": "on_player_crafted_item", "session_id": sid,
                                        "tick": tick - 5, "item": "iron-gear-wheel", "count": 5}))
        if rel == 3:
            events.append(({"type": "event", "event_name": "on_research_started", "session_id": sid,
                                        "tick": tick - 50, "tech_name": "automation", "tech_level": 1}))
        if rel == 40:
            events.append(({"type": "event", "event_name": "on_research_finished", "session_id": sid,
                                        "tick": tick - 50, "tech_name": "automation", "tech_level": 1}))
            events.append(({"type": "event", "event_name": "on_research_started", "session_id": sid,
                                        "tick": tick - 50, "tech_name": "logistics", "tech_level": 1}))
        events.sort(key=lambda e: e["tick"])  # stable: same-tick events keep their order
        lines.extend(original_line(e) for e in events)
        prod, cons = factory.maps(rel)
        # the get_flow_count averages are thirds and twelfths of tick counts
        prod = {k: round(v * 3) / 3 for k, v in prod.items()}
        cons = {k: round(v * 12) / 12 for k, v in cons.items()}
        if rel == 10:
            prod["iron-plate"] = 6815 / 3  # -> 2271.66666666666651508421637117862701416015625
        if rel == 20:
            cons["water"] = 2**53 + 1  # integer above 2^53: 9007199254740993
        if rel == 30:
            prod["uranium-ore"] = 1 / 60000  # tiny value: 0.0000166666...
        line = {"type": "stats", "session_id": sid, "cycle": tick // TICKS_PER_CYCLE, "tick": tick,
                "products_production": prod, "materials_consumption": cons,
                "player": {"position": {"x": x, "y": y}, "surface": "nauvis", "health": 250 if rel != 25 else 187.5},
                "screenshot_path": f"screenshots/{sid}/tick_{tick}.png"}
        lines.append(original_line(line))
        y += 0.3984375  # positions are multiples of 1/256 tile
    return lines


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, fn, seed in (("freeplay.jsonl", freeplay, SEED), ("two-sessions.jsonl", two_sessions, SEED + 1),
                           ("original-mod.jsonl", original, SEED + 2)):
        lines = fn(random.Random(seed))
        with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)
        print(f"{name}: {len(lines)} lines")


if __name__ == "__main__":
    main()
