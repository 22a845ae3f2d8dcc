#!/bin/bash
# usage: rxf-ready.sh BINARY... ; prints ms from spawn to the first /healthz 200
D=$(mktemp -d); : > $D/events.jsonl
PORT=$((20000 + RANDOM % 20000))
start=$(date +%s%N)
"$@" run --mode offline --dir $D --source $D/events.jsonl --health-url http://127.0.0.1:$PORT 2>$D/err &
pid=$!
until curl -fs -o /dev/null http://127.0.0.1:$PORT/healthz; do sleep 0.005; done
end=$(date +%s%N)
first_log=$(head -1 $D/err)
echo "ready_ms=$(( (end-start)/1000000 ))"
kill -TERM $pid; wait $pid; echo "rc=$?"
rm -rf $D
