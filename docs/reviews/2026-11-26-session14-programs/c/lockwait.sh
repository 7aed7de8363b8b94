#!/bin/bash
# pg_dump 15 lock-wait failure text, as PgDumpSource.lockWaitTimedOut reads it (LC_MESSAGES=C as the source sets)
export PGPASSWORD=bulwark
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "CREATE TABLE IF NOT EXISTS review_lockwait(x int)"
psql -h 127.0.0.1 -U bulwark -d bulwark -c "BEGIN; LOCK TABLE review_lockwait IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(8); COMMIT;" >/dev/null 2>&1 &
sleep 1
LC_MESSAGES=C pg_dump -h 127.0.0.1 -U bulwark -d bulwark -Fc --lock-wait-timeout=1000 -f /dev/null 2>stderr1.txt; echo "pg_dump rc=$?"; cat stderr1.txt
wait; psql -h 127.0.0.1 -U bulwark -d bulwark -qc "DROP TABLE review_lockwait"
