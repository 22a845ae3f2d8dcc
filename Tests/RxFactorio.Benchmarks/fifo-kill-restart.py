#!/usr/bin/env python3
"""A FIFO source at the game's pace, rxfactorio killed with SIGKILL twice and restarted at once.

Usage (from anywhere): Tests/RxFactorio.Benchmarks/fifo-kill-restart.py [--lines 280] [--rate 20] [--kills 2] [--seed N]

A writer appends lines shaped like samples/recordings/freeplay.jsonl (its session_init and stats
lines, renumbered: cycle = 1, 2, ...; tick = 120 * cycle) to a FIFO at --rate lines/s. `rxfactorio
run` reads the FIFO online into the local fake W&B server (Tests/RxFactorio.FakeWandb, Release
build) and is killed with SIGKILL --kills times at random moments, each time restarted at once.
At the end it is stopped with SIGTERM (a clean stop: it flushes and finishes its runs), and the
script counts the runs and rows on the fake server against the stats lines the FIFO took.

Like the game, the writer keeps the FIFO open; a write while no reader holds it fails (EPIPE):
that line is lost on the game's side (counted apart, not rxfactorio's loss), and the writer
reopens the FIFO, which waits in open() until a reader comes (the game would freeze that long).

RXF_CLI_DIR may point at another build of the CLI (e.g. an older commit's bin/Release/net10.0) to
measure "before" with the same script. Target (issue #13): one run, at most 3 rows lost per kill.
"""
import argparse
import errno
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
KEY = "fifo-bench-key-0123456789"


def sample_lines(count):
    """The session_init and `count` stats lines in the shape of the freeplay sample, renumbered."""
    init, stats = None, []
    with open(os.path.join(REPO, "samples", "recordings", "freeplay.jsonl"), encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            if event.get("type") == "session_init" and init is None:
                init = event
            elif event.get("type") == "stats" and not event.get("surface"):
                stats.append(event)
    session = "bench_fifo_%d" % os.getpid()
    init = dict(init, session_id=session, tick=0)
    lines = [json.dumps(init)]
    for i in range(count):
        event = dict(stats[i % len(stats)], session_id=session, cycle=i + 1, tick=120 * (i + 1))
        lines.append(json.dumps(event))
    return lines


class Writer(threading.Thread):
    """Writes the lines to the FIFO at `rate` lines/s; a line that meets no reader (EPIPE) is lost on the game's side."""

    def __init__(self, fifo, lines, rate):
        super().__init__(daemon=True)
        self.fifo, self.lines, self.rate = fifo, lines, rate
        self.taken = 0          # lines the FIFO took
        self.stats_taken = 0    # of them, stats lines
        self.game_lost = 0      # lines that met no reader (EPIPE)
        self.blocked = 0.0      # seconds spent waiting in open() for a reader

    def open(self):
        started = time.monotonic()
        fd = os.open(self.fifo, os.O_WRONLY)
        self.blocked += time.monotonic() - started
        return fd

    def run(self):
        fd = self.open()
        start = time.monotonic()
        for i, line in enumerate(self.lines):
            due = start + i / self.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            data = (line + "\n").encode()
            try:
                os.write(fd, data)
                self.taken += 1
                if i > 0:
                    self.stats_taken += 1
            except OSError as e:
                if e.errno != errno.EPIPE:
                    raise
                self.game_lost += 1
                os.close(fd)
                fd = self.open()
        os.close(fd)


def runs_on(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/runs" % port, timeout=10) as r:
        return json.load(r)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=280, help="stats lines to write (default 280)")
    parser.add_argument("--rate", type=float, default=20, help="lines per second (default 20)")
    parser.add_argument("--kills", type=int, default=2, help="SIGKILLs, each followed by a restart at once (default 2)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill moments (default: random, printed)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)

    cli, fake = cli_and_fake()

    work = tempfile.mkdtemp(prefix="rxf-fifo-bench-")
    fifo = os.path.join(work, "events.pipe")
    os.mkfifo(fifo, 0o600)
    port = 20000 + rng.randrange(20000)
    fake_log = open(os.path.join(work, "fake.log"), "w")
    server = subprocess.Popen(["dotnet", fake, "--port", str(port), "--api-key", KEY], stdout=fake_log, stderr=subprocess.STDOUT)
    children = []
    try:
        for _ in range(100):
            with open(os.path.join(work, "fake.log")) as f:
                if "listening" in f.read():
                    break
            time.sleep(0.1)
        env = dict(os.environ, WANDB_API_KEY=KEY, NETRC="/nonexistent/netrc")
        for name in ("WANDB_MODE", "WANDB_PROJECT", "WANDB_ENTITY", "WANDB_DIR"):
            env.pop(name, None)
        command = ["dotnet", cli, "run", "--source", fifo, "--mode", "online", "--base-url", "http://127.0.0.1:%d" % port,
                   "--dir", work, "--quiet"]

        def start():
            out = open(os.path.join(work, "rxfactorio-%d.out" % len(children)), "w")
            child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            children.append(child)
            return child

        child = start()
        writer = Writer(fifo, sample_lines(args.lines), args.rate)
        writer.start()
        duration = args.lines / args.rate
        # The kills fall at random moments of the middle 80 % of the writing, one per equal slice.
        moments = sorted(duration * (0.1 + 0.8 * (k + rng.random()) / args.kills) for k in range(args.kills))
        began = time.monotonic()
        kills = []
        for moment in moments:
            time.sleep(max(0.0, began + moment - time.monotonic()))
            kills.append((round(time.monotonic() - began, 2), writer.taken))
            child.send_signal(signal.SIGKILL)
            child.wait()
            child = start()
        writer.join()
        # NOTE: let the last process read what the FIFO holds, then stop it cleanly (it flushes the row being assembled).
        time.sleep(3)
        child.send_signal(signal.SIGTERM)
        code = child.wait(timeout=120)
        runs = runs_on(port)
    finally:
        for c in children:
            if c.poll() is None:
                c.kill()
        server.terminate()
        server.wait()
        fake_log.close()

    rows = sum(r["historyRowCount"] for r in runs)
    lost = writer.stats_taken - rows
    print("seed %d; kills at (s, lines taken): %s; last exit code %d" % (seed, kills, code))
    print("stats lines written      %d (%d taken by the FIFO)" % (args.lines, writer.stats_taken))
    print("lost on the game's side  %d (EPIPE: no reader), writer waited %.2f s in open()" % (writer.game_lost, writer.blocked))
    print("runs on the server       %d" % len(runs))
    print("rows on the server       %d" % rows)
    print("rows lost by rxfactorio  %d (%.1f per kill)" % (lost, lost / max(1, args.kills)))
    ok = len(runs) == 1 and lost <= 3 * args.kills
    print("target (one run, <= 3 rows lost per kill): %s" % ("met" if ok else "NOT met"))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
