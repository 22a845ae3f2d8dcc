#!/usr/bin/env bash
# Many games at once (#15): what `replay --mode offline` of the real CLI makes of
#   interleaved  8 sessions x 300 cycles interleaved line by line in one recording: runs created, rows, wall time;
#   wide         one stats line with 200,000 item keys (about 2.3 MB, under the 4 MiB line limit)
#                followed by 50 normal lines: run log bytes (the run folders) and peak RSS.
# Usage (from anywhere): Tests/RxFactorio.Benchmarks/many-sessions.sh
# Recordings are generated into $RXF_BENCH_DIR (default /tmp/rxfactorio-bench). Each command runs
# under /usr/bin/time -v. RXF_CLI_DIR may point at another build of the CLI (e.g. an older commit's
# bin/Release/net10.0) to measure "before" with the same script.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${RXF_BENCH_DIR:-/tmp/rxfactorio-bench}"
cli_dir="${RXF_CLI_DIR:-$repo/Source/RxFactorio.Cli/bin/Release/net10.0}"
cli="$cli_dir/rxfactorio.dll"
mkdir -p "$work"

if [[ -z "${RXF_CLI_DIR:-}" ]]; then
  echo "== building (Release)"
  (cd "$repo" && dotnet build -c Release --nologo -v quiet Source/RxFactorio.Cli/RxFactorio.Cli.csproj)
fi

interleaved="$work/interleaved-8x300.jsonl"
awk 'BEGIN { for (c = 1; c <= 300; c++) for (s = 0; s < 8; s++)
  printf "{\"type\":\"stats\",\"session_id\":\"game%d\",\"cycle\":%d,\"tick\":%d,\"products_production\":{\"iron-plate\":%d}}\n", s, c, c * 120, c + s }' > "$interleaved"
wide="$work/wide-200k.jsonl"
awk 'BEGIN {
  printf "{\"type\":\"stats\",\"session_id\":\"wide\",\"cycle\":1,\"tick\":120,\"products_production\":{"
  for (i = 0; i < 200000; i++) printf "%s\"item-%06d\":%d", (i ? "," : ""), i, i
  printf "}}\n"
  for (c = 2; c <= 51; c++) printf "{\"type\":\"stats\",\"session_id\":\"wide\",\"cycle\":%d,\"tick\":%d,\"products_production\":{\"iron-plate\":%d}}\n", c, c * 120, c }' > "$wide"

# measure NAME FILE: replays FILE offline into a fresh folder; sets $wall (s), $rss (MiB), $runs, $rows, $logbytes
measure() {
  local name="$1" file="$2"
  local dir="$work/out-$name" timings="$work/time-$name.txt" status=0
  rm -rf "$dir"; mkdir -p "$dir"
  WANDB_API_KEY= NETRC=/nonexistent WANDB_DIR="$dir" /usr/bin/time -v -o "$timings" \
    dotnet "$cli" replay --mode offline --speed max "$file" > "$work/stdout-$name.txt" 2> "$work/stderr-$name.txt" || status=$?
  [[ "$status" -eq 0 ]] || { echo "   $name exited with $status:"; tail -5 "$work/stderr-$name.txt"; }
  wall="$(awk -F': ' '/Elapsed \(wall clock\) time/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$timings")"
  rss="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$timings")"
  runs="$(find "$dir/wandb" -maxdepth 1 -name 'offline-run-*' -type d | wc -l)"
  rows="$(grep -oE '[0-9]+ run\(s\), [0-9]+ row' "$work/stdout-$name.txt" | grep -oE '[0-9]+ row' | grep -oE '[0-9]+' || echo '?')"
  logbytes="$(du -sb "$dir/wandb" | cut -f1)"
}

printf '\n%-12s %8s %8s %9s %14s %10s\n' "recording" "runs" "rows" "wall s" "run log bytes" "peak RSS"
for name in interleaved wide; do
  file="$work/$( [[ $name == interleaved ]] && basename "$interleaved" || basename "$wide")"
  cat "$file" > /dev/null
  measure "$name" "$file"
  printf '%-12s %8s %8s %9.2f %14s %6s MiB\n' "$name" "$runs" "$rows" "$wall" "$logbytes" "$rss"
done
echo
echo "warnings about key limits (wide):"
grep -ohE 'KeyLimit: [^(]{0,160}' "$work/stderr-wide.txt" "$work/stdout-wide.txt" | head -3 || echo "   none"
