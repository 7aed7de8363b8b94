#!/bin/bash
# Review 2026-11-27b: the server refuses one statement of the new single round trip
# (SHOW server_version; BEGIN ...; SET LOCAL lock_timeout ...; SELECT pg_export_snapshot();).
# Stand-in for a refusal (a pooler in statement mode refusing BEGIN, a hardened server revoking the function):
# the database's search_path puts public before pg_catalog and public.pg_export_snapshot() raises.
# The same backup on main HEAD (classes) and on 7f4a600 (../b-old/classes): what is the operator told?
set -u
cd "$(dirname "$0")"
export PGPASSWORD=bulwark
DB=review_r_$$
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "CREATE DATABASE $DB"
psql -h 127.0.0.1 -U bulwark -d $DB -q <<SQL
CREATE TABLE t AS SELECT generate_series(1,10) id;
CREATE FUNCTION public.pg_export_snapshot() RETURNS text LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'snapshot export refused (review stand-in)'; END \$\$;
ALTER DATABASE $DB SET search_path = public, pg_catalog;
SQL
for c in classes ../b-old/classes; do
  env -u PGPASSWORD DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" DB_USER=bulwark DB_PASSWORD=bulwark BACKUP_DIR=$PWD/store-$DB \
    java -cp "$c:$(cat run.cp)" dev.bulwark.backup.cli.BackupCli backup > refused-$(basename $(dirname $c)).log 2>&1
  echo "[$c] backup exit: $?"; grep -E "^error|ERROR" refused-$(basename $(dirname $c)).log | tail -2 | cut -c1-700
done
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "DROP DATABASE $DB WITH (FORCE)"
rm -rf store-$DB
