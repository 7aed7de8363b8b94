#!/bin/bash
# Review 2026-11-27, wip-b: does the CLI's psql read the operator's ~/.psqlrc, $PSQLRC, /etc/postgresql-common/psqlrc, or honour PSQL_HISTORY / PAGER?
set -u
cd "$(dirname "$0")"
export PGPASSWORD=bulwark
DB=review_rc_$$
H=$PWD/home-$$; mkdir -p $H; rm -f /tmp/review_psqlrc_*
echo '\! touch /tmp/review_psqlrc_home' > $H/.psqlrc
echo '\! touch /tmp/review_psqlrc_env' > $PWD/evil.psqlrc
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "CREATE DATABASE $DB"
psql -h 127.0.0.1 -U bulwark -d $DB -qc "CREATE TABLE t AS SELECT 1 id"
CP="classes:$(cat classpath.txt)"
env HOME=$H PSQLRC=$PWD/evil.psqlrc PAGER="sh -c 'touch /tmp/review_psqlrc_pager'" PSQL_PAGER="sh -c 'touch /tmp/review_psqlrc_pager'" \
  DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" DB_USER=bulwark DB_PASSWORD=bulwark BACKUP_DIR=$PWD/store-$DB \
  java -cp "$CP" dev.bulwark.backup.cli.BackupCli backup 2>&1 | tail -1
ls /tmp/review_psqlrc_* 2>&1; ls -a $H
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "DROP DATABASE $DB WITH (FORCE)"
