#!/usr/bin/env bash
# Backup benchmark (issue #17): the shell commands an operator would write vs scripts/backup.sh,
# in ONE run, interleaved round by round (so a busy machine slows every command alike).
#   scripts/backup-benchmark.sh [DATABASE] [ROUNDS] [JOBS]
#   BENCH_ONLY="1 2 4" scripts/backup-benchmark.sh ...   only those commands (0-based, as listed below)
# Command 7 is the library in a service: scripts/backup-service-loop.java keeps one JVM up and
# takes a backup each round (warmed by two untimed ones first); its CPU-s are that JVM's and its
# children's (pg_dump, psql), read from /proc.
# Needs PGHOST/PGPORT/PGUSER/PGPASSWORD for DATABASE on PostgreSQL, and pg_dump, zstd in PATH; a
# missing DATABASE is built first (pgbench -s 35 plus 1.5 M rows of text, ~720 MB) and kept.
# Each command is timed wall-clock from start to its file on disk (the JVM's start included for
# ours); the tables print the median, min and max of ROUNDS, and the size of the output.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=${1:-bench17}
rounds=${2:-3}
jobs=${3:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/backup-bench.XXXXXX")
svc_pid=""
trap '[[ -n $svc_pid ]] && kill "$svc_pid" 2>/dev/null; rm -rf "$work"' EXIT

export DB_URL="jdbc:postgresql://${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$db" DB_USER="${PGUSER:-bulwark}" \
  DB_PASSWORD="${PGPASSWORD:-}" BACKUP_LOG_LEVEL=warn BACKUP_STAGING_DIR="$work/staging" \
  BACKUP_CDS_DIR="${BACKUP_CDS_DIR:-$work/cds}" # the opt-in class-data archive, made in the untimed warm-up
"$root/scripts/backup.sh" keygen --out "$work/keyset.json" >/dev/null

names=(
  "pg_dump -Fc -f file"
  "pg_dump -Fc -Z0 | zstd -q -T0 -3 > file"
  "pg_dump -Fc -Z0 | zstd -q -T0 -3 > file && sync file"
  "pg_dump -Fd -j $jobs -f dir"
  "scripts/backup.sh backup (zstd)"
  "scripts/backup.sh backup (zstd + Tink)"
  "BACKUP_PG_JOBS=$jobs scripts/backup.sh backup"
  "BackupManager.backup() in a running JVM (a service)"
)

run() { # index -> runs the command once, prints "seconds bytes cpu-seconds"
  local out="$work/out" t0 t1
  rm -rf "$out" "$work/store"
  t0=$(date +%s.%N)
  # CPU: user + system of the command and its children (pg_dump, zstd), not the server's backends
  local before=0
  [[ $1 == 7 ]] && before=$(svc_ticks)
  /usr/bin/time -f "%U %S" -o "$work/cpu" bash -c "$(declare -f one); one $1 \"$out\" \"$work\" \"$root\" \"$db\" $jobs"
  t1=$(date +%s.%N)
  if [[ $1 == 7 ]]; then # the service's JVM and the children it waited for (pg_dump, psql)
    echo "$(($(svc_ticks) - before)) $(getconf CLK_TCK)" | awk '{printf "%.2f 0\n", $1 / $2}' >"$work/cpu"
  fi
  local bytes
  if [[ -d "$work/store" ]]; then
    bytes=$(find "$work/store" -type f -not -name '*.json' -not -name '.lock' -printf '%s\n' | awk '{s+=$1} END {print s}')
  else
    bytes=$(du -sb "$out" | cut -f1)
  fi
  echo "$(echo "$t1 - $t0" | bc) $bytes $(awk '{printf "%.2f", $1 + $2}' "$work/cpu")"
}

one() { # index out work root db jobs
  local out=$2 work=$3 root=$4 db=$5 jobs=$6
  case $1 in
    0) pg_dump -Fc -f "$out" "$db" ;;
    1) pg_dump -Fc -Z0 "$db" | zstd -q -T0 -3 > "$out" ;;
    # the same pipe with ours' durability: the file fsynced before it counts as done (coreutils'
    # `sync FILE` is an fsync of that file; ours also fsyncs its directory and two manifests)
    2) pg_dump -Fc -Z0 "$db" | zstd -q -T0 -3 > "$out" && sync "$out" ;;
    3) pg_dump -Fd -j "$jobs" -f "$out" "$db" ;;
    4) BACKUP_DIR="$work/store" "$root/scripts/backup.sh" backup >/dev/null ;;
    5) BACKUP_DIR="$work/store" BACKUP_ENCRYPTION_KEYSET_FILE="$work/keyset.json" \
         "$root/scripts/backup.sh" backup >/dev/null ;;
    6) BACKUP_DIR="$work/store" BACKUP_PG_JOBS="$jobs" "$root/scripts/backup.sh" backup >/dev/null ;;
    # the service started below (scripts/backup-service-loop.java), asked through its fds 7 and 8
    7) local reply; echo backup >&7 && read -r reply <&8 && [[ $reply == ok* ]] ;;
  esac
}

if ! psql -XAtc "SELECT 1" "$db" >/dev/null 2>&1; then # the README's database: pgbench -s 35 plus 1.5 M notes
  echo "building $db (pgbench -i -s 35 and a notes table of 1.5 M rows of random text; kept afterwards)..."
  createdb "$db"
  pgbench -i -q -s 35 "$db" >/dev/null 2>&1
  psql -Xq -c "CREATE TABLE notes (id bigserial PRIMARY KEY, body text)" \
    -c "INSERT INTO notes (body) SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 1500000)" \
    -c "VACUUM ANALYZE" "$db" >/dev/null 2>&1
fi
echo "database $db: $(psql -Atc "SELECT pg_size_pretty(pg_database_size('$db'))" "$db"), rounds $rounds, jobs $jobs"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(java -version 2>&1 | head -1), $(pg_dump --version), $(zstd --version | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$root/scripts/backup.sh" --help >/dev/null # builds the module once if needed, outside the timings
# backup.sh maps its class-data archive only from the module's jar, and only when no class is newer
# than it (after a compile without `package`, every run would silently go without): package first
jar=$(compgen -G "$root/backup/target/bulwark-backup-*.jar" | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' | head -1 || true)
if [[ -z $jar || -n $(find "$root/backup/target/classes" "$root/core/target/classes" -type f -newer "$jar" -print -quit) ]]; then
  echo "packaging the backup module (its jar is missing or older than its classes)..."
  (cd "$root" && ./mvnw -B -q -pl backup -am package -DskipTests -Dspotbugs.skip=true -Dmaven.javadoc.skip=true \
    -Djacoco.skip=true -Denforcer.skip=true) >&2
fi
# one untimed backup: makes backup.sh's class-data archive (its first run's extra cost) and warms the page cache
( BACKUP_DIR="$work/store" "$root/scripts/backup.sh" backup >/dev/null ) && rm -rf "$work/store"
for i in "${!names[@]}"; do # BENCH_ONLY: a subset (the arrays stay indexed as above)
  [[ -z ${BENCH_ONLY:-} || " $BENCH_ONLY " == *" $i "* ]] || unset "names[$i]"
done
# command 7: a service's BackupManager in a JVM that stays up, warmed by two untimed backups
svc_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$svc_pid/stat"; } # user, system, waited-for children
if [[ -n ${names[7]:-} ]]; then
  mkfifo "$work/svc.in" "$work/svc.out"
  BACKUP_DIR="$work/store" java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$root/backup/target/classes:$(cat "$root/backup/target/classpath.txt")" \
    "$root/scripts/backup-service-loop.java" <"$work/svc.in" >"$work/svc.out" 2>"$work/svc.log" &
  svc_pid=$!
  exec 7>"$work/svc.in" 8<"$work/svc.out"
  for _ in 1 2; do
    echo backup >&7
    read -r reply <&8 || reply="no answer: $(tail -3 "$work/svc.log")"
    [[ $reply == ok* ]] || { echo "the service's warm-up backup failed: $reply" >&2; exit 1; }
    rm -rf "$work/store"
  done
fi
# shellcheck source=scripts/backup-benchmark-lib.sh
source "$root/scripts/backup-benchmark-lib.sh"
bench_rounds_and_table
