#!/bin/bash
# usage: rxf-idle.sh BINARY ; idle run: one event every 2 s for 60 s; prints CPU % of a core and RSS
D=$(mktemp -d); : > $D/events.jsonl
"$1" run --mode offline --dir $D --source $D/events.jsonl 2>$D/err >$D/out &
pid=$!
sleep 3
"$(dirname "$0")/idle-writer.sh" $D/events.jsonl 60 &
w=$!
tck=$(getconf CLK_TCK)
t0=$(awk '{print $14+$15}' /proc/$pid/stat); s0=$(date +%s%N)
wait $w
t1=$(awk '{print $14+$15}' /proc/$pid/stat); s1=$(date +%s%N)
rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status); hwm=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
echo "cpu_percent=$(python3 -c "print(round(100*($t1-$t0)/$tck/(($s1-$s0)/1e9),2))") rss_mb=$((rss/1024)) peak_rss_mb=$((hwm/1024))"
kill -TERM $pid; wait $pid; echo "rc=$?"; cat $D/out | head -2
rm -rf $D
