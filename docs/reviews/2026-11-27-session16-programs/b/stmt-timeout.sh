#!/bin/bash
# Review 2026-11-27b (B3): a database-level statement_timeout cancels the count(*) fallback (forced by a
# pg_dump wrapper that leaves every table's data out); what does the CLI say?
set -u
cd "$(dirname "$0")"
export PGPASSWORD=bulwark
DB=review_s_$$
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "CREATE DATABASE $DB"
psql -h 127.0.0.1 -U bulwark -d $DB -qc "CREATE TABLE big AS SELECT generate_series(1,3000000) id"
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "ALTER DATABASE $DB SET statement_timeout = '30ms'"
printf '#!/bin/sh\nexec pg_dump "$@" --exclude-table-data="*.*"\n' > pg_dump_nodata; chmod 700 pg_dump_nodata
env -u PGPASSWORD DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" DB_USER=bulwark DB_PASSWORD=bulwark BACKUP_DIR=$PWD/store-$DB \
  BACKUP_PG_DUMP=$PWD/pg_dump_nodata java -cp "classes:$(cat run.cp)" dev.bulwark.backup.cli.BackupCli backup > stmt-timeout.log 2>&1
echo "backup exit: $?"; grep '^error' stmt-timeout.log | cut -c1-700
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "DROP DATABASE $DB WITH (FORCE)"
rm -rf store-$DB
