#!/usr/bin/env python3
"""Many live games at once: N tailed files written at the game's pace into `rxfactorio run`, online.

Usage (from anywhere): Tests/RxFactorio.Benchmarks/fleet-load.py [--sources N]... [--seconds 60] [--rate 20] [--window 5]

For each --sources N (default: 16, then 64) it starts the local fake W&B server
(Tests/RxFactorio.FakeWandb, Release build) on 127.0.0.1 and the real `rxfactorio run` with one
`--source fK.jsonl` per file (N separate flags), online against the fake, the API key in the
environment only. Then a writer appends to each file, at --rate lines/s for --seconds, one game
session per file: a session_init, then `stats` lines with cycle = 1, 2, ... (tick = 120 * cycle),
each with 30 `products_production` and 30 `materials_consumption` items (names from the freeplay
sample, values drifting with long mantissas) and a player position, as the mod writes them
(docs/events.md). The files' writes are spread evenly over each 1/rate s. The time of every write
is kept per (session, cycle).

While writing, it samples rxfactorio's VmRSS (/proc/PID/status) twice a second and its CPU
(utime + stime, /proc/PID/stat) over the writing window, as % of one core. When the writing ends it
waits until the server holds every row (the last of each session completes after one batch
window without stats, as when a game pauses) or 4 windows + 30 s have passed, then stops rxfactorio with SIGTERM (a clean stop: the last rows
are flushed, the runs finished) and reads its peak RSS (VmHWM, the highest seen up to its exit).

The fake records when it first received each history line (GET /runs/history), so the delay of a
row is its arrival minus the write of its line (both on this machine's clock). The check: per
session exactly one run, holding steps 1..cycles written once each (no duplicate, none missing).

Targets (issue #15): at 16 sources x 20 lines/s, every row exactly once, peak RSS <= 120 MB,
CPU <= 35 % of one core, p95 delay <= 2 batch windows. 64 sources are measured and reported.
The writer and the fake server run on the same machine and take CPU of their own.
RXF_CLI_DIR may point at another build of the CLI (e.g. an older commit's bin/Release/net10.0) to
measure "before" with the same script.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from benchbuild import REPO, cli_and_fake
KEY = "fleet-bench-key-0123456789abcdefghijkl"
ITEMS = 30
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def item_names():
    """The first ITEMS produced and consumed item names of the freeplay sample (padded with plausible names)."""
    produced, consumed = [], []
    with open(os.path.join(REPO, "samples", "recordings", "freeplay.jsonl"), encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            if event.get("type") != "stats":
                continue
            for names, key in ((produced, "products_production"), (consumed, "materials_consumption")):
                for name in event.get(key, {}):
                    if name not in names:
                        names.append(name)
    for names in (produced, consumed):
        names.extend("modded-item-%d" % i for i in range(ITEMS - len(names)))
        del names[ITEMS:]
    return produced, consumed


class Session:
    """One game writing one file: its session_init, then a stats line per cycle."""

    VARIANTS = 64  # distinct item payloads per session, drifting, used in turn (keeps the writer cheap)

    def __init__(self, index, path, produced, consumed, rng):
        self.path = path
        self.id = "fleet_%d_%d" % (index, 216000 + index)
        self.cycle = 0
        self.writes = {}  # cycle -> wall time (time.time()) just after the line was written
        rates = {name: rng.uniform(1, 2000) for name in produced + consumed}
        self.bodies = []
        for _ in range(self.VARIANTS):
            for name in rates:
                rates[name] *= rng.uniform(0.97, 1.03)
            production = ",".join('"%s":%r' % (n, rates[n] * rng.uniform(0.9, 1.1)) for n in produced)
            consumption = ",".join('"%s":%r' % (n, rates[n] * rng.uniform(0.9, 1.1)) for n in consumed)
            player = '"player":{"health":250,"position":{"x":%r,"y":%r},"surface":"nauvis"}' % (
                round(rng.uniform(-50, 50), 2), round(rng.uniform(-50, 50), 2))
            self.bodies.append('"products_production":{%s},"materials_consumption":{%s},%s' % (production, consumption, player))
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write_init(self):
        line = '{"type":"session_init","session_id":"%s","tick":0,"level_name":"freeplay"}\n' % self.id
        os.write(self.fd, line.encode())

    def write_stats(self):
        self.cycle += 1
        c = self.cycle
        line = '{"type":"stats","session_id":"%s","cycle":%d,"tick":%d,%s}\n' % (
            self.id, c, 120 * c, self.bodies[c % self.VARIANTS])
        os.write(self.fd, line.encode())
        self.writes[c] = time.time()

    def close(self):
        os.close(self.fd)


class Writer(threading.Thread):
    """Every 1/rate s one stats line per session, the sessions' writes spread evenly over the interval."""

    def __init__(self, sessions, rate, seconds):
        super().__init__(daemon=True)
        self.sessions, self.rate, self.cycles = sessions, rate, int(round(rate * seconds))
        self.late = 0.0  # the most the writer fell behind its schedule, s
        self.started = self.ended = None

    def run(self):
        n = len(self.sessions)
        for s in self.sessions:
            s.write_init()
        self.started = time.monotonic()
        for k in range(self.cycles):
            for i, s in enumerate(self.sessions):
                due = self.started + (k + i / n) / self.rate
                delay = due - time.monotonic()
                if delay > 0.0005:
                    time.sleep(delay)
                else:
                    self.late = max(self.late, -delay)
                s.write_stats()
        self.ended = time.monotonic()


class ProcessSampler(threading.Thread):
    """VmRSS twice a second and VmHWM (the peak) of a process, until it exits or is told to stop."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.rss = []  # (monotonic s, MiB)
        self.peak = 0.0
        self.stop = threading.Event()

    def status(self):
        values = {}
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024
        return values

    def run(self):
        while not self.stop.is_set():
            try:
                values = self.status()
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                return
            if "VmHWM" in values:  # absent once the process is a zombie
                self.rss.append((time.monotonic(), values["VmRSS"]))
                self.peak = max(self.peak, values["VmHWM"])
            self.stop.wait(0.5)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def get_json(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=60) as r:
        return json.load(r)


def wait_for(predicate, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def measure(n, args, cli, fake, rng):
    work = tempfile.mkdtemp(prefix="rxf-fleet-bench-")
    port = 20000 + rng.randrange(20000)
    fake_log = open(os.path.join(work, "fake.log"), "w")
    server = subprocess.Popen(["dotnet", fake, "--port", str(port), "--api-key", KEY], stdout=fake_log, stderr=subprocess.STDOUT)
    child = None
    try:
        if not wait_for(lambda: "listening" in open(os.path.join(work, "fake.log")).read(), 30, 0.1):
            raise RuntimeError("the fake W&B server did not start: see " + fake_log.name)
        produced, consumed = item_names()
        sessions = [Session(i, os.path.join(work, "f%d.jsonl" % (i + 1)), produced, consumed, rng) for i in range(n)]

        env = dict(os.environ, WANDB_API_KEY=KEY, NETRC="/nonexistent/netrc")
        for name in ("WANDB_MODE", "WANDB_PROJECT", "WANDB_ENTITY", "WANDB_DIR", "WANDB_BASE_URL"):
            env.pop(name, None)
        command = ["dotnet", cli, "run"]
        for s in sessions:
            command += ["--source", s.path]
        command += ["--mode", "online", "--base-url", "http://127.0.0.1:%d" % port, "--dir", work,
                    "--batch-window", "%gs" % args.window, "--quiet"]
        out = open(os.path.join(work, "rxfactorio.out"), "w")
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = ProcessSampler(child.pid)
        sampler.start()

        # Ready when every source file is open in the process.
        paths = {os.path.realpath(s.path) for s in sessions}

        def all_open():
            try:
                fds = os.listdir("/proc/%d/fd" % child.pid)
            except FileNotFoundError:
                return True
            open_paths = set()
            for fd in fds:
                try:
                    open_paths.add(os.readlink("/proc/%d/fd/%s" % (child.pid, fd)))
                except OSError:
                    pass
            return paths <= open_paths

        if not wait_for(all_open, 60) or child.poll() is not None:
            raise RuntimeError("rxfactorio did not open its sources: see " + out.name)

        writer = Writer(sessions, args.rate, args.seconds)
        cpu_before = cpu_seconds(child.pid)
        writer.start()
        writer.join()
        cpu_after = cpu_seconds(child.pid)
        window = writer.ended - writer.started
        cpu = 100 * (cpu_after - cpu_before) / window
        rss_in_window = [m for t, m in sampler.rss if writer.started <= t <= writer.ended]
        for s in sessions:
            s.close()

        sent = sum(s.cycle for s in sessions)

        def all_arrived():
            return sum(r["historyRowCount"] for r in get_json(port, "/runs")) >= sent

        drained = wait_for(all_arrived, 4 * args.window + 30, 0.5)
        child.send_signal(signal.SIGTERM)
        code = child.wait(timeout=300)
        sampler.stop.set()
        sampler.join()
        runs = get_json(port, "/runs/history")
    finally:
        if child is not None and child.poll() is None:
            child.kill()
        server.terminate()
        server.wait()
        fake_log.close()

    by_session = {}
    for run in runs:
        by_session.setdefault(run["sessionId"], []).append(run)
    received = duplicates = missing = unexpected = resent = 0
    delays = []
    problems = []
    for s in sessions:
        session_runs = by_session.pop(s.id, [])
        if len(session_runs) != 1:
            problems.append("session %s: %d runs" % (s.id, len(session_runs)))
        seen = {}
        for run in session_runs:
            for offset, step, arrived_ms, writes in run["rows"]:
                received += 1
                resent += writes - 1
                seen[step] = seen.get(step, 0) + 1
                if step in s.writes and seen[step] == 1:
                    delays.append(arrived_ms / 1000 - s.writes[step])
        duplicates += sum(count - 1 for count in seen.values())
        missing += sum(1 for c in s.writes if c not in seen)
        unexpected += sum(1 for step in seen if step not in s.writes)
    for session_id, extra in by_session.items():
        problems.append("runs of a session nobody wrote: %r (%d)" % (session_id, len(extra)))
    delays.sort()
    return {
        "sources": n, "rate": args.rate, "sent": sent, "received": received, "duplicates": duplicates,
        "missing": missing, "unexpected": unexpected, "resent": resent, "runs": len(runs),
        "peak_rss": sampler.peak, "rss_window": (min(rss_in_window), max(rss_in_window)) if rss_in_window else None,
        "cpu": cpu, "p50": percentile(delays, 50), "p95": percentile(delays, 95), "max": delays[-1] if delays else float("nan"),
        "window": args.window, "writer_late": writer.late, "drained": drained, "exit": code, "problems": problems,
        "work": work,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, action="append", help="tailed files (repeatable; default: 16, then 64)")
    parser.add_argument("--seconds", type=float, default=60, help="how long to write (default 60)")
    parser.add_argument("--rate", type=float, default=20, help="stats lines per second per file (default 20)")
    parser.add_argument("--window", type=float, default=5, help="--batch-window in seconds (default 5, the CLI's default)")
    parser.add_argument("--keep", action="store_true", help="keep the work folders (files, logs) and print where")
    args = parser.parse_args()
    rng = random.Random(1515)

    cli, fake = cli_and_fake()

    results = []
    for n in args.sources or [16, 64]:
        print("== %d sources x %g lines/s for %g s" % (n, args.rate, args.seconds), flush=True)
        result = measure(n, args, cli, fake, rng)
        results.append(result)
        r = result
        rss = "%.0f-%.0f" % r["rss_window"] if r["rss_window"] else "?"
        print("   exit code %d; %d runs; VmRSS while writing %s MiB; lines resent (same offset) %d; unexpected steps %d; "
              "writer at most %.3f s behind; %s" % (r["exit"], r["runs"], rss, r["resent"], r["unexpected"], r["writer_late"],
                                                   "drained before SIGTERM" if r["drained"] else "NOT drained before SIGTERM"))
        for p in r["problems"][:10]:
            print("   " + p)
        if args.keep:
            print("   kept " + r["work"])
        else:
            shutil.rmtree(r["work"], ignore_errors=True)

    header = ("sources", "lines/s", "rows sent", "received", "dups", "missing", "peak RSS MB", "CPU % core",
              "p50 s", "p95 s", "max s", "window s")
    print()
    print("%7s %8s %10s %9s %5s %8s %12s %11s %6s %6s %6s %9s" % header)
    ok = True
    for r in results:
        print("%7d %8g %10d %9d %5d %8d %12.1f %11.1f %6.2f %6.2f %6.2f %9g" % (
            r["sources"], r["rate"], r["sent"], r["received"], r["duplicates"], r["missing"], r["peak_rss"] * 1.048576,
            r["cpu"], r["p50"], r["p95"], r["max"], r["window"]))
        exact = r["duplicates"] == 0 and r["missing"] == 0 and r["unexpected"] == 0 and not r["problems"] and r["exit"] == 0
        ok = ok and exact
        if r["sources"] == 16:
            targets = [("every row exactly once", exact), ("peak RSS <= 120 MB", r["peak_rss"] * 1.048576 <= 120),
                       ("CPU <= 35 % of one core", r["cpu"] <= 35), ("p95 delay <= 2 windows", r["p95"] <= 2 * r["window"])]
            print("        targets at 16 sources: " + "; ".join("%s: %s" % (t, "met" if m else "NOT met") for t, m in targets))
    print("(MB = 10^6 bytes; VmHWM is in KiB. CPU = rxfactorio's utime+stime over the writing window / its length.)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
