#!/bin/bash
# E: two configurations sharing one cache dir (cron with BACKUP_JAVA_OPTS, an operator's manual run without;
# or two checkouts / JDKs of the same user): each backup deletes the other's archive, so every run re-dumps.
set -u
d=/work/review-2026-11-26b/e
rm -rf $d/src $d/store $d/cds; mkdir -p $d/src; echo hi > $d/src/a.txt
export BACKUP_SOURCE_DIR=$d/src BACKUP_DIR=$d/store BACKUP_CDS_DIR=$d/cds BACKUP_LOG_LEVEL=warn
run() { /usr/bin/time -f "%U+%S CPU-s" /work/wt-backup/scripts/backup.sh backup 2>&1 >/dev/null | tail -1; echo "   archives now: $(ls $d/cds | tr '\n' ' ')"; }
for i in 1 2; do
  echo "default opts:"; unset BACKUP_JAVA_OPTS; run
  echo "BACKUP_JAVA_OPTS=-Xmx300m -XX:+UseSerialGC:"; BACKUP_JAVA_OPTS="-Xmx300m -XX:+UseSerialGC" run
done
