#!/bin/bash
# Review 2026-11-27c S1: the watchdog as shipped vs with '' off sys.path while it imports _ctypes; a container like a
# normal run's (PID 1 = the wrapper, strict profile, no capabilities, read-only root, non-root user, /work = input files
# incl. a hostile _ctypes.py); deadline 3 s; `timeout 20` stands in for nobody killing it.
cd "$(dirname "$0")"
for w in deadline-wrapper.py deadline-wrapper-fixed.py; do
  s=$(date +%s.%N)
  timeout -s KILL 20 docker run --rm --name rc-fixcheck --network none --read-only --cap-drop ALL --security-opt no-new-privileges \
    --security-opt seccomp=classes/dev/bulwark/sandbox/profiles/strict.json -u 65534:65534 -w /work -v "$PWD/f/ctypes2:/work:ro" \
    bulwark/sandbox-python:3.11 python3 -c "$(cat $w)" 3 python3 main.py 2>&1 | sed 's/^/    /'
  rc=${PIPESTATUS[0]}
  printf '%s: exit %s after %.1f s (deadline 3 s: ~3.5 s = the watchdog ended it; 20 s = nobody did, timeout(1) killed the client)\n' "$w" "$rc" "$(echo "$(date +%s.%N) - $s" | bc)"
  docker rm -f rc-fixcheck >/dev/null 2>&1
done
