#!/usr/bin/env bash
# End-to-end throughput of `rxfactorio validate` on a generated 500 MB recording.
# Usage (from anywhere): Tests/RxFactorio.Benchmarks/validate-throughput.sh [FILE] [MEGABYTES]
#   FILE       the recording to validate; generated when absent (default /tmp/rxfactorio-500mb.jsonl)
#   MEGABYTES  its size when generated, in 10^6 bytes (default 500); 8 interleaved sessions
# Prints MB/s (file size / wall time) and peak RSS on the last line; exits with validate's code.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
file="${1:-/tmp/rxfactorio-500mb.jsonl}"
megabytes="${2:-500}"
cli="$repo/Source/RxFactorio.Cli/bin/Release/net10.0/rxfactorio.dll"
bench="$repo/Tests/RxFactorio.Benchmarks/bin/Release/net10.0/RxFactorio.Benchmarks.dll"
timings="$(mktemp)"
output="$(mktemp)"
trap 'rm -f "$timings" "$output"' EXIT

cd "$repo"
echo "== building the CLI and the generator (Release)"
dotnet build -c Release --nologo -v quiet Source/RxFactorio.Cli/RxFactorio.Cli.csproj
dotnet build -c Release --nologo -v quiet Tests/RxFactorio.Benchmarks/RxFactorio.Benchmarks.csproj

if [[ ! -s "$file" ]]; then
  echo "== generating $file ($megabytes MB, 8 sessions)"
  dotnet "$bench" generate "$file" --megabytes "$megabytes" --sessions 8
else
  echo "== using existing $file"
fi
# NOTE: a warm page cache measures the parser, not the disk; cat reads the file once beforehand.
cat "$file" > /dev/null

echo "== /usr/bin/time -v dotnet rxfactorio.dll validate $file"
status=0
/usr/bin/time -v -o "$timings" dotnet "$cli" validate "$file" > "$output" || status=$?
cat "$output"
if [[ ! -s "$output" ]]; then
  echo "WARNING: validate printed no summary; is the validate command implemented in this build? The numbers below may be meaningless." >&2
fi

bytes="$(stat -c %s "$file")"
# "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:03.21"
wall="$(awk -F': ' '/Elapsed \(wall clock\) time/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$timings")"
rss_kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$timings")"
if [[ -z "$wall" || -z "$rss_kb" ]]; then
  echo "could not read /usr/bin/time's report:" >&2
  cat "$timings" >&2
  exit 1
fi
if [[ "$status" -ne 0 ]]; then
  echo "validate exited with $status (a line was rejected, or the command failed)" >&2
fi
awk -v b="$bytes" -v s="$wall" -v k="$rss_kb" -v rc="$status" 'BEGIN {
  mbps = (s > 0) ? b / 1e6 / s : 0
  printf "THROUGHPUT: %.1f MB in %.2f s = %.1f MB/s; peak RSS %.1f MiB (%d kB); validate exit code %d\n", b / 1e6, s, mbps, k / 1024, k, rc
}'
exit "$status"
