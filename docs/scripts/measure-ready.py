#!/usr/bin/env python3
"""Start-up footprint of `rxfactorio run`: milliseconds from spawn to the first 200 from /healthz,
and the resident memory (VmRSS, peak VmHWM from /proc/PID/status) at ready and after a steady phase
of Prometheus-like scrapes. Several builds are measured interleaved (A, B, A, B, ...) in one
invocation, so a machine that gets busier or quieter affects all of them alike; ratios are against
the first build.

usage: measure-ready.py [--runs N] [--steady S] BINARY [ARGS...] [-- BINARY [ARGS...]]...
  e.g. measure-ready.py dist/linux-x64/rxfactorio
       measure-ready.py --runs 7 dotnet old/rxfactorio.dll -- dotnet new/rxfactorio.dll

--steady S: after ready, scrape /healthz and /metrics once a second for S seconds (default 5),
then read the memory again; 0 skips it.

The probe runs in this process (a socket every 5 ms), not as a `curl` per attempt: on a small
machine a new process every 5 ms competes with the start-up being measured.
"""
import os, random, signal, socket, statistics, subprocess, sys, tempfile, time

def request(port, path, timeout=5):
    """One GET; the status line's code and the whole answer's size, or None when nothing answered."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None
    except OSError:
        return None

def memory_mb(pid):
    """VmRSS and VmHWM (peak) of the process, in MB (10^6 bytes)."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) * 1024 / 1e6
    return fields["VmRSS"], fields["VmHWM"]

def once(command, steady):
    d = tempfile.mkdtemp()
    src = os.path.join(d, "events.jsonl")
    open(src, "w").close()
    port = random.randint(20000, 40000)
    err = open(os.path.join(d, "stderr"), "w")
    t0 = time.monotonic()
    p = subprocess.Popen(command + ["run", "--mode", "offline", "--dir", d, "--source", src,
                                    "--health-url", f"http://127.0.0.1:{port}"],
                         stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
    while request(port, "/healthz") != 200:
        if p.poll() is not None:
            sys.exit("rxfactorio exited early:\n" + open(os.path.join(d, "stderr")).read())
        time.sleep(0.005)
    ready = (time.monotonic() - t0) * 1000
    rss_ready, _ = memory_mb(p.pid)
    for _ in range(steady):
        time.sleep(1)
        if request(port, "/healthz") != 200 or request(port, "/metrics") != 200:
            sys.exit("a scrape failed:\n" + open(os.path.join(d, "stderr")).read())
    rss_steady, hwm = memory_mb(p.pid)
    p.send_signal(signal.SIGTERM)
    return {"ready_ms": ready, "rss_ready_mb": rss_ready, "rss_steady_mb": rss_steady, "hwm_mb": hwm, "rc": p.wait()}

def main():
    args = sys.argv[1:]
    runs, steady = 5, 5
    while args[:1] in (["--runs"], ["--steady"]):
        if args[0] == "--runs":
            runs = int(args[1])
        else:
            steady = int(args[1])
        args = args[2:]
    commands, current = [], []
    for arg in args + ["--"]:
        if arg == "--":
            if current:
                commands.append(current)
            current = []
        else:
            current.append(arg)
    if not commands:
        sys.exit(__doc__)
    results = [[] for _ in commands]
    for _ in range(runs):
        for i, command in enumerate(commands):
            r = once(command, steady)
            results[i].append(r)
            print(f"[{i}] " + " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()), flush=True)
    keys = ["ready_ms", "rss_ready_mb", "rss_steady_mb", "hwm_mb"]
    medians = [{k: statistics.median(r[k] for r in rs) for k in keys} for rs in results]
    print(f"\nmedian over {runs} runs (min-max); ratio to [0]; steady = after {steady} s of scrapes")
    for i, command in enumerate(commands):
        cells = []
        for k in keys:
            values = [r[k] for r in results[i]]
            cells.append(f"{k}={medians[i][k]:.1f} ({min(values):.1f}-{max(values):.1f}) x{medians[i][k] / medians[0][k]:.2f}")
        print(f"[{i}] {' '.join(command)}\n    " + "\n    ".join(cells))
        bad = [r["rc"] for r in results[i] if r["rc"] != 0]
        if bad:
            print(f"    exit codes other than 0 on SIGTERM: {bad}")

if __name__ == "__main__":
    main()
