#!/usr/bin/env bash
# Sums the Surefire and Failsafe XML reports of the reactor into one line per runner and a total:
#   scripts/test-summary.sh [label] [surefire|failsafe|all]
set -uo pipefail
cd "$(dirname "$0")/.."
label=${1:-tests}
which=${2:-all}
dirs=()
[[ $which == all || $which == surefire ]] && dirs+=(surefire-reports)
[[ $which == all || $which == failsafe ]] && dirs+=(failsafe-reports)
total_t=0 total_f=0 total_s=0
for d in "${dirs[@]}"; do
  t=0 f=0 s=0
  while IFS= read -r file; do
    line=$(grep -m1 -o '<testsuite [^>]*>' "$file") || continue
    get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$line"; }
    t=$((t + $(get tests))); f=$((f + $(get failures) + $(get errors))); s=$((s + $(get skipped)))
  done < <(find . -path "*/target/$d/TEST-*.xml" -not -path "./.git/*" 2>/dev/null)
  printf '[%s] %s: %d run, %d failed, %d skipped\n' "$label" "${d%-reports}" "$t" "$f" "$s"
  total_t=$((total_t + t)); total_f=$((total_f + f)); total_s=$((total_s + s))
done
printf '%s: %d passed, %d failed, %d skipped\n' "${label// /_}" $((total_t - total_f - total_s)) "$total_f" "$total_s"
