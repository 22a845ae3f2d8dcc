#!/usr/bin/env python3
"""Start-to-ready of `rxfactorio run`: milliseconds from spawn to the first 200 from /healthz.

usage: measure-ready.py [--runs N] BINARY [ARGS...]
  e.g. measure-ready.py dist/linux-x64/rxfactorio
       measure-ready.py dotnet Source/RxFactorio.Cli/bin/Release/net10.0/rxfactorio.dll

The probe runs in this process (a socket every 5 ms), not as a `curl` per attempt: on a small
machine a new process every 5 ms competes with the start-up being measured.
"""
import os, random, signal, socket, subprocess, sys, tempfile, time

def once(command):
    d = tempfile.mkdtemp()
    src = os.path.join(d, "events.jsonl")
    open(src, "w").close()
    port = random.randint(20000, 40000)
    err = open(os.path.join(d, "stderr"), "w")
    t0 = time.monotonic()
    p = subprocess.Popen(command + ["run", "--mode", "offline", "--dir", d, "--source", src,
                                    "--health-url", f"http://127.0.0.1:{port}"],
                         stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            pass
        if p.poll() is not None:
            sys.exit("rxfactorio exited early:\n" + open(os.path.join(d, "stderr")).read())
        time.sleep(0.005)
    ready = (time.monotonic() - t0) * 1000
    p.send_signal(signal.SIGTERM)
    return ready, p.wait()

def main():
    args = sys.argv[1:]
    runs = 5
    if args[:1] == ["--runs"]:
        runs, args = int(args[1]), args[2:]
    if not args:
        sys.exit(__doc__)
    results = [once(args) for _ in range(runs)]
    for ready, rc in results:
        print(f"ready_ms={ready:.0f} rc={rc}")
    values = sorted(r for r, _ in results)
    print(f"min={values[0]:.0f} median={values[len(values) // 2]:.0f} max={values[-1]:.0f} ms over {runs} runs")

main()
