# Shared by scripts/backup-benchmark.sh and scripts/backup-benchmark-parallel.sh (sourced, not run):
# runs every command of names[] ROUNDS times, interleaved round by round, through the caller's
# `run INDEX` (prints "seconds bytes cpu-seconds"), then prints the Markdown table of the README.
# shellcheck shell=bash
bench_rounds_and_table() {
  local r i secs bytes cpu tmed tmin tmax cmed
  declare -A times sizes cpus
  for ((r = 1; r <= rounds; r++)); do
    for i in "${!names[@]}"; do
      read -r secs bytes cpu < <(run "$i")
      echo "  round $r: ${names[$i]}: $secs s, $cpu CPU-s, $bytes bytes (load $(cut -d' ' -f1 /proc/loadavg))"
      times[$i]+="$secs "
      cpus[$i]+="$cpu "
      sizes[$i]=$bytes
    done
  done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| command | median | min | max | CPU-s (median) | output |"
  echo "|---|---|---|---|---|---|"
  for i in "${!names[@]}"; do
    read -r tmed tmin tmax < <(bench_median <<<"${times[$i]}")
    read -r cmed _ _ < <(bench_median <<<"${cpus[$i]}")
    printf '| `%s` | %s s | %s s | %s s | %s | %.1f MB |\n' "${names[$i]//|/\\|}" "$tmed" "$tmin" "$tmax" "$cmed" \
      "$(awk -v b="${sizes[$i]}" 'BEGIN {print b / 1000000}')"
  done
  # the machine's speed drifts between rounds (a VM): each command against the first one in the
  # same round (paired), which that drift moves far less than the medians above
  local first ratios
  for i in "${!names[@]}"; do
    if [[ -z ${first:-} ]]; then
      first=$i
      echo
      echo "Per round, wall time ÷ that of \`${names[$i]}\` in the same round: median (min–max)"
      continue
    fi
    ratios=$(paste -d' ' <(tr ' ' '\n' <<<"${times[$i]}" | grep .) <(tr ' ' '\n' <<<"${times[$first]}" | grep .) |
      awk '{printf "%.4f ", $1 / $2}')
    read -r tmed tmin tmax < <(bench_median <<<"$ratios")
    echo "- \`${names[$i]}\`: ${tmed}× (${tmin}–${tmax}×)"
  done
}

# median, min and max of space-separated numbers on stdin
bench_median() {
  tr ' ' '\n' | grep . | sort -n |
    awk '{a[NR]=$1} END {printf "%.2f %.2f %.2f\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[1], a[NR]}'
}
