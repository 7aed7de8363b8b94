#!/bin/bash
# Review 2026-11-27, wip-b: tables with hostile names (psql meta-commands, quotes, newlines, variable
# interpolation) counted through the CLI's psql session (the count(*) fallback forced by a pg_dump
# wrapper that leaves their data out, as the branch's own IT does). Checks no shell command ran.
set -u
cd "$(dirname "$0")"
export PGPASSWORD=bulwark
DB=review_b_$$
rm -f /tmp/review_pwned_*
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "CREATE DATABASE $DB"
psql -h 127.0.0.1 -U bulwark -d $DB -q <<'SQL'
CREATE TABLE "x\! touch /tmp/review_pwned_1"(v int); INSERT INTO "x\! touch /tmp/review_pwned_1" VALUES (1);
CREATE TABLE "a""; \! touch /tmp/review_pwned_2 ;--"(v int); INSERT INTO "a""; \! touch /tmp/review_pwned_2 ;--" VALUES (1),(2);
CREATE TABLE ":'x' :x \gexec"(v int); INSERT INTO ":'x' :x \gexec" VALUES (1),(2),(3);
CREATE SCHEMA "s
\! touch /tmp/review_pwned_3
\echo";
CREATE TABLE "s
\! touch /tmp/review_pwned_3
\echo"."t
\q"(v int); INSERT INTO "s
\! touch /tmp/review_pwned_3
\echo"."t
\q" VALUES (1),(2),(3),(4);
CREATE TABLE "%I%s%L"(v int); INSERT INTO "%I%s%L" VALUES (1),(2),(3),(4),(5);
SQL
cat > pg_dump_wrapper <<'W'
#!/bin/sh
exec pg_dump "$@" --exclude-table-data='*.*'
W
chmod 700 pg_dump_wrapper
CP="classes:$(cat classpath.txt)"
rm -rf store-$DB
env DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" DB_USER=bulwark DB_PASSWORD=bulwark BACKUP_DIR=$PWD/store-$DB \
  BACKUP_PG_DUMP=$PWD/pg_dump_wrapper java -cp "$CP" dev.bulwark.backup.cli.BackupCli backup 2>&1 | tail -5
echo "exit: ${PIPESTATUS[0]}"
echo "--- pwned files (expect none):"; ls -la /tmp/review_pwned_* 2>&1
echo "--- counts in manifest:"; find store-$DB -name '*.json' | head -3 | xargs -r python3 -c '
import json,sys
for f in sys.argv[1:]:
  m=json.load(open(f))
  c=m.get("counts") or m.get("rowCounts")
  if c: print(json.dumps(c, indent=1))'
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "DROP DATABASE $DB WITH (FORCE)"
