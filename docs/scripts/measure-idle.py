#!/usr/bin/env python3
"""CPU and memory of an idle `rxfactorio run` fed one `stats` event every 2 s.

usage: measure-idle.py BINARY [ARGS...]
  e.g. measure-idle.py dotnet Source/RxFactorio.Cli/bin/Release/net10.0/rxfactorio.dll

Runs for 3 min 5 s. Reports CPU (% of one core: utime+stime from /proc/PID/stat over wall time) for
the first minute after the first event (it includes the JIT's warm-up: hot methods are compiled
again, optimised, during the first minute or two) and for the third minute (steady state), and RSS.
Linux only (/proc).
"""
import json, os, signal, subprocess, sys, tempfile, threading, time

TICK = os.sysconf("SC_CLK_TCK")

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime

def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))

def writer(path, stop):
    with open(path, "a") as f:
        f.write(json.dumps({"type": "session_init", "session_id": "idle_1", "tick": 0, "level_name": "freeplay"}) + "\n")
        f.flush()
        cycle = 0
        while not stop.wait(2.0):
            cycle += 1
            f.write(json.dumps({"type": "stats", "session_id": "idle_1", "tick": cycle * 120, "cycle": cycle,
                                "products_production": {"iron-plate": cycle + 0.5, "copper-plate": cycle}}) + "\n")
            f.flush()

def main():
    command = sys.argv[1:]
    if not command:
        sys.exit(__doc__)
    d = tempfile.mkdtemp()
    src = os.path.join(d, "events.jsonl")
    open(src, "w").close()
    out = open(os.path.join(d, "stdout"), "w")
    p = subprocess.Popen(command + ["run", "--mode", "offline", "--dir", d, "--source", src],
                         stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    time.sleep(3)
    stop = threading.Event()
    t = threading.Thread(target=writer, args=(src, stop))
    t.start()
    start = time.monotonic()
    marks = []
    for at in (0, 60, 120, 180):
        time.sleep(max(0.0, start + at - time.monotonic()))
        marks.append((time.monotonic(), cpu_seconds(p.pid)))
    rss, hwm = status_kb(p.pid, "VmRSS"), status_kb(p.pid, "VmHWM")
    stop.set(); t.join()
    p.send_signal(signal.SIGTERM)
    rc = p.wait()
    def pct(a, b):
        return 100 * (marks[b][1] - marks[a][1]) / (marks[b][0] - marks[a][0])
    print(f"cpu_first_minute={pct(0, 1):.2f}% cpu_second_minute={pct(1, 2):.2f}% cpu_third_minute={pct(2, 3):.2f}% "
          f"rss_mb={rss // 1024} peak_rss_mb={hwm // 1024} rc={rc}")
    print(open(os.path.join(d, "stdout")).read().splitlines()[0])

main()
