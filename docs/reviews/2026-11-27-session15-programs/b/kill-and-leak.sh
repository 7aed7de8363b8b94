#!/bin/bash
# Review 2026-11-27, wip-b: during a CLI backup (pg_dump wrapper sleeps 6 s): the password on any
# command line? /proc/<pid>/environ readable by others? Then kill -9 of the JVM: is the advisory lock
# (and the psql child) gone?
set -u
cd "$(dirname "$0")"
export PGPASSWORD=bulwark
DB=review_k_$$
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "CREATE DATABASE $DB"
psql -h 127.0.0.1 -U bulwark -d $DB -qc "CREATE TABLE t AS SELECT generate_series(1,10) id; CREATE TABLE t_slow(v int)"
# an application session holds t_slow: pg_dump waits for its ACCESS SHARE lock (lock wait 300 s)
(echo "BEGIN; LOCK TABLE t_slow IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(40);" | psql -h 127.0.0.1 -U bulwark -d $DB -q >/dev/null 2>&1) &
sleep 1
cat > pg_dump_slow <<'W'
#!/bin/sh
case "$*" in *--version*) exec pg_dump "$@";; esac
echo $$ > "$(dirname "$0")/pg_dump.pid"
exec pg_dump "$@" --table=t_slow
W
chmod 700 pg_dump_slow
CP="classes:$(cat classpath.txt)"
env DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" DB_USER=bulwark DB_PASSWORD=bulwark BACKUP_DIR=$PWD/store-$DB \
  BACKUP_PG_DUMP=$PWD/pg_dump_slow java -cp "$CP" dev.bulwark.backup.cli.BackupCli backup > cli-$DB.log 2>&1 &
JPID=$!
rm -f pg_dump.pid; for i in $(seq 1 100); do [ -s pg_dump.pid ] && break; sleep 0.2; done; P=$(pgrep -P $JPID -x psql); D=$(cat pg_dump.pid)
sleep 1
echo "psql pid=$P; children of the JVM:"; ps -o pid,user,args --ppid $JPID
echo "--- password on any command line?"; ps -eo args | grep -v grep | grep -c "PASSWORD\|password" 
echo "--- environ perms:"; ls -l /proc/$P/environ; stat -c '%U %a' /proc/$P/environ
echo "--- lock holders now:"; psql -h 127.0.0.1 -U bulwark -d $DB -Atc "select pid, objid, granted from pg_locks where locktype='advisory' and database=(select oid from pg_database where datname=current_database())"
kill -9 $JPID; wait $JPID 2>/dev/null
for i in $(seq 1 25); do
  n=$(psql -h 127.0.0.1 -U bulwark -d $DB -Atc "select count(*) from pg_locks where locktype='advisory' and database=(select oid from pg_database where datname=current_database())")
  [ "$n" = 0 ] && break; sleep 0.2; done
echo "--- after kill -9 of the JVM (+$((i/5)) s): advisory locks=$n; psql alive: $(ps -p $P -o pid= || echo no); pg_dump/sleep alive: $(pgrep -f pg_dump_slow || echo no)"
echo "--- our pg_dump (pid $D, waiting for the app's table lock) after the JVM died:"; for t in 1 5 20; do sleep $t; echo "  +${t}s: $(ps -o pid=,etime=,args= -p $D | cut -c1-120 || echo gone)"; done
psql -h 127.0.0.1 -U bulwark -d bulwark -qc "DROP DATABASE $DB WITH (FORCE)"
