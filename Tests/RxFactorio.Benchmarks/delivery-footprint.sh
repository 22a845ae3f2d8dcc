#!/usr/bin/env bash
# The delivery path's speed and memory, as ratios against `validate` in the same run.
# Usage (from anywhere): Tests/RxFactorio.Benchmarks/delivery-footprint.sh [MEGABYTES]...
#   MEGABYTES  sizes of the single-session recordings to measure, in 10^6 bytes (default: 150 500);
#              each is generated once into $RXF_BENCH_DIR (default /tmp/rxfactorio-bench) by the
#              repo's own generator (Tests/RxFactorio.Benchmarks/Modes/RecordingGenerator.cs).
# For each size it runs, with /usr/bin/time -v: `validate`, `replay --mode offline` and `replay`
# online into the local fake W&B server (Tests/RxFactorio.FakeWandb --port), and prints wall time,
# throughput relative to validate, user CPU time (steadier than wall time on a shared machine) and
# peak RSS. RXF_CLI_DIR may point at another build of the CLI (e.g. an older commit's
# bin/Release/net10.0) to measure "before" with the same script.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sizes=("$@")
[[ ${#sizes[@]} -eq 0 ]] && sizes=(150 500)
work="${RXF_BENCH_DIR:-/tmp/rxfactorio-bench}"
cli_dir="${RXF_CLI_DIR:-$repo/Source/RxFactorio.Cli/bin/Release/net10.0}"
cli="$cli_dir/rxfactorio.dll"
bench="$repo/Tests/RxFactorio.Benchmarks/bin/Release/net10.0/RxFactorio.Benchmarks.dll"
fake="$repo/Tests/RxFactorio.FakeWandb/bin/Release/net10.0/RxFactorio.FakeWandb.dll"
mkdir -p "$work"
fake_pid=""
cleanup() { [[ -n "$fake_pid" ]] && kill "$fake_pid" 2>/dev/null || true; }
trap cleanup EXIT

cd "$repo"
echo "== building (Release)"
[[ -n "${RXF_CLI_DIR:-}" ]] || dotnet build -c Release --nologo -v quiet Source/RxFactorio.Cli/RxFactorio.Cli.csproj
dotnet build -c Release --nologo -v quiet Tests/RxFactorio.Benchmarks/RxFactorio.Benchmarks.csproj
dotnet build -c Release --nologo -v quiet Tests/RxFactorio.FakeWandb/RxFactorio.FakeWandb.csproj

port=$(( 20000 + RANDOM % 20000 ))
dotnet "$fake" --port "$port" --api-key bench-key-0123456789 > "$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 100); do grep -q listening "$work/fake.log" 2>/dev/null && break; sleep 0.1; done

# measure NAME CMD...: runs CMD under /usr/bin/time -v, sets $wall (s), $user (s) and $rss (MiB)
measure() {
  local name="$1"; shift
  local timings="$work/time-$name.txt" status=0
  /usr/bin/time -v -o "$timings" "$@" > "$work/out-$name.txt" 2>&1 || status=$?
  wall="$(awk -F': ' '/Elapsed \(wall clock\) time/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$timings")"
  rss="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$timings")"
  user="$(awk -F': ' '/User time \(seconds\)/ { print $2 }' "$timings")"
  if [[ "$status" -ne 0 ]]; then
    echo "   $name exited with $status:"; tail -5 "$work/out-$name.txt"
  fi
}

printf '\n%-8s %-16s %9s %9s %12s %8s %10s\n' "size" "command" "wall s" "MB/s" "vs validate" "user s" "peak RSS"
for mb in "${sizes[@]}"; do
  file="$work/single-$mb.jsonl"
  if [[ ! -s "$file" ]]; then
    dotnet "$bench" generate "$file" --megabytes "$mb" --sessions 1 > /dev/null
  fi
  cat "$file" > /dev/null
  bytes="$(stat -c %s "$file")"
  row() { awk -v n="$1" -v c="$2" -v b="$bytes" -v s="$3" -v v="$4" -v r="$5" -v u="$user" 'BEGIN {
    printf "%-8s %-16s %9.2f %9.1f %11.2fx %8.2f %7d MiB\n", n, c, s, b / 1e6 / s, v / s, u, r }'; }

  measure validate dotnet "$cli" validate "$file"
  validate_wall="$wall"; row "${mb}MB" validate "$wall" "$validate_wall" "$rss"

  rm -rf "$work/offline"; mkdir -p "$work/offline"
  measure offline env -u WANDB_API_KEY dotnet "$cli" replay "$file" --mode offline --dir "$work/offline" --quiet
  row "${mb}MB" "replay offline" "$wall" "$validate_wall" "$rss"

  rm -rf "$work/online"; mkdir -p "$work/online"
  measure online env WANDB_API_KEY=bench-key-0123456789 dotnet "$cli" replay "$file" --mode online \
    --base-url "http://127.0.0.1:$port" --dir "$work/online" --quiet
  row "${mb}MB" "replay online" "$wall" "$validate_wall" "$rss"
done
