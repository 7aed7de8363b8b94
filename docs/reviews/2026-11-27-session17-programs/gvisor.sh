#!/bin/bash
# Review 2026-11-27c: the brief's known gVisor caveat. The shipped wrapper as PID 1 (deadline 3 s), the program sends
# SIGSTOP to PID 1; runc vs runsc. seccomp unconfined here (only signal semantics are compared); timeout 20 s.
cd "$(dirname "$0")"
for rt in runc runsc; do
  s=$(date +%s.%N)
  timeout -s KILL 20 docker run --rm --name rc-gvisor-$rt --runtime $rt --network none --read-only --cap-drop ALL \
    --security-opt no-new-privileges -u 65534:65534 -w /work -v "$PWD/f/stop:/work:ro" \
    bulwark/sandbox-python:3.11 python3 -c "$(cat deadline-wrapper.py)" 3 python3 main.py 2>&1 | sed 's/^/    /'
  rc=${PIPESTATUS[0]}
  printf '%s: exit %s after %.1f s (deadline 3 s; 20 s = the watchdog never ended it)\n' "$rt" "$rc" "$(echo "$(date +%s.%N) - $s" | bc)"
  docker rm -f rc-gvisor-$rt >/dev/null 2>&1
done
