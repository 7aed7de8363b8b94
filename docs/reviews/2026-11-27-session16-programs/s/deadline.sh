#!/bin/bash
# Review 2026-11-27b: does the in-container deadline hold against the program? Each case creates the
# container exactly as a normal run does (InProcessAttack create: limits, profile, wrapped command; run
# limit 2 s, so the watchdog's deadline is at 7 s), starts it with no JVM watching (as after a JVM crash)
# and times it. `python3 -c` runs in the watchdog's interpreter; `python3 -S -c` is exec'ed (as every run was before).
cd "$(dirname "$0")"
CP="attack-classes:classes:$(cat run.cp)"
case1() { # label program-file python3-flags...
  local label=$1 prog=$2; shift 2
  local id; id=$(java -cp "$CP" dev.bulwark.sandbox.InProcessAttack create 2000 python3 "$@" -c "$(cat "$prog")" 2>/dev/null | tail -1)
  local s; s=$(date +%s.%N)
  timeout 30 docker start -a "$id" > "out-$label.log" 2>&1; local rc=$?
  local e; e=$(date +%s.%N)
  printf '%-28s docker start exit=%s wall=%.1f s  last line: %s\n' "$label" "$rc" "$(echo "$e - $s" | bc)" "$(tail -1 "out-$label.log")"
  docker rm -f "$id" >/dev/null 2>&1
}
case1 control-inprocess control.py
case1 control-exec control.py -S
case1 mem-inprocess mem-inprocess.py
case1 mem-exec mem-exec.py -S
case1 sigstop-inprocess sigstop.py
case1 sigstop-exec sigstop.py -S
