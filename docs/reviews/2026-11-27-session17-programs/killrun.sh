#!/bin/bash
# Review 2026-11-27c: one run through the runtime's ordinary path (Attack.java: check(), run()), its JVM killed
# with SIGKILL KILL_AFTER seconds after the run began; then times how long the run's container keeps running
# (its in-container deadline is at LIMIT + 5 s after the program's start), up to CAP seconds, and removes it.
# Usage: killrun.sh LABEL KILL_AFTER CAP cold|warm LIMIT_S FILESDIR|- CMD...
cd "$(dirname "$0")"
label=$1 killafter=$2 cap=$3; shift 3
owner="review-2026-11-27c-$label-$$"
CP="attack-classes:classes:$(cat run.cp)"
java -cp "$CP" dev.bulwark.sandbox.Attack "$owner" "$@" > "jvm-$label.log" 2>&1 &
jvm=$!
for _ in $(seq 1 600); do grep -q '^running' "jvm-$label.log" && break; sleep 0.1; done
t0=$(date +%s.%N)
id=
for _ in $(seq 1 300); do
  id=$(docker ps -q --filter "label=dev.bulwark.sandbox.owner=$owner" --filter status=running | head -1)
  [ -n "$id" ] && [ "$(docker inspect -f '{{.Config.OpenStdin}}' "$id")" = true ] && break
  sleep 0.1
done
sleep "$killafter"
kill -9 "$jvm"; wait "$jvm" 2>/dev/null
tk=$(date +%s.%N)
echo "[$label] JVM killed $(printf %.1f "$(echo "$tk - $t0" | bc)") s after the run began; container $id"
while :; do
  now=$(date +%s.%N)
  st=$(docker inspect -f '{{.State.Running}}' "$id" 2>/dev/null)
  [ "$st" != true ] && break
  if [ "$(echo "$now - $t0 > $cap" | bc)" = 1 ]; then break; fi
  sleep 0.2
done
now=$(date +%s.%N)
echo "[$label] container running=$st after $(printf %.1f "$(echo "$now - $t0" | bc)") s (cap $cap s); exit=$(docker inspect -f '{{.State.ExitCode}}' "$id")"
if [ "$st" = true ]; then
  echo "[$label] processes still in it:"; docker top "$id" -o pid,stat,etimes,args 2>&1 | sed 's/^/    /' | cut -c1-160
fi
echo "[$label] engine log of the container (last 40 lines):"; docker logs "$id" 2>&1 | tail -40 | sed 's/^/    /' | cut -c1-200
for c in $(docker ps -aq --filter "label=dev.bulwark.sandbox.owner=$owner"); do docker rm -f "$c" >/dev/null; done
for v in $(docker volume ls -q --filter "label=dev.bulwark.sandbox.owner=$owner"); do docker volume rm -f "$v" >/dev/null; done
