#!/bin/bash
# Review 2026-11-27, wip-b: the lock-holding psql child dies (OOM killer, an operator's kill) while
# the CLI's backup runs: is the lock lost, can a second backup run at the same time, and does the
# first backup notice?
set -u
cd "$(dirname "$0")"
export PGPASSWORD=bulwark
DB=review_d_$$
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "CREATE DATABASE $DB"
psql -h 127.0.0.1 -U bulwark -d $DB -qc "CREATE TABLE t AS SELECT generate_series(1,10) id"
cat > pg_dump_sleepy <<'W'
#!/bin/sh
case "$*" in *--version*) exec pg_dump "$@";; esac
[ -e "$(dirname "$0")/slow.flag" ] && { rm -f "$(dirname "$0")/slow.flag"; sleep 8; }
exec pg_dump "$@"
W
chmod 700 pg_dump_sleepy; touch slow.flag
CP="classes:$(cat classpath.txt)"
run() { env DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" DB_USER=bulwark DB_PASSWORD=bulwark BACKUP_DIR=$PWD/store-$DB \
  BACKUP_PG_DUMP=$PWD/pg_dump_sleepy java -cp "$CP" dev.bulwark.backup.cli.BackupCli backup; }
run > first.log 2>&1 & J1=$!
for i in $(seq 1 100); do JV=$(pgrep -P $J1 java); P=$([ -n "$JV" ] && pgrep -P $JV -x psql); [ -n "$P" ] && [ ! -e slow.flag ] && break; sleep 0.2; done
sleep 1; echo "first CLI pid $J1, its psql $P; killing psql"; kill -9 $P
run > second.log 2>&1; echo "second CLI (while the first still runs) exit=$? : $(tail -1 second.log)"
wait $J1; echo "first CLI exit=$? : $(tail -2 first.log | cut -c1-400)"
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "DROP DATABASE $DB WITH (FORCE)"
