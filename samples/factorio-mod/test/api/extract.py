#!/usr/bin/env python3
"""Extracts the part of Factorio's machine-readable runtime API that the mod and its harness use.

    python3 extract.py runtime-api-2.0.72.json > runtime-api-2.0.72.lua

Input: the runtime API definition Wube publishes for Factorio 2.0.72 ("Machine-readable format,
api_version 6", https://lua-api.factorio.com/2.0.72/runtime-api.json). Output: a Lua table the
harness loads (see README.md here): for the classes listed in CLASSES every attribute (read type,
writable, optional) and every method (parameters with types, optionality, table or positional call);
every event with its fields; every `defines` value; and every concept those reference, with
descriptions removed. Re-run it after changing CLASSES and commit the output.
"""
import json
import sys

# Every class the mod touches, plus what the harness hands it (event fields, parents).
CLASSES = [
    "LuaBootstrap", "LuaGameScript", "LuaHelpers", "LuaSettings", "LuaPrototypes",
    "LuaForce", "LuaSurface", "LuaSpacePlatform", "LuaPlanet", "LuaPlayer", "LuaControl",
    "LuaEntity", "LuaFlowStatistics", "LuaTechnology", "LuaQualityPrototype", "LuaPrototypeBase",
    "LuaAirbornePollutantPrototype", "LuaSpaceLocationPrototype", "LuaItemStack", "LuaRecipe",
    "LuaInventory", "LuaItemPrototype", "LuaFluidPrototype", "LuaEntityPrototype", "LuaCustomTable",
]


def convert(t):
    """A type of the API as a compact Lua value: a name (string) or a table {kind, ...}."""
    if isinstance(t, str):
        return t
    kind = t["complex_type"]
    if kind == "type":
        return convert(t["value"])
    if kind == "union":
        return {"union": [convert(o) for o in t["options"]]}
    if kind == "literal":
        return {"literal": t["value"]}
    if kind == "array":
        return {"array": convert(t["value"])}
    if kind == "dictionary":
        return {"dictionary": [convert(t["key"]), convert(t["value"])]}
    if kind == "LuaCustomTable":
        return {"custom_table": [convert(t["key"]), convert(t["value"])]}
    if kind == "tuple":
        return {"tuple": [convert(v) for v in t["values"]]}
    if kind in ("table", "LuaStruct"):
        return {"table": fields(t.get("parameters", t.get("attributes", [])))}
    if kind == "function":
        return {"function": True}
    if kind == "LuaLazyLoadedValue":
        return {"lazy": convert(t["value"])}
    if kind == "builtin":
        return {"builtin": True}
    raise ValueError(f"unknown complex_type {kind}")


def fields(params):
    out = []
    for p in sorted(params, key=lambda p: p["order"]):
        typ = p.get("type", p.get("read_type"))
        out.append({"name": p["name"], "type": convert(typ), "optional": bool(p.get("optional"))})
    return out


def referenced(value, into):
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            referenced(v, into)
    elif isinstance(value, list):
        for v in value:
            referenced(v, into)


LUA_KEYWORDS = set("and break do else elseif end false for function goto if in local nil not or repeat return then true until while".split())


def lua(value, depth=0):
    """Lua text of a value; the first four levels (sections, classes, members) one entry per line, for readable diffs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "{" + ",".join(lua(v, 99) for v in value) + "}"
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            if v is None:
                continue
            key = k if k.isidentifier() and k not in LUA_KEYWORDS else f"[{json.dumps(k)}]"
            parts.append(f"{key}={lua(v, depth + 1)}")
        if depth < 4:
            pad = "\n" + " " * (depth + 1)
            return "{" + pad + ("," + pad).join(parts) + "\n" + " " * depth + "}"
        return "{" + ",".join(parts) + "}"
    raise TypeError(type(value))


def main():
    api = json.load(open(sys.argv[1], encoding="utf-8"))
    by_name = {c["name"]: c for c in api["classes"]}
    classes = {}
    for name in CLASSES:
        c = by_name[name]
        attributes = {}
        for a in c["attributes"]:
            attributes[a["name"]] = {
                "read": convert(a["read_type"]) if "read_type" in a else None,
                "write": convert(a["write_type"]) if "write_type" in a else None,
                "optional": bool(a.get("optional")),
            }
        methods = {}
        for m in c["methods"]:
            fmt = m.get("format", {})
            entry = {"takes_table": bool(fmt.get("takes_table")), "parameters": fields(m["parameters"])}
            if fmt.get("table_optional"):
                entry["table_optional"] = True
            if "variadic_parameter" in m:
                entry["variadic"] = True
            # positional parameters are passed in their declared order
            entry["parameters"].sort(key=lambda p: [x["order"] for x in m["parameters"] if x["name"] == p["name"]][0])
            methods[m["name"]] = entry
        operators = [o["name"] for o in c.get("operators", [])]
        classes[name] = {"parent": c.get("parent"), "attributes": attributes, "methods": methods, "operators": operators}

    events = {e["name"]: fields(e["data"]) for e in api["events"]}

    def define_tree(d):
        if "subkeys" in d:
            return {s["name"]: define_tree(s) for s in d["subkeys"]}
        if "values" not in d:
            return 0  # a plain number (defines.default_icon_size)
        return [v["name"] for v in sorted(d["values"], key=lambda v: v["order"])]

    defines = {d["name"]: define_tree(d) for d in api["defines"]}

    concepts_all = {c["name"]: c for c in api["concepts"]}
    wanted, concepts = set(), {}
    referenced(classes, wanted)
    referenced(events, wanted)
    pending = sorted(wanted)
    while pending:
        name = pending.pop()
        if name in concepts or name not in concepts_all:
            continue
        concepts[name] = convert(concepts_all[name]["type"])
        more = set()
        referenced(concepts[name], more)
        pending.extend(sorted(n for n in more if n in concepts_all and n not in concepts))

    print("-- GENERATED by samples/factorio-mod/test/api/extract.py from Factorio's machine-readable")
    print(f"-- runtime API, {api['application']} {api['application_version']} (api_version {api['api_version']}),")
    print("-- published by Wube Software (https://lua-api.factorio.com/). A subset; see README.md here.")
    print("return " + lua({
        "application_version": api["application_version"],
        "classes": classes,
        "events": events,
        "defines": defines,
        "concepts": dict(sorted(concepts.items())),
        "global_objects": {g["name"]: g["type"] for g in api["global_objects"]},
    }))


if __name__ == "__main__":
    main()
