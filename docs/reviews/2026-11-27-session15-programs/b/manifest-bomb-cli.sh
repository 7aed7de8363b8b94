#!/bin/bash
# Review 2026-11-27, wip-b: one manifest in the store whose startedAt is a number with a large exponent; `backup list`
# with the branch's ManifestJson (b/classes) and with main's (bm/classes). Store: a copy of a real backup + the bad manifest.
set -u
cd "$(dirname "$0")"
for v in 1e20 1e100000 1e9999999; do
  S=$PWD/store-bomb-$v; rm -rf "$S"; mkdir -p "$S"; cp store-review_b_1879/* "$S"/
  python3 - "$S" "$v" <<'PY'
import json, sys, glob
s, v = sys.argv[1], sys.argv[2]
m = json.load(open(glob.glob(s + "/*.manifest.json")[0]))
m["id"] = "20261126T000000Z-bbbbbb"
text = json.dumps(m).replace('"startedAt": "%s"' % m["startedAt"], '"startedAt": ' + v) if isinstance(m["startedAt"], str) else None
assert text and v in text
open(s + "/20261126T000000Z-bbbbbb.manifest.json", "w").write(text)
PY
  for side in branch main; do
    C=$([ $side = branch ] && echo classes || echo ../bm/classes)
    start=$(date +%s.%N)
    out=$(env BACKUP_DIR="$S" BACKUP_SOURCE_DIR=$PWD/empty-src timeout 60 java -cp "$C:$(tr ':' '\n' < classpath.txt | grep -v '/work/wt-' | paste -sd:)" dev.bulwark.backup.cli.BackupCli list 2>&1)
    rc=$?
    printf '%-9s %-7s exit=%s %.1f s: %s\n' "$v" "$side" "$rc" "$(echo "$(date +%s.%N) - $start" | bc)" "$(echo "$out" | grep -v '^\s*at ' | tail -2 | tr '\n' ' ' | cut -c1-230)"
  done
done
