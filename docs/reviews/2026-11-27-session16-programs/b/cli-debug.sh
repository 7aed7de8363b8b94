#!/bin/bash
# Review 2026-11-27b: a real CLI backup on main HEAD's classes with DEBUG logging (the new timeline lines):
# is the password in any log line or any process's argv; which binaries run; PGSYSCONFDIR.
set -u
cd "$(dirname "$0")"
export PGPASSWORD=bulwark
DB=review_t_$$
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "CREATE DATABASE $DB"
psql -h 127.0.0.1 -U bulwark -d $DB -qc "CREATE TABLE t AS SELECT generate_series(1,1000) id"
SECRET=bulwark
CP="classes:$(cat run.cp)"
( while sleep 0.05; do ps -eo pid,args | grep -E 'pg_dump|psql' | grep -v grep; done ) > ps-during.log 2>&1 & P=$!
env -u PGPASSWORD DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" DB_USER=bulwark DB_PASSWORD="$SECRET" BACKUP_DIR=$PWD/store-$DB \
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=debug -cp "$CP" dev.bulwark.backup.cli.BackupCli backup > cli-debug.log 2>&1
echo "backup exit: $?"
kill $P
echo "--- timeline lines:"; grep -o 'timeline: .*' cli-debug.log
echo "--- lines mentioning a password in the log: $(grep -ci password cli-debug.log); PGPASSWORD in argv seen during the run: $(grep -c PGPASSWORD ps-during.log); psql/pg_dump argv lines containing the password: $(grep -E "psql|pg_dump" ps-during.log | grep -c -- "=bulwark\b")"
echo "--- programs seen running:"; awk '{print $2}' ps-during.log | sort | uniq -c
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "DROP DATABASE $DB WITH (FORCE)"
rm -rf store-$DB
