#!/usr/bin/env bash
# Measures the syscalls real workloads make (strace -f) and diffs them against the strict
# profile's allow-list: the reproducible method behind profiles/strict.json.
#   sandbox-seccomp/scripts/trace-syscalls.sh            # prints the measured set and the diff
#   sandbox-seccomp/scripts/trace-syscalls.sh --names    # prints only the measured names
# Workloads: the Python moving-average strategy (python3.11, as in the sandbox image) and a JVM
# running a strategy (java Strategy.java). Needs strace (apt-get install strace).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/src/test/resources/strategies/"* "$work/"
cd "$work"
echo "5 20" | strace -f -qq -o py.trace /usr/bin/python3.11 ma_crossover.py >/dev/null
strace -f -qq -o java.trace java -Xshare:off -XX:TieredStopAtLevel=1 Strategy.java >/dev/null
measured=$(cat py.trace java.trace | grep -oP '^(\d+\s+)?\K[a-z0-9_]+(?=\()' | sort -u)
if [[ "${1:-}" == "--names" ]]; then echo "$measured"; exit 0; fi
allowed=$(python3 -c "import json,sys; p=json.load(open('$here/src/main/resources/dev/bulwark/sandbox/profiles/strict.json')); print('\n'.join(sorted({n for r in p['syscalls'] if r['action']=='SCMP_ACT_ALLOW' or r['names']==['clone3'] for n in r['names']})))")
echo "measured: $(echo "$measured" | wc -l) syscalls; strict allows (some only with given arguments; clone3 answers ENOSYS for glibc's fallback): $(echo "$allowed" | wc -l)"
missing=$(comm -23 <(echo "$measured") <(echo "$allowed"))
echo "measured but not allowed (the workloads would break): ${missing:-none}"
extra=$(comm -13 <(echo "$measured") <(echo "$allowed") | tr '\n' ' ')
echo "allowed but not measured here (runtime needs, see profile comments): ${extra:-none}"
[[ -z "$missing" ]]
