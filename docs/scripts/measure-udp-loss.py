#!/usr/bin/env python3
"""Loss of the UDP transport: send N numbered stats lines, one datagram each (as the mod does),
at a fixed rate to a running `rxfactorio run --source udp://127.0.0.1:PORT --mode offline`, then
count the rows it wrote (one row per cycle, from its exit summary "1 run(s), M row(s)").

usage: measure-udp-loss.py [--lines N] [--rate LINES_PER_S] [--items K] [--runs R] BINARY [ARGS...]
  e.g. measure-udp-loss.py dotnet Source/RxFactorio.Cli/bin/Release/net10.0/rxfactorio.dll
       measure-udp-loss.py --rate 0 --lines 20000 dist/linux-x64/rxfactorio    (0 = as fast as possible)

Each line carries K production and K consumption items (default 120, about 5 KB), like a
mid-game base. The sender keeps an absolute schedule (line i at t0 + i/rate), so a slow
iteration does not lower the rate. Only 127.0.0.1 is used.
"""
import json, os, random, re, signal, socket, subprocess, sys, tempfile, time

def stats_line(cycle, items):
    rng = random.Random(cycle)
    production = {f"item-{k}": round(rng.uniform(0, 500), 6) for k in range(items)}
    consumption = {f"item-{k}": round(rng.uniform(0, 500), 6) for k in range(items)}
    return json.dumps({"type": "stats", "session_id": "udp_loss", "tick": cycle * 120, "cycle": cycle,
                       "products_production": production, "materials_consumption": consumption},
                      separators=(",", ":")).encode()

def once(command, lines, rate, items):
    d = tempfile.mkdtemp()
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    err_path = os.path.join(d, "stderr")
    err = open(err_path, "w")
    p = subprocess.Popen(command + ["run", "--mode", "offline", "--dir", d, "--source", f"udp://127.0.0.1:{port}",
                                    "--batch-window", "200ms", "--log-format", "text"],
                         stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 30
    while "Listening for datagrams" not in open(err_path).read():
        if p.poll() is not None or time.monotonic() > deadline:
            sys.exit("rxfactorio did not start listening:\n" + open(err_path).read())
        time.sleep(0.01)
    payloads = [json.dumps({"type": "session_init", "session_id": "udp_loss", "tick": 0, "level_name": "udp-loss"}).encode()]
    payloads += [stats_line(1 + i, items) for i in range(lines)]
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t0 = time.monotonic()
    for i, payload in enumerate(payloads):
        if rate > 0:
            wait = t0 + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        sender.sendto(payload, ("127.0.0.1", port))
    elapsed = time.monotonic() - t0
    time.sleep(2)  # let the last batch window pass before stopping
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=60)
    m = re.search(r"(\d+) run\(s\), (\d+) row\(s\)", out)
    if not m:
        sys.exit("no summary in the output:\n" + out + open(err_path).read())
    rows = int(m.group(2))
    return rows, elapsed, len(payloads[1]), p.returncode

def main():
    args = sys.argv[1:]
    lines, rate, items, runs = 3000, 50.0, 120, 1
    while args[:1] and args[0].startswith("--"):
        flag, value, args = args[0], args[1], args[2:]
        if flag == "--lines": lines = int(value)
        elif flag == "--rate": rate = float(value)
        elif flag == "--items": items = int(value)
        elif flag == "--runs": runs = int(value)
        else: sys.exit(__doc__)
    if not args:
        sys.exit(__doc__)
    for _ in range(runs):
        rows, elapsed, size, rc = once(args, lines, rate, items)
        lost = lines - rows
        print(f"sent={lines} rows={rows} lost={lost} ({100.0 * lost / lines:.3f} %) "
              f"rate={lines / elapsed:.0f} lines/s datagram={size} B rc={rc}")

main()
