#!/usr/bin/env bash
# Parallel-path benchmark (issue #17, "large databases"): builds a PostgreSQL database of several
# GB with pgbench, then compares in ONE run, interleaved round by round:
#   pg_dump -Fc -Z0 | zstd -q -T0 -3 > file      (the one-line pipe)
#   pg_dump -Fd -j JOBS -f dir                   (PostgreSQL's own parallel dump, zlib)
#   scripts/backup.sh backup, BACKUP_PG_JOBS=1   (custom format, streamed)
#   scripts/backup.sh backup, BACKUP_PG_JOBS=JOBS (directory format from one snapshot, staged)
# printing wall time, CPU-s (user + system of the command and its children: pg_dump, zstd, the
# JVM; not PostgreSQL's backends) and output size, with the load average before and after.
#
#   scripts/backup-benchmark-parallel.sh [--scale N] [--partitions P] [--jobs J] [--rounds R]
#                                        [--database NAME] [--keep]
# Defaults: scale 200 (pgbench_accounts of 20 M rows, about 3 GB), 4 partitions (so that several
# tables can be dumped at once), jobs 2, 1 round, database bulwark_big, dropped at the end unless
# --keep (a kept database of the same scale is reused by the next run).
# Needs PGHOST/PGPORT/PGUSER/PGPASSWORD (a user with CREATEDB), pgbench, pg_dump, zstd in PATH.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scale=200 partitions=4 jobs=2 rounds=1 db=bulwark_big keep=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --database) db=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    *) echo "usage: $0 [--scale N] [--partitions P] [--jobs J] [--rounds R] [--database NAME] [--keep]" >&2; exit 2 ;;
  esac
done
[[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "--database must be a plain lower-case name" >&2; exit 2; }
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-bulwark}
work=$(mktemp -d "${TMPDIR:-/tmp}/backup-bench-big.XXXXXX")
cleanup() {
  rm -rf "$work"
  if [[ $keep != true ]]; then dropdb --if-exists "$db" 2>/dev/null || true; fi
}
trap cleanup EXIT

wanted=$((scale * 100000))
have=$(psql -XAtc "SELECT count(*) FROM pgbench_accounts" "$db" 2>/dev/null || echo 0)
if [[ $have != "$wanted" ]]; then
  echo "building $db: pgbench -i -s $scale --partitions=$partitions (a few minutes)..."
  dropdb --if-exists "$db"
  createdb "$db"
  t0=$(date +%s)
  pgbench -i -q -s "$scale" --partitions="$partitions" "$db" >/dev/null
  psql -Xq -c "VACUUM ANALYZE" "$db" 2>/dev/null || true
  echo "built in $(($(date +%s) - t0)) s"
fi

export DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db" DB_USER="$PGUSER" DB_PASSWORD="${PGPASSWORD:-}" \
  BACKUP_LOG_LEVEL=warn BACKUP_STAGING_DIR="$work/staging" \
  BACKUP_CDS_DIR="${BACKUP_CDS_DIR:-$work/cds}" # the opt-in class-data archive, made in the untimed warm-up

names=(
  "pg_dump -Fc -Z0 | zstd -q -T0 -3 > file"
  "pg_dump -Fd -j $jobs -f dir"
  "scripts/backup.sh backup (BACKUP_PG_JOBS=1)"
  "BACKUP_PG_JOBS=$jobs scripts/backup.sh backup"
)

one() { # index out work root db jobs
  local out=$2 work=$3 root=$4 db=$5 jobs=$6
  case $1 in
    0) pg_dump -Fc -Z0 "$db" | zstd -q -T0 -3 > "$out" ;;
    1) pg_dump -Fd -j "$jobs" -f "$out" "$db" ;;
    2) BACKUP_DIR="$work/store" BACKUP_PG_JOBS=1 "$root/scripts/backup.sh" backup >/dev/null ;;
    3) BACKUP_DIR="$work/store" BACKUP_PG_JOBS="$jobs" "$root/scripts/backup.sh" backup >/dev/null ;;
  esac
}

run() { # index -> runs the command once, prints "seconds bytes cpu-seconds"
  local out="$work/out" t0 t1 bytes
  rm -rf "$out" "$work/store"
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/cpu" bash -c "$(declare -f one); one $1 \"$out\" \"$work\" \"$root\" \"$db\" $jobs"
  t1=$(date +%s.%N)
  if [[ -d "$work/store" ]]; then
    bytes=$(find "$work/store" -type f -not -name '*.json' -not -name '.lock' -printf '%s\n' | awk '{s+=$1} END {print s}')
  else
    bytes=$(du -sb "$out" | cut -f1)
  fi
  echo "$(echo "$t1 - $t0" | bc) $bytes $(awk '{printf "%.2f", $1 + $2}' "$work/cpu")"
}

echo "database $db: $(psql -XAtc "SELECT pg_size_pretty(pg_database_size('$db'))" "$db"), scale $scale," \
  "$partitions partitions, rounds $rounds, jobs $jobs"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(java -version 2>&1 | head -1), $(pg_dump --version), $(zstd --version | head -1)"
"$root/scripts/backup.sh" --help >/dev/null # builds the module once if needed, outside the timings
# one untimed backup: warms the page cache like the others and makes the CDS archive of backup.sh
( BACKUP_DIR="$work/store" "$root/scripts/backup.sh" backup >/dev/null ) && rm -rf "$work/store"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck source=scripts/backup-benchmark-lib.sh
source "$root/scripts/backup-benchmark-lib.sh"
bench_rounds_and_table
