#!/bin/bash
# one stats event every 2 s for $2 seconds, appended to $1
f=$1; n=$(( $2 / 2 ))
echo '{"level_name":"freeplay","session_id":"idle_1","tick":0,"type":"session_init"}' >> "$f"
for i in $(seq 1 $n); do
  echo "{\"cycle\":$i,\"session_id\":\"idle_1\",\"tick\":$((i*120)),\"type\":\"stats\",\"products_production\":{\"iron-plate\":$i.5,\"copper-plate\":$i}}" >> "$f"
  sleep 2
done
